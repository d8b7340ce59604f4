// The consumer check: fresh apps (the fixtures in e2e/consumers/, none with bundler config) depend on the packed
// tarball of tensorlane, install it with pnpm from the local store only, and run a prediction in Chromium on WASM and
// on WebGPU: the Vite dev server (dependency pre-bundling on, as by default), a Vite production build, a webpack 5
// production build, and a page with no bundler that imports the built ESM files through an import map. The
// production builds are also served under a strict Content-Security-Policy. A server render in Node imports the
// package and gets a clear error for using it. Each app is also served cross-origin isolated (COOP and COEP, the
// same build or dev server behind isolating-proxy.ts or with the headers), where, asked for 2 threads, it must run on
// more than one. The Next.js apps are in consumer-next.spec.ts; the helpers both use are in consumer-apps.ts.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from '@tensorlane/playwright';
import {
  BACKENDS, EXPORTS, NO_WORKER_MESSAGE, expectPrediction, expectThreadedPrediction, installedApp, predictIn, removeApps, resultIn,
  startServer, threaded, type AppServer, type Fixture,
} from './consumer-apps.ts';
import { mustRun, timed } from './consumer-install.ts';
import { ISOLATION_HEADERS, isolatingProxy, type IsolatingProxy } from './isolating-proxy.ts';
import { serveStatic, type StaticServer } from './static-server.ts';

/** The app's own Vite, run with node directly, so that stopping the process group stops Vite. */
function viteBin(app: string): string {
  return join(app, 'node_modules', 'vite', 'bin', 'vite.js');
}

const FIXTURES = {
  vite: { name: 'vite', entry: 'app.js', publicDir: 'public' },
  webpack: { name: 'webpack', entry: 'src/index.js', publicDir: '.' },
  // npm's flat node_modules, so that the import map can name each package's files at a stable path.
  'no-bundler': { name: 'no-bundler', entry: 'app.js', publicDir: '.', settings: { nodeLinker: 'hoisted' } },
} as const satisfies Record<string, Fixture>;

/** The dependencies Vite's dev server pre-bundled into node_modules/.vite/deps. */
async function preBundled(app: string): Promise<string[]> {
  const metadata = JSON.parse(await readFile(join(app, 'node_modules', '.vite', 'deps', '_metadata.json'), 'utf8')) as {
    optimized: Record<string, unknown>;
  };
  return Object.keys(metadata.optimized);
}

/** The policy of the issue: no 'unsafe-eval', no blob: workers, nothing inline. */
const STRICT_CSP = "script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'";

/** The strict policy less 'wasm-unsafe-eval': no WebAssembly may be compiled. */
const NO_WASM_CSP = "script-src 'self'; worker-src 'self'";

test.afterAll(removeApps);

test.describe('consumer: Vite dev server, dependency pre-bundling on', () => {
  let app: string;
  let server: AppServer | undefined;
  let isolated: IsolatingProxy | undefined;

  test.beforeAll(async () => {
    app = await installedApp(FIXTURES.vite);
    server = await timed('vite dev ready', () => startServer(app, (port) => [viteBin(app), '--host', '127.0.0.1', '--port', String(port), '--strictPort']));
    isolated = await isolatingProxy(server);
  });

  test.afterAll(async () => {
    await isolated?.close();
    await server?.stop();
  });

  test('should predict on wasm with more than one thread from the vite dev server with COOP and COEP', async ({ page }) => {
    expectThreadedPrediction(await predictIn(page, isolated!, threaded('wasm')), 'wasm');
  });

  for (const backend of BACKENDS) {
    test(`should predict on ${backend} from the vite dev server with dependency pre-bundling`, async ({ page }) => {
      const result = await predictIn(page, server!, { backend });
      // The case at risk: tensorlane's code moved into node_modules/.vite/deps/, away from its worker script.
      expect(await preBundled(app)).toContain('tensorlane');
      expectPrediction(result, backend);
    });
  }
});

