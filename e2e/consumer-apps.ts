// What the consumer specs share: pack the built package once, copy a fixture of e2e/consumers/ to a fresh directory
// with app.js and the model, install it offline from pnpm's store (consumer-install.ts), run its servers, and read
// the prediction that app.js publishes in Chromium.
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { compareTensors, expect } from '@tensorlane/playwright';
import { installOffline, packTarball, repoRoot, timed } from './consumer-install.ts';
import { buildMlp, mlpReference } from '../test/models/zoo.ts';

const packageDir = join(repoRoot, 'packages', 'tensorlane');
const fixturesDir = fileURLToPath(new URL('./consumers', import.meta.url));

/** What e2e/consumers/app.js publishes as `window.consumerResult`. */
export type ConsumerResult =
  | {
      ok: true;
      backend: string;
      fallback: unknown[];
      threads: number;
      warnings: string[];
      isolated: boolean;
      adapter: Record<string, unknown> | null;
      input: number[];
      dims: number[];
      output: number[];
      timings: { loadMs: number; predictMs: number };
      violations: string[];
    }
  | { ok: false; code: string | null; message: string; violations: string[] };

/** A consumer fixture: a directory of e2e/consumers/ and where its app gets app.js and the model. */
export interface Fixture {
  readonly name: 'vite' | 'webpack' | 'no-bundler' | 'next';
  /** Where app.js goes: the app's entry module. */
  readonly entry: string;
  /** The directory, relative to the app, served at the page's URL. */
  readonly publicDir: string;
  /** pnpm settings of the fixture's own (as a user's project would have them). */
  readonly settings?: Readonly<Record<string, unknown>>;
}

/**
 * Copies a fixture to `app`, adds app.js and the model, points `tensorlane` at the tarball and sets `dependencies`
 * (a version the lockfile holds twice, such as Next.js's), and installs offline.
 */
async function prepareApp(fixture: Fixture, app: string, tarball: string, dependencies: Readonly<Record<string, string>>): Promise<void> {
  await cp(join(fixturesDir, fixture.name), app, { recursive: true });
  await cp(join(fixturesDir, 'app.js'), join(app, fixture.entry));
  const manifestPath = join(app, 'package.json');
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { dependencies: Record<string, string> };
  Object.assign(manifest.dependencies, dependencies, { tensorlane: `file:${tarball}` });
  await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  await mkdir(join(app, fixture.publicDir), { recursive: true });
  await writeFile(join(app, fixture.publicDir, 'mlp.onnx'), buildMlp());
  await installOffline(app, fixture.name, fixture.settings);
}

let workDir: string | undefined;
let packed: Promise<string> | undefined;
/** The apps installed so far in this worker, by fixture and dependencies: each is installed once. */
const installed = new Map<string, Promise<string>>();

/**
 * An app of `fixture`, installed from the tarball (packed once for every consumer), once per fixture and
 * dependencies: the specs that use it (a dev server, a build, a server render) share it, as one project of a user's
 * would be served, built and rendered from the same install.
 * @param dependencies - versions to set in the app's package.json, e.g. `{ next: '15.5.29' }`.
 */
export function installedApp(fixture: Fixture, dependencies: Readonly<Record<string, string>> = {}): Promise<string> {
  const key = `${fixture.name} ${JSON.stringify(dependencies)}`;
  let app = installed.get(key);
  if (app === undefined) {
    const name = `${fixture.name}-${installed.size + 1}`;
    app = (async () => {
      workDir ??= await mkdtemp(join(tmpdir(), 'tensorlane-consumer-'));
      packed ??= timed('pnpm pack', () => packTarball(packageDir, workDir!, ['dist/index.js', 'dist/worker/entry.js']));
      const dir = join(workDir, name);
      await prepareApp(fixture, dir, await packed, dependencies);
      return dir;
    })();
    installed.set(key, app);
  }
  return app;
}

/** Removes every app and the tarball; the next {@link installedApp} packs and installs again. */
export async function removeApps(): Promise<void> {
  if (workDir) await rm(workDir, { recursive: true, force: true });
  workDir = undefined;
  packed = undefined;
  installed.clear();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A server of an app: a dev server, a framework's server or a static one. */
export interface Served {
  readonly url: string;
  readonly log: string;
}

/** A Node server of the app (Vite, Next.js), in a process group of its own so that stopping it stops all of it. */
export class AppServer implements Served {
  readonly url: string;
  #log = '';
  readonly #child: ChildProcess;
  readonly #exited: Promise<void>;

  /** Runs `node ...args` in `app`; the server must listen on 127.0.0.1:`port`. */
  constructor(app: string, args: readonly string[], port: number) {
    this.url = `http://127.0.0.1:${port}/`;
    this.#child = spawn(process.execPath, args, { cwd: app, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child.stdout!.on('data', (chunk: Buffer) => (this.#log += chunk.toString()));
    this.#child.stderr!.on('data', (chunk: Buffer) => (this.#log += chunk.toString()));
    this.#exited = new Promise((resolve) => this.#child.once('exit', () => resolve()));
  }

  get log(): string {
    return this.#log;
  }

  /** Polls the URL until the server answers 200 (a dev server compiles the page on that first request). */
  async ready(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.#child.exitCode !== null) throw new Error(`the server exited with ${this.#child.exitCode}:\n${this.#log}`);
      const status = await fetch(this.url).then((r) => r.status, () => 0);
      if (status === 200) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`the server did not answer at ${this.url} within ${timeoutMs} ms:\n${this.#log}`);
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        process.kill(-this.#child.pid!, signal);
      } catch {
        // the group is gone already
      }
    };
    signalGroup('SIGTERM');
    const killer = setTimeout(() => signalGroup('SIGKILL'), 5_000);
    await this.#exited;
    clearTimeout(killer);
  }
}

