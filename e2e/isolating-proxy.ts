// The same app cross-origin isolated: a proxy in front of its server (a dev server, `next start`) that adds the
// headers a team adds to get WebAssembly threads (COOP: same-origin, COEP: require-corp) to every response, as
// a CDN or a reverse proxy does in production. The consumer specs serve one build or dev server both ways, with
// and without the headers, instead of building it twice. WebSocket upgrades (a dev server's hot reload) pass through.
import { request as httpRequest, createServer, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';

/** The headers that make a page cross-origin isolated. */
export const ISOLATION_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
} as const;

export interface IsolatingProxy {
  readonly url: string;
  readonly log: string;
  close(): Promise<void>;
}

/** The raw request line and headers of `request`, to replay on a socket. */
function head(request: IncomingMessage): string {
  const lines = [`${request.method} ${request.url} HTTP/1.1`];
  for (let i = 0; i < request.rawHeaders.length; i += 2) lines.push(`${request.rawHeaders[i]}: ${request.rawHeaders[i + 1]}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/**
 * Serves `target` (a server's URL, `http://127.0.0.1:PORT/`) at a port of its own, with {@link ISOLATION_HEADERS}
 * on every response. `log` is the target's log, for failure messages.
 */
export async function isolatingProxy(target: { readonly url: string; readonly log: string }): Promise<IsolatingProxy> {
  const { hostname, port } = new URL(target.url);
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    const upstream = httpRequest({ host: hostname, port, method: request.method, path: request.url, headers: request.headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, { ...answer.headers, ...ISOLATION_HEADERS });
      answer.pipe(response);
    });
    upstream.on('error', (error) => response.writeHead(502).end(String(error)));
    request.pipe(upstream);
  });
  server.on('upgrade', (request: IncomingMessage, socket: Socket, rest: Buffer) => {
    const upstream = connect(Number(port), hostname, () => {
      upstream.write(head(request));
      upstream.write(rest);
      upstream.pipe(socket).pipe(upstream);
    });
    for (const end of [socket, upstream]) {
      sockets.add(end);
      end.on('error', () => (socket.destroy(), upstream.destroy()));
      end.on('close', () => sockets.delete(end));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}/`,
    get log() {
      return target.log;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
