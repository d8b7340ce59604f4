// The consumer check: fresh apps (the fixtures in e2e/consumers/, none with bundler config) depend on the packed
// tarball of tensorlane, install it with pnpm from the local store only, and run a prediction in Chromium on WASM and
// on WebGPU: the Vite dev server (dependency pre-bundling on, as by default), a Vite production build, a webpack 5
// production build, and a page with no bundler that imports the built ESM files through an import map. The
// production builds are also served under a strict Content-Security-Policy. A server render in Node imports the
// package and gets a clear error for using it.
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { compareTensors, expect, test } from '@tensorlane/playwright';
import { installOffline, mustRun, packTarball, timed } from './consumer-install.ts';
import { serveStatic, type StaticServer } from './static-server.ts';
import { buildMlp, mlpReference } from '../test/models/zoo.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const packageDir = join(repoRoot, 'packages', 'tensorlane');
const fixturesDir = fileURLToPath(new URL('./consumers', import.meta.url));

/** What e2e/consumers/app.js publishes as `window.consumerResult`. */
type ConsumerResult =
  | {
      ok: true;
      backend: string;
      fallback: unknown[];
      adapter: Record<string, unknown> | null;
      input: number[];
      dims: number[];
      output: number[];
      timings: { loadMs: number; predictMs: number };
      violations: string[];
    }
  | { ok: false; code: string | null; message: string; violations: string[] };

/** The app's own Vite, run with node directly, so that stopping the process group stops Vite. */
function viteBin(app: string): string {
  return join(app, 'node_modules', 'vite', 'bin', 'vite.js');
}

/** A consumer fixture: a directory of e2e/consumers/ and where its app gets app.js and the model. */
interface Fixture {
  readonly name: 'vite' | 'webpack' | 'no-bundler';
  /** Where app.js goes: the app's entry module. */
  readonly entry: string;
  /** The directory, relative to the app, served at the page's URL. */
  readonly publicDir: string;
  /** pnpm settings of the fixture's own (as a user's project would have them). */
  readonly settings?: Readonly<Record<string, unknown>>;
}

const FIXTURES = {
  vite: { name: 'vite', entry: 'app.js', publicDir: 'public' },
  webpack: { name: 'webpack', entry: 'src/index.js', publicDir: '.' },
  // npm's flat node_modules, so that the import map can name each package's files at a stable path.
  'no-bundler': { name: 'no-bundler', entry: 'app.js', publicDir: '.', settings: { nodeLinker: 'hoisted' } },
} as const satisfies Record<string, Fixture>;

