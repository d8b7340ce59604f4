// Runs a Playwright project of test/projects/ in a child process, as a user's `npx playwright test` would, and
// reads its outcomes from the JSON reporter: how a test of this kit checks that other tests fail or skip.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One test's result in one project. */
export interface Outcome {
  readonly title: string;
  readonly project: string;
  readonly status: string;
  /** The first error's message, without colours. */
  readonly error: string | undefined;
  readonly annotations: readonly { type: string; description?: string }[];
  readonly attachments: readonly { name: string; contentType: string; path?: string; body?: string }[];
}

export interface PlaywrightRun {
  readonly code: number | null;
  readonly outcomes: readonly Outcome[];
  /** What the run printed, for failure messages. */
  readonly output: string;
  /** The outcome of `title` in `project`; throws with the run's output when there is none. */
  outcome(project: string, title?: string): Outcome;
}

interface JsonSuite {
  specs?: { title: string; tests: { projectName: string; annotations: Outcome['annotations']; results: { status: string; errors?: { message?: string }[]; attachments: Outcome['attachments'] }[] }[] }[];
  suites?: JsonSuite[];
}

const stripAnsi = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');

/** The error as thrown: without colours, the `Error: ` prefix, and the location and code frame the reporter adds. */
const errorText = (message: string) => stripAnsi(message).replace(/^Error: /, '').split(/\n\n(?=\s+(?:>\s*)?\d+ \||\s+at )/)[0]!;

function collect(suite: JsonSuite, into: Outcome[]): Outcome[] {
  for (const spec of suite.specs ?? []) {
    for (const test of spec.tests) {
      const result = test.results.at(-1);
      const message = result?.errors?.[0]?.message;
      into.push({
        title: spec.title,
        project: test.projectName,
        status: result?.status ?? 'skipped',
        error: message === undefined ? undefined : errorText(message),
        annotations: test.annotations,
        attachments: result?.attachments ?? [],
      });
    }
  }
  for (const child of suite.suites ?? []) collect(child, into);
  return into;
}

/** What the Playwright worker running us set in its environment (its own runner's internals start with PW_). */
const WORKER_VARIABLES = /^(PW_|TEST_WORKER_INDEX$|TEST_PARALLEL_INDEX$|PLAYWRIGHT_TEST_BASE_URL$|PLAYWRIGHT_FORCE_TTY$)/;

/** The environment of a child Playwright: this one's, less what the Playwright worker running us set. */
function childEnv(extra: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!WORKER_VARIABLES.test(key)) env[key] = value;
  return { ...env, FORCE_COLOR: '0', NO_COLOR: '1', ...extra };
}

/** Runs `playwright test -c config ...args` with `env`, in `cwd`. */
export async function runPlaywright(config: string, { args = [], env = {}, cwd, cli }: { args?: readonly string[]; env?: Readonly<Record<string, string>>; cwd?: string; cli?: string } = {}): Promise<PlaywrightRun> {
  const dir = await mkdtemp(join(tmpdir(), 'tensorlane-pw-run-'));
  const report = join(dir, 'report.json');
  const bin = cli ?? createRequire(import.meta.url).resolve('@playwright/test/cli');
  try {
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [bin, 'test', '-c', config, '--reporter=json', ...args], {
        cwd,
        env: childEnv({ ...env, PLAYWRIGHT_JSON_OUTPUT_NAME: report }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.on('error', reject);
      child.on('close', (exit) => resolve({ code: exit, output: text }));
    });
    const json = JSON.parse(await readFile(report, 'utf8').catch(() => '{}')) as { suites?: JsonSuite[]; errors?: { message?: string }[] };
    const outcomes = collect({ suites: json.suites ?? [] }, []);
    const errors = (json.errors ?? []).map((e) => stripAnsi(e.message ?? '')).join('\n');
    const shown = `${stripAnsi(output)}${errors}`;
    return {
      code,
      outcomes,
      output: shown,
      outcome(project, title) {
        const found = outcomes.find((o) => o.project === project && (title === undefined || o.title === title));
        if (found === undefined) throw new Error(`no outcome for ${project} ${title ?? ''} in the run of ${config}:\n${shown}`);
        return found;
      },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