/** A production build's output served as static files, plain and under the strict CSP. */
function describeStaticBuild(title: string, fixture: Fixture, build: (app: string) => Promise<unknown>, outDir: string): void {
  test.describe(title, () => {
    const servers: { plain?: StaticServer; csp?: StaticServer; noWasm?: StaticServer; isolated?: StaticServer } = {};

    test.beforeAll(async () => {
      const app = await installedApp(fixture);
      await timed(`${fixture.name}: build`, () => build(app));
      servers.plain = await serveStatic(join(app, outDir));
      servers.csp = await serveStatic(join(app, outDir), { 'content-security-policy': STRICT_CSP });
      servers.noWasm = await serveStatic(join(app, outDir), { 'content-security-policy': NO_WASM_CSP });
      servers.isolated = await serveStatic(join(app, outDir), ISOLATION_HEADERS);
    });

    test.afterAll(async () => {
      await Promise.all(Object.values(servers).map((server) => server.close()));
    });

    test(`should predict on wasm with more than one thread from a ${fixture.name} build served with COOP and COEP`, async ({ page }) => {
      expectThreadedPrediction(await predictIn(page, servers.isolated!, threaded('wasm')), 'wasm');
    });

    test(`should reject with BACKEND_UNAVAILABLE naming 'wasm-unsafe-eval' when a ${fixture.name} build's CSP forbids WebAssembly`, async ({ page }) => {
      const result = await resultIn(page, servers.noWasm!, { backend: 'wasm' });
      expect(result).toMatchObject({ ok: false, code: 'BACKEND_UNAVAILABLE' });
      expect((result as { message: string }).message).toMatch(/^no backend could run model "[^"]+": wasm: session creation failed: .*Content Security Policy.*add 'wasm-unsafe-eval' to script-src\)$/);
    });

    for (const backend of BACKENDS) {
      test(`should predict on ${backend} from a ${fixture.name} production build`, async ({ page }) => {
        expectPrediction(await predictIn(page, servers.plain!, { backend }), backend);
      });
    }

    for (const backend of BACKENDS) {
      test(`should predict on ${backend} from a ${fixture.name} build served with a strict CSP`, async ({ page }) => {
        // That the policy is in force is shown by the test above: the same server without 'wasm-unsafe-eval' fails.
        expectPrediction(await predictIn(page, servers.csp!, { backend }), backend);
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
  let isolated: StaticServer | undefined;

  test.beforeAll(async () => {
    const app = await installedApp(FIXTURES['no-bundler']);
    server = await serveStatic(app);
    isolated = await serveStatic(app, ISOLATION_HEADERS);
  });

  test.afterAll(async () => {
    await Promise.all([server?.close(), isolated?.close()]);
  });

  test('should predict on wasm with more than one thread from a page with no bundler, served with COOP and COEP', async ({ page }) => {
    expectThreadedPrediction(await predictIn(page, isolated!, threaded('wasm')), 'wasm');
  });

  for (const backend of BACKENDS) {
    test(`should predict on ${backend} from a page with no bundler`, async ({ page }) => {
      expectPrediction(await predictIn(page, server!, { backend }), backend);
    });
  }
});

test.describe('consumer: server-side rendering in Node', () => {
  test('should import in Node and reject createSession with ENVIRONMENT_UNSUPPORTED saying a browser is needed', async () => {
    const app = await installedApp(FIXTURES.vite);
    const output = await mustRun('node ssr.js', process.execPath, ['ssr.js'], app);
    const { html, added, error } = JSON.parse(output) as { html: string; added: string[]; error: unknown };
    expect(html).toContain(`exports: ${EXPORTS}`);
    expect(added).toEqual([]); // importing changes no global
    expect(error).toEqual({
      name: 'TensorlaneError',
      code: 'ENVIRONMENT_UNSUPPORTED',
      message: NO_WORKER_MESSAGE,
      isTensorlaneError: true,
    });
  });
});
