// The content types a static server gives a browser app's files and its models. Browsers need JavaScript (also .mjs)
// as text/javascript to run it as a module or worker, and WebAssembly as application/wasm to compile it while it
// streams. The kit's model server uses this table, and so do the repository's test servers.

/** Content types by file extension; any other file is `application/octet-stream`. */
export const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.txt': 'text/plain; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.jpg': 'image/jpeg',
  '.png': 'image/png',
};
