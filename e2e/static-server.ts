// A plain static file server for the consumer apps' production builds: what a user's CDN or nginx does, with the
// right MIME types (the kit's table: application/wasm, text/javascript for .mjs), 404 for a missing file (never an
// HTML fallback), and extra response headers on every file, e.g. a Content-Security-Policy (or a cache-control other
// than no-store); optionally under a sub-path, as static hosts such as GitHub Pages serve a project. Listens on an
// OS-assigned port.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { MIME_TYPES } from '../packages/playwright/src/mime-types.ts';

export interface StaticServer {
  readonly url: string;
  /** Every request and its status, for failure messages. */
  readonly log: string;
  close(): Promise<void>;
}

/**
 * Serves `root` at http://127.0.0.1:PORT/ (or under `base`, e.g. `/project/demo/`: then `url` ends with it and
 * nothing outside it is found), adding `headers` to every response.
 */
export async function serveStatic(
  root: string,
  headers: Readonly<Record<string, string>> = {},
  base = '/',
): Promise<StaticServer> {
  const lines: string[] = [];
  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
      const path = url.startsWith(base) ? url.slice(base.length - 1) : undefined;
      const file = path === undefined ? '' : normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
      let status = 404;
      if (path !== undefined && (file === root || file.startsWith(root.endsWith(sep) ? root : root + sep))) {
        const info = await stat(file).catch(() => undefined);
        if (info?.isFile()) {
          status = 200;
          response.writeHead(200, {
            'cache-control': 'no-store',
            ...headers,
            'content-type': MIME_TYPES[extname(file)] ?? 'application/octet-stream',
            'content-length': info.size,
          });
          createReadStream(file).pipe(response);
        }
      }
      if (status === 404) response.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end('not found');
      lines.push(`${status} ${request.method} ${url}`);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}${base}`,
    get log() {
      return lines.join('\n');
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
