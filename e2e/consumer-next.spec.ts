// The Next.js consumers: one App Router app (e2e/consumers/next/, no next.config) on Next 16 and on Next 15, each
// installed once from the packed tarball and run in `next dev` and in `next build` + `next start`. Next 16 runs on its
// default bundler, Turbopack, in both. Next 15 runs `next dev --turbopack` (create-next-app 15's dev script; Turbopack
// in Next 15 starts the worker from a blob: URL, the case the SDK must handle without configuration) and `next build`
// on its default, webpack. Left out to shorten CI, which is over its 20 minutes: Next 16's opt-in `--webpack` and Next
// 15's `next dev` on webpack (the webpack of Next 15's build, and of the webpack consumer in consumer.spec.ts, the same
// `new Worker(new URL(…))` handling), and Next 15's `next build --turbopack` (its blob: worker is the dev server's,
// tested here): 2.4, 0.9 and 1.3 minutes of one Playwright worker. In each mode a client component predicts in Chromium
// on WASM and on WebGPU, and a server component imports tensorlane and shows the error it gets on the server. Each
// mode's server is also served cross-origin isolated (COOP and COEP added by isolating-proxy.ts in front of the same
// server), where the client component must run on more than one WebAssembly thread.
import { copyFile, mkdir, readFile, realpath, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { expect, test } from '@tensorlane/playwright';
import {
  BACKENDS, EXPORTS, NO_WORKER_MESSAGE, expectPrediction, expectThreadedPrediction, installedApp, predictIn, removeApps, startServer,
  threaded, type AppServer, type Fixture,
} from './consumer-apps.ts';
import { mustRun, repoRoot, timed } from './consumer-install.ts';
import { isolatingProxy, type IsolatingProxy } from './isolating-proxy.ts';

// Next.js sends anonymous usage data unless told not to; there is no network here anyway.
process.env['NEXT_TELEMETRY_DISABLED'] = '1';

const NEXT: Fixture = { name: 'next', entry: 'app/app.js', publicDir: 'public' };

type Major = 15 | 16;
type Bundler = 'turbopack' | 'webpack';

/** The version the root devDependencies pin as `next-<major>` (`npm:next@x.y.z`), so that it is in pnpm's store. */
async function nextVersion(major: Major): Promise<string> {
  const root = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  const version = /^npm:next@(.+)$/.exec(root.devDependencies[`next-${major}`] ?? '')?.[1];
  if (version === undefined) throw new Error(`the root package.json has no devDependency "next-${major}": "npm:next@${major}.x.y"`);
  return version;
}

/** The modes each version is tested in, and the bundler of each (see the top of this file). */
const MODES: Readonly<Record<Major, readonly (readonly ['dev' | 'build', Bundler])[]>> = {
  16: [['dev', 'turbopack'], ['build', 'turbopack']],
  15: [['dev', 'turbopack'], ['build', 'webpack']],
};

/** The flag that picks `bundler` where it is not the version's default. */
function bundlerFlags(major: Major, bundler: Bundler): string[] {
  const fallback: Bundler = major >= 16 ? 'turbopack' : 'webpack';
  return bundler === fallback ? [] : [`--${bundler}`];
}

function nextBin(app: string): string {
  return join(app, 'node_modules', 'next', 'dist', 'bin', 'next');
}

/** How long a build, or a server's first answer, may take: a dev server compiles the page on its first request. */
const NEXT_TIMEOUT_MS = 180_000;

/** How long the page may take to predict: a dev server compiles the worker and onnxruntime-web on first use. */
const RESULT_TIMEOUT_MS = 90_000;

/** The server component's text in the HTML the server sent, without React's `<!-- -->` text separators. */
async function serverRendered(url: string, id: string): Promise<string | undefined> {
  const html = (await (await fetch(url)).text()).replaceAll('<!-- -->', '');
  return new RegExp(`<p id="${id}">([^<]*)</p>`).exec(html)?.[1];
}

/**
 * onnxruntime-web's WASM-only files copied to the app's public/ort/, for the check of a relative `wasmPaths`: the
 * files of the plain `/wasm` build that tensorlane's WASM backend imports.
 */
async function copyOrtFiles(app: string): Promise<void> {
  // From where pnpm put tensorlane, whose node_modules/ holds its onnxruntime-web.
  const require = createRequire(join(await realpath(join(app, 'node_modules', 'tensorlane')), 'package.json'));
  await mkdir(join(app, 'public', 'ort'), { recursive: true });
  for (const file of ['ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.mjs']) {
    await copyFile(require.resolve(`onnxruntime-web/${file}`), join(app, 'public', 'ort', file));
  }
}

// The two versions side by side; within one, the modes in order, as they share the app and its .next/.
test.describe.configure({ mode: 'parallel' });
test.afterAll(removeApps);

for (const major of [16, 15] as const) {
  test.describe(`consumer: Next.js ${major}, App Router`, () => {
    test.describe.configure({ mode: 'default' });
    let app: string;

    test.beforeAll(async () => {
      app = await installedApp(NEXT, { next: await nextVersion(major) });
      await copyOrtFiles(app);
    });

    for (const [mode, bundler] of MODES[major]) {
      const flags = bundlerFlags(major, bundler);
      const where = `next ${major} ${mode} on ${bundler}`;
      /** Next 15's Turbopack starts the worker from a blob: URL. */
      const blobWorker = major === 15 && bundler === 'turbopack';
      const commands = mode === 'dev' ? ['next dev', ...flags] : ['next build', ...flags, '+ next start'];

      test.describe(`${commands.join(' ')} (${bundler})`, () => {
        let server: AppServer | undefined;
        let isolated: IsolatingProxy | undefined;

        test.beforeAll(async () => {
          test.setTimeout(2 * NEXT_TIMEOUT_MS);
          // Dev and build share .next/; each mode starts from none, as after a fresh clone.
          await rm(join(app, '.next'), { recursive: true, force: true });
          if (mode === 'build') {
            await timed(`${where}: next build`, () => mustRun('next build', process.execPath, [nextBin(app), 'build', ...flags], app));
          }
          const serve = mode === 'dev' ? ['dev', ...flags] : ['start'];
          server = await timed(`${where}: ready`, () =>
            startServer(app, (port) => [nextBin(app), ...serve, '-H', '127.0.0.1', '-p', String(port)], NEXT_TIMEOUT_MS),
          );
          isolated = await isolatingProxy(server);
        });

        test.afterAll(async () => {
          await isolated?.close();
          await server?.stop();
        });

        test(`should render a server component importing tensorlane, which gets ENVIRONMENT_UNSUPPORTED there, from ${where}`, async () => {
          expect(await serverRendered(server!.url, 'server-exports')).toBe(`exports: ${EXPORTS}`);
          expect(await serverRendered(server!.url, 'server-error')).toBe(`ENVIRONMENT_UNSUPPORTED: ${NO_WORKER_MESSAGE}`);
        });

        for (const backend of BACKENDS) {
          test(`should predict on ${backend} from a client component, ${where}`, async ({ page }) => {
            expectPrediction(await predictIn(page, server!, { backend }, RESULT_TIMEOUT_MS), backend);
          });
        }

        // Threads are the WASM runtime's, which the WebGPU builds start too (from another script): Next 15's
        // Turbopack, whose blob: worker could not start them, is checked on both.
        for (const backend of blobWorker ? BACKENDS : (['wasm'] as const)) {
          test(`should predict on ${backend} with more than one thread from a client component served with COOP and COEP, ${where}`, async ({ page }) => {
            expectThreadedPrediction(await predictIn(page, isolated!, threaded(backend), RESULT_TIMEOUT_MS), backend);
          });
        }

        if (blobWorker || (bundler === 'turbopack' && mode === 'build')) {
          test(`should load onnxruntime-web's files from a relative wasmPaths, resolved against the page, ${where}`, async ({ page }) => {
            const fetched: string[] = [];
            page.on('response', (response) => {
              if (response.url().includes('/ort/')) fetched.push(`${response.status()} ${new URL(response.url()).pathname}`);
            });
            expectPrediction(await predictIn(page, server!, { backend: 'wasm', wasmPaths: 'ort/' }), 'wasm');
            expect(fetched.sort()).toEqual(['200 /ort/ort-wasm-simd-threaded.mjs', '200 /ort/ort-wasm-simd-threaded.wasm']);
          });
        }
      });
    }
  });
}
