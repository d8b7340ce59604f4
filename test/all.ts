// `pnpm test`, after the build: the unit tests (the typecheck, then vitest) beside the browser tests (Playwright),
// rather than before them. On their own they keep the 2 cores of CI's machine half busy for a minute; beside
// Playwright's first tests (the consumer apps' installs and builds) they fill the gaps. Playwright prints as it goes;
// the unit tests' report waits for its end, so that the two do not interleave, and one line says at once how they ended.
// Exits non-zero when either failed.
import { spawn } from 'node:child_process';

/** Runs `command`; its output is passed on, or kept and returned (`keep`). Resolves with its exit code and output. */
function run(command: string, args: readonly string[], keep: boolean): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: keep ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => resolve({ code: 1, output: `${output}${error.message}\n` }));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
  });
}

/** The typecheck, then vitest, as `pnpm test:unit` runs them after its build. */
async function unitTests(): Promise<{ code: number; output: string }> {
  const typecheck = await run('pnpm', ['typecheck'], true);
  if (typecheck.code !== 0) return typecheck;
  const vitest = await run('pnpm', ['exec', 'vitest', 'run', '-c', 'test/vitest.config.ts'], true);
  return { code: vitest.code, output: typecheck.output + vitest.output };
}

const unit = unitTests().then((result) => {
  console.log(`\n[unit tests] ${result.code === 0 ? 'passed' : 'FAILED'}: their report follows Playwright's\n`);
  return result;
});
const browser = await run('pnpm', ['exec', 'playwright', 'test', '-c', 'e2e'], false);
const { code, output } = await unit;
console.log(`\n[unit tests] the typecheck and vitest, run beside Playwright:\n${output}`);
if (code !== 0) console.error('[unit tests] FAILED (above)');
if (browser.code !== 0) console.error('[browser tests] FAILED (see Playwright above)');
process.exit(code !== 0 ? code : browser.code);