/** Copies a fixture to `app`, adds app.js and the model, points `tensorlane` at the tarball, and installs offline. */
async function prepareApp(fixture: Fixture, app: string, tarball: string): Promise<void> {
  await cp(join(fixturesDir, fixture.name), app, { recursive: true });
  await cp(join(fixturesDir, 'app.js'), join(app, fixture.entry));
  const manifestPath = join(app, 'package.json');
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { dependencies: Record<string, string> };
  manifest.dependencies['tensorlane'] = `file:${tarball}`;
  await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  await mkdir(join(app, fixture.publicDir), { recursive: true });
  await writeFile(join(app, fixture.publicDir, 'mlp.onnx'), buildMlp());
  await installOffline(app, fixture.name, fixture.settings);
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

/** A Vite server of the app, in a process group of its own so that stopping it stops all of it. */
class ViteServer {
  readonly url: string;
  #log = '';
  readonly #child: ChildProcess;
  readonly #exited: Promise<void>;

  constructor(app: string, args: readonly string[], port: number) {
    this.url = `http://127.0.0.1:${port}/`;
    this.#child = spawn(process.execPath, [viteBin(app), ...args, '--host', '127.0.0.1', '--port', String(port), '--strictPort'], {
      cwd: app,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child.stdout!.on('data', (chunk: Buffer) => (this.#log += chunk.toString()));
    this.#child.stderr!.on('data', (chunk: Buffer) => (this.#log += chunk.toString()));
    this.#exited = new Promise((resolve) => this.#child.once('exit', () => resolve()));
  }

  get log(): string {
    return this.#log;
  }

  /** Polls the URL until the server answers 200. */
  async ready(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.#child.exitCode !== null) throw new Error(`vite exited with ${this.#child.exitCode}:\n${this.#log}`);
      const status = await fetch(this.url).then((r) => r.status, () => 0);
      if (status === 200) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`vite did not answer at ${this.url} within ${timeoutMs} ms:\n${this.#log}`);
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

async function startServer(app: string, args: readonly string[]): Promise<ViteServer> {
  const server = new ViteServer(app, args, await freePort());
  await server.ready();
  return server;
}

/** A server of an app: a Vite server or a static one. */
interface Served {
  readonly url: string;
  readonly log: string;
}

/** Opens the app with `?backend=` and returns its result; fails with what the page and server said if none comes. */
async function resultIn(page: Page, server: Served, backend: string): Promise<ConsumerResult & { said: () => string }> {
  const { url } = server;
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()} ${response.url()}`);
  });
  await page.goto(`${url}?backend=${backend}`);
  const said = () => `the page said:\n${problems.join('\n') || '(nothing)'}\nthe server said:\n${server.log}`;
  await page.waitForFunction(() => 'consumerResult' in window, null, { timeout: 30_000 }).catch((error: unknown) => {
    throw new Error(`no result from ${url} within 30 s; ${said()}`, { cause: error });
  });
  const result = await page.evaluate(() => (window as unknown as { consumerResult: ConsumerResult }).consumerResult);
  return { ...result, said };
}

/** Opens the app with `?backend=`, waits for its prediction, and returns it. */
async function predictIn(page: Page, server: Served, backend: 'wasm' | 'webgpu'): Promise<ConsumerResult & { ok: true }> {
  const result = await resultIn(page, server, backend);
  if (!result.ok) throw new Error(`prediction failed on ${server.url}: ${result.code} ${result.message}\n${result.said()}`);
  console.log(
    `[consumer] ${server.url} ${backend}: backend=${result.backend} adapter=${JSON.stringify(result.adapter)} ` +
      `load=${Math.round(result.timings.loadMs)} ms predict=${Math.round(result.timings.predictMs)} ms`,
  );
  return result;
}

function expectMlpOutput(result: ConsumerResult & { ok: true }, tolerance: number): void {
  const reference = { type: 'float32', data: mlpReference(Float32Array.from(result.input)), dims: [2, 10] };
  console.log(`[consumer] ${result.backend}: max |output - reference| = ${compareTensors(result.output, reference.data).maxAbsDiff.toExponential(2)}`);
  expect({ type: 'float32', data: result.output, dims: result.dims }).toBeCloseToTensor(reference, { atol: tolerance, rtol: 0 });
}

/** The dependencies Vite's dev server pre-bundled into node_modules/.vite/deps. */
async function preBundled(app: string): Promise<string[]> {
  const metadata = JSON.parse(await readFile(join(app, 'node_modules', '.vite', 'deps', '_metadata.json'), 'utf8')) as {
    optimized: Record<string, unknown>;
  };
  return Object.keys(metadata.optimized);
}

const tolerance = { wasm: 1e-4, webgpu: 1e-3 } as const;
const BACKENDS = ['wasm', 'webgpu'] as const;

/** The policy of the issue: no 'unsafe-eval', no blob: workers, nothing inline. */
const STRICT_CSP = "script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'";

/** The strict policy less 'wasm-unsafe-eval': no WebAssembly may be compiled. */
const NO_WASM_CSP = "script-src 'self'; worker-src 'self'";

/** Checks a successful prediction: the backend asked for, no fallback, the reference numbers, no CSP violation. */
function expectPrediction(result: ConsumerResult & { ok: true }, backend: 'wasm' | 'webgpu'): void {
  expect(result.backend).toBe(backend);
  expect(result.fallback).toEqual([]);
  expect(result.violations).toEqual([]);
  expectMlpOutput(result, tolerance[backend]);
}

let workDir: string | undefined;
let packed: Promise<string> | undefined;
let apps = 0;

/** The tarball, packed once for every consumer, and a fresh directory for an app. */
async function freshApp(fixture: Fixture): Promise<string> {
  workDir ??= await mkdtemp(join(tmpdir(), 'tensorlane-consumer-'));
  packed ??= timed('pnpm pack', () => packTarball(packageDir, workDir!, ['dist/index.js', 'dist/worker/entry.js']));
  const app = join(workDir, `${fixture.name}-${++apps}`);
  await prepareApp(fixture, app, await packed);
  return app;
}

test.afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
  workDir = undefined;
  packed = undefined;
});

test.describe('consumer: Vite dev server, dependency pre-bundling on', () => {
  let app: string;
  let server: ViteServer | undefined;

  test.beforeAll(async () => {
    app = await freshApp(FIXTURES.vite);
    server = await timed('vite dev ready', () => startServer(app, []));
  });

  test.afterAll(async () => {
    await server?.stop();
  });

  for (const backend of BACKENDS) {
    test(`should predict on ${backend} from the vite dev server with dependency pre-bundling`, async ({ page }) => {
      const result = await predictIn(page, server!, backend);
      // The case at risk: tensorlane's code moved into node_modules/.vite/deps/, away from its worker script.
      expect(await preBundled(app)).toContain('tensorlane');
      expectPrediction(result, backend);
    });
  }
});

/** A production build's output served as static files, plain and under the strict CSP. */
function describeStaticBuild(title: string, fixture: Fixture, build: (app: string) => Promise<unknown>, outDir: string): void {
  test.describe(title, () => {
    const servers: { plain?: StaticServer; csp?: StaticServer; noWasm?: StaticServer } = {};

    test.beforeAll(async () => {
      const app = await freshApp(fixture);
      await timed(`${fixture.name}: build`, () => build(app));
      servers.plain = await serveStatic(join(app, outDir));
      servers.csp = await serveStatic(join(app, outDir), { 'content-security-policy': STRICT_CSP });
      servers.noWasm = await serveStatic(join(app, outDir), { 'content-security-policy': NO_WASM_CSP });
    });

    test.afterAll(async () => {
      await Promise.all([servers.plain?.close(), servers.csp?.close(), servers.noWasm?.close()]);
    });

    test(`should reject with BACKEND_UNAVAILABLE naming 'wasm-unsafe-eval' when a ${fixture.name} build's CSP forbids WebAssembly`, async ({ page }) => {
      const result = await resultIn(page, servers.noWasm!, 'wasm');
      expect(result).toMatchObject({ ok: false, code: 'BACKEND_UNAVAILABLE' });
      expect((result as { message: string }).message).toMatch(/^no backend could run model "[^"]+": wasm: session creation failed: .*Content Security Policy.*add 'wasm-unsafe-eval' to script-src\)$/);
    });

    for (const backend of BACKENDS) {
      test(`should predict on ${backend} from a ${fixture.name} production build`, async ({ page }) => {
        expectPrediction(await predictIn(page, servers.plain!, backend), backend);
      });
    }

    for (const backend of BACKENDS) {
      test(`should predict on ${backend} from a ${fixture.name} build served with a strict CSP`, async ({ page }) => {
        // That the policy is in force is shown by the test above: the same server without 'wasm-unsafe-eval' fails.
        expectPrediction(await predictIn(page, servers.csp!, backend), backend);
      });
    }
  });
}

