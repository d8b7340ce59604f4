// A static server for the loading tests, started by the spec on an OS-assigned port: it serves the test models
// cross-origin (with CORS), counts requests per path, and misbehaves on request: HTTP errors, slow and chunked
// bodies, bodies cut short, a download that never ends.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MODELS } from '../test/models/zoo.ts';

export interface ModelServer {
  readonly url: string;
  /** Requests per path (query excluded), e.g. `requests('/models/mlp.onnx')`. */
  requests(path: string): number;
  /** Resolves when the client of `path` hung up before the body ended. */
  hungUp(path: string): Promise<void>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Routes: `/models/<file>`; `/slow/<file>` (16 pieces, 40 ms apart, with Content-Length); `/chunked/<file>` (the
 * same without Content-Length); `/truncated/<file>` (Content-Length of the whole, half the body, then the
 * connection drops); `/hang/<file>` (one piece, then nothing); `/status/<code>`; `/empty.onnx`; `/not-onnx.onnx`.
 */
export async function startModelServer(): Promise<ModelServer> {
  const counts = new Map<string, number>();
  const hangups = new Map<string, () => void>();
  const hungUp = new Map<string, Promise<void>>();
  const hangupOf = (path: string) => {
    if (!hungUp.has(path)) hungUp.set(path, new Promise<void>((resolve) => hangups.set(path, resolve)));
    return hungUp.get(path)!;
  };
  const server = createServer(async (req, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]!;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-expose-headers', 'content-length');
    res.setHeader('cache-control', 'no-store');
    const [, route, file] = /^\/(\w+)\/([\w.-]+)$/.exec(path) ?? [];
    const body = file !== undefined && file in MODELS ? MODELS[file as keyof typeof MODELS]() : undefined;
    res.on('close', () => {
      if (!res.writableFinished) {
        void hangupOf(path);
        hangups.get(path)!();
      }
    });
    res.setHeader('content-type', 'application/octet-stream');
    if (path === '/empty.onnx') return res.end();
    if (path === '/not-onnx.onnx') return res.end('this is not an ONNX model\n');
    if (route === 'status') return res.writeHead(Number(file)).end(`status ${file}`);
    if (body === undefined) return res.writeHead(404).end('not found');
    if (route === 'models') return res.end(body);
    if (route === 'truncated') {
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, body.length >> 1));
      await sleep(50);
      return res.destroy();
    }
    if (route === 'hang') {
      res.writeHead(200, { 'content-length': body.length });
      return res.write(body.subarray(0, 1024));
    }
    if (route === 'slow' || route === 'chunked') {
      if (route === 'slow') res.writeHead(200, { 'content-length': body.length });
      const pieces = 16;
      const size = Math.ceil(body.length / pieces);
      for (let at = 0; at < body.length && !res.destroyed; at += size) {
        res.write(body.subarray(at, at + size));
        await sleep(40);
      }
      return res.end();
    }
    res.writeHead(404).end('no such route');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests: (path) => counts.get(path) ?? 0,
    hungUp: hangupOf,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