/**
 * Starts a server of the app on a free port and waits until it answers.
 * @param args - `node` arguments for the port, e.g. `(port) => [viteBin, '--port', String(port)]`.
 */
export async function startServer(app: string, args: (port: number) => readonly string[], timeoutMs = 30_000): Promise<AppServer> {
  const port = await freePort();
  const server = new AppServer(app, args(port), port);
  try {
    await server.ready(timeoutMs);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

/** How app.js is asked to predict: the backend, and onnxruntime-web's files if not the bundled ones. */
export interface Query {
  readonly backend: string;
  readonly wasmPaths?: string;
  /** WASM threads to ask for (`numThreads`); numThreads 'auto' when absent. */
  readonly threads?: string;
}

/**
 * The query of a threaded prediction: 2 threads asked for, as 'auto' leaves the page a core and runs 1 thread on the
 * 2-core machines the tests run on.
 */
export const threaded = (backend: 'wasm' | 'webgpu'): Query => ({ backend, threads: '2' });

/** Opens the app with the query and returns its result; fails with what the page and server said if none comes. */
export async function resultIn(page: Page, server: Served, query: Query, timeoutMs = 30_000): Promise<ConsumerResult & { said: () => string }> {
  const { url } = server;
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()} ${response.url()}`);
  });
  await page.goto(`${url}?${new URLSearchParams({ ...query })}`);
  const said = () => `the page said:\n${problems.join('\n') || '(nothing)'}\nthe server said:\n${server.log}`;
  await page.waitForFunction(() => 'consumerResult' in window, null, { timeout: timeoutMs }).catch((error: unknown) => {
    throw new Error(`no result from ${url} within ${timeoutMs / 1000} s; ${said()}`, { cause: error });
  });
  const result = await page.evaluate(() => (window as unknown as { consumerResult: ConsumerResult }).consumerResult);
  return { ...result, said };
}

/** Opens the app with the query, waits for its prediction, and returns it. */
export async function predictIn(page: Page, server: Served, query: Query, timeoutMs?: number): Promise<ConsumerResult & { ok: true }> {
  const result = await resultIn(page, server, query, timeoutMs);
  if (!result.ok) throw new Error(`prediction failed on ${server.url}: ${result.code} ${result.message}\n${result.said()}`);
  console.log(
    `[consumer] ${server.url} ${query.backend}: backend=${result.backend} adapter=${JSON.stringify(result.adapter)} ` +
      `threads=${result.threads} load=${Math.round(result.timings.loadMs)} ms predict=${Math.round(result.timings.predictMs)} ms`,
  );
  return result;
}

/** The backends every consumer predicts on. */
export const BACKENDS = ['wasm', 'webgpu'] as const;
const tolerance = { wasm: 1e-4, webgpu: 1e-3 } as const;

/** Checks a successful prediction: the backend asked for, no fallback, the reference numbers, no CSP violation. */
export function expectPrediction(result: ConsumerResult & { ok: true }, backend: 'wasm' | 'webgpu'): void {
  expect(result.backend).toBe(backend);
  expect(result.fallback).toEqual([]);
  expect(result.violations).toEqual([]);
  const reference = { type: 'float32', data: mlpReference(Float32Array.from(result.input)), dims: [2, 10] };
  console.log(`[consumer] ${result.backend}: max |output - reference| = ${compareTensors(result.output, reference.data).maxAbsDiff.toExponential(2)}`);
  expect({ type: 'float32', data: result.output, dims: result.dims }).toBeCloseToTensor(reference, { atol: tolerance[backend], rtol: 0 });
}

/**
 * Checks a prediction on a cross-origin isolated page, asked for 2 threads ({@link threaded}): more than one
 * WebAssembly thread, no warning, and what {@link expectPrediction} checks.
 */
export function expectThreadedPrediction(result: ConsumerResult & { ok: true }, backend: 'wasm' | 'webgpu'): void {
  expect({ isolated: result.isolated, warnings: result.warnings }).toEqual({ isolated: true, warnings: [] });
  expect(result.threads).toBeGreaterThan(1);
  expectPrediction(result, backend);
}

/** The server-side error every consumer expects when it calls createSession outside a browser. */
export const NO_WORKER_MESSAGE = 'Worker is not defined: tensorlane runs models in a Web Worker, so it needs a browser (or pass options.worker)';

/** The package's exports, as the SSR checks list them. */
export const EXPORTS = Object.keys(await import('tensorlane')).sort().join(', ');