describeStaticBuild('consumer: Vite production build', FIXTURES.vite, (app) => mustRun('vite build', process.execPath, [viteBin(app), 'build'], app), 'dist');

describeStaticBuild(
  'consumer: webpack 5 production build',
  FIXTURES.webpack,
  (app) => mustRun('webpack', process.execPath, [join(app, 'node_modules', 'webpack-cli', 'bin', 'cli.js'), '--mode', 'production'], app),
  '.',
);

// The page imports dist/*.js through an import map; its worker, which no import map reaches, through es-module-shims.
test.describe('consumer: no bundler, the built ESM files through an import map', () => {
  let server: StaticServer | undefined;

  test.beforeAll(async () => {
    server = await serveStatic(await freshApp(FIXTURES['no-bundler']));
  });

  test.afterAll(async () => {
    await server?.close();
  });

  for (const backend of BACKENDS) {
    test(`should predict on ${backend} from a page with no bundler`, async ({ page }) => {
      expectPrediction(await predictIn(page, server!, backend), backend);
    });
  }
});

test.describe('consumer: server-side rendering in Node', () => {
  test('should import in Node and reject createSession with ENVIRONMENT_UNSUPPORTED saying a browser is needed', async () => {
    const app = await freshApp(FIXTURES.vite);
    const output = await mustRun('node ssr.js', process.execPath, ['ssr.js'], app);
    const { html, added, error } = JSON.parse(output) as { html: string; added: string[]; error: unknown };
    expect(html).toContain(
      'exports: TensorlaneError, createSession, deleteBackendChoices, deleteCachedModels, isTensorlaneError, listBackendChoices, listCachedModels',
    );
    expect(added).toEqual([]); // importing changes no global
    expect(error).toEqual({
      name: 'TensorlaneError',
      code: 'ENVIRONMENT_UNSUPPORTED',
      message: 'Worker is not defined: tensorlane runs models in a Web Worker, so it needs a browser (or pass options.worker)',
      isTensorlaneError: true,
    });
  });
});
