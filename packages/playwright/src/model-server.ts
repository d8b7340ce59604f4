// The kit's own HTTP server on 127.0.0.1 (a secure context, so navigator.gpu exists): a bare page that runs models
// with the installed tensorlane, the WebGPU probe's page and worker, and the models of `modelDir`.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { importMapOf, modelPagePackages, type BrowserPackage } from './import-map.js';
import { MIME_TYPES } from './mime-types.js';
import { probeWebGpu } from './probe.js';

/**
 * Options of {@link startModelServer}.
 * @example
 * ```ts
 * import { startModelServer, type ModelServerOptions } from '@tensorlane/playwright';
 *
 * const options: ModelServerOptions = { modelDir: 'public/models' };
 * const server = await startModelServer(options);
 * ```
 */
export interface ModelServerOptions {
  /** A directory served at `/models/`, e.g. your `.onnx` files; relative to the current directory. */
  readonly modelDir?: string;
}

/**
 * A running model server. `url` is the bare model page; `url + 'models/net.onnx'` a file of `modelDir`.
 * @example
 * ```ts
 * import { startModelServer, type ModelServer } from '@tensorlane/playwright';
 *
 * const server: ModelServer = await startModelServer();
 * await page.goto(server.url);
 * await server.close();
 * ```
 */
export interface ModelServer {
  /** `http://127.0.0.1:PORT/`, the bare model page. */
  readonly url: string;
  /** Stops the server and drops open connections. */
  close(): Promise<void>;
}

/** Where the WebGPU probe's page and worker are served. */
export const PROBE_PAGE = '/@kit/probe.html';
export const PROBE_WORKER = '/@kit/probe-worker.js';

const html = (title: string, head: string, body: string) =>
  `<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>${title}</title>${head}</head>\n<body>${body}</body>\n</html>\n`;

/** The generated files: the bare page, its module, tensorlane's worker, and the probe's page and worker. */
function generatedFiles(packages: readonly BrowserPackage[]): Record<string, { type: string; body: string }> {
  const map = importMapOf(packages);
  const shims = map.imports['es-module-shims']!;
  const page = html(
    '@tensorlane/playwright model page',
    `<script type="importmap">${JSON.stringify(map)}</script>`,
    '<p>@tensorlane/playwright: tensorlane runs models here, through <code>window.tensorlane</code>.</p><script type="module" src="/@kit/page.js"></script>',
  );
  const pageModule = [
    "import * as tensorlane from 'tensorlane';",
    '// An import map applies to the document only; the worker gets the same map through es-module-shims.',
    "const worker = () => new Worker('/@kit/worker.js', { name: 'tensorlane' });",
    'window.tensorlane = { ...tensorlane, createSession: (options) => tensorlane.createSession({ worker, ...options }) };',
    "document.body.dataset.ready = 'true';",
  ].join('\n');
  const worker = [
    `importScripts(${JSON.stringify(shims)});`,
    `importShim.addImportMap(${JSON.stringify(map)});`,
    '// A failed import becomes the worker\'s error, so createSession rejects with WORKER_CRASHED at once.',
    "importShim('tensorlane/worker').catch((error) => setTimeout(() => { throw error; }));",
  ].join('\n');
  const probeWorker = [
    `const probe = ${probeWebGpu.toString()};`,
    'probe().then((report) => postMessage(report), (error) => postMessage({ available: false, reason: `the probe threw ${error}` }));',
  ].join('\n');
  return {
    '/': { type: MIME_TYPES['.html']!, body: page },
    '/@kit/page.js': { type: MIME_TYPES['.js']!, body: pageModule },
    '/@kit/worker.js': { type: MIME_TYPES['.js']!, body: worker },
    [PROBE_PAGE]: { type: MIME_TYPES['.html']!, body: html('WebGPU probe', '', '') },
    [PROBE_WORKER]: { type: MIME_TYPES['.js']!, body: probeWorker },
  };
}

/** Sends `root` + `path` if it is a file inside `root`; false otherwise. */
async function sendFile(response: ServerResponse, root: string, path: string): Promise<boolean> {
  const file = normalize(join(root, path));
  if (!file.startsWith(root.endsWith(sep) ? root : root + sep)) return false;
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return false;
  response.writeHead(200, { 'content-type': MIME_TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': info.size });
  createReadStream(file).pipe(response);
  return true;
}

/**
 * Starts the kit's server on a free port of 127.0.0.1. The `modelPage` fixture starts one per worker process.
 * @throws Error when tensorlane, its dependencies or es-module-shims cannot be found from this package.
 * @example
 * ```ts
 * import { startModelServer } from '@tensorlane/playwright';
 *
 * const server = await startModelServer({ modelDir: 'test/models' });
 * console.log(`${server.url}models/mlp.onnx`);
 * await server.close();
 * ```
 */
export async function startModelServer(options: ModelServerOptions = {}): Promise<ModelServer> {
  const packages = modelPagePackages();
  const files = generatedFiles(packages);
  const roots = new Map(packages.map((p) => [p.name, p.dir]));
  const modelDir = options.modelDir === undefined ? undefined : resolve(options.modelDir);
  const server = createServer((request, response) => {
    void (async () => {
      const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
      const generated = files[path];
      if (generated !== undefined) {
        response.writeHead(200, { 'content-type': generated.type }).end(generated.body);
        return;
      }
      const pkg = /^\/@pkg\/((?:@[^/]+\/)?[^/@][^/]*)(\/.*)$/.exec(path);
      const root = pkg ? roots.get(pkg[1]!) : undefined;
      if (pkg && root !== undefined && (await sendFile(response, root, pkg[2]!))) return;
      if (modelDir !== undefined && path.startsWith('/models/') && (await sendFile(response, modelDir, path.slice('/models'.length)))) return;
      response.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}`);
    })().catch((error: unknown) => response.destroy(error as Error));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
