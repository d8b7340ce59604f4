import { describe, expect, it } from 'vitest';
import { resolveRootRelativeFetches, unresolvedUrlHint, type FetchScope } from './blob-urls.js';

/** A worker scope at `href` whose fetch records the URL it was given. */
function scopeAt(href: string, origin: string): FetchScope & { fetched: unknown[] } {
  const fetched: unknown[] = [];
  const scope = {
    fetched,
    location: { href, protocol: new URL(href).protocol, origin },
    fetch: (input: RequestInfo | URL) => {
      fetched.push(input);
      return Promise.resolve(new Response('ok'));
    },
  };
  return scope as unknown as FetchScope & { fetched: unknown[] };
}

/** Turbopack's stand-in for `new URL(asset, import.meta.url)`: a URL whose href is the root-relative path. */
function turbopackUrl(path: string): URL {
  const url = Object.create(URL.prototype) as URL;
  Object.defineProperties(url, { href: { value: path }, toString: { value: () => path } });
  return url;
}

describe('resolveRootRelativeFetches', () => {
  const blob = () => scopeAt('blob:http://127.0.0.1:3000/5f0c9d2e-7d51-4d3a-9a64-1f1e2d3c4b5a', 'http://127.0.0.1:3000');

  it('should fetch a root-relative path from the page origin when the worker runs from a blob: URL', async () => {
    const scope = blob();
    expect(resolveRootRelativeFetches(scope)).toBe(true);
    await scope.fetch('/_next/static/media/ort-wasm-simd-threaded.7926ee26.wasm', { credentials: 'same-origin' });
    await scope.fetch(turbopackUrl('/_next/static/media/ort-wasm-simd-threaded.jsep.13b28b3b.wasm'));
    await scope.fetch('//cdn.example/ort.wasm');
    expect(scope.fetched).toEqual([
      'http://127.0.0.1:3000/_next/static/media/ort-wasm-simd-threaded.7926ee26.wasm',
      'http://127.0.0.1:3000/_next/static/media/ort-wasm-simd-threaded.jsep.13b28b3b.wasm',
      'http://cdn.example/ort.wasm',
    ]);
  });

  it('should pass absolute URLs, URL objects, Requests and document-relative paths through unchanged in a blob: worker', async () => {
    const scope = blob();
    resolveRootRelativeFetches(scope);
    const url = new URL('https://cdn.example/ort.wasm');
    const request = new Request('http://127.0.0.1:3000/model.onnx');
    await scope.fetch('http://127.0.0.1:3000/mlp.onnx');
    await scope.fetch(url);
    await scope.fetch(request);
    await scope.fetch('media/ort.wasm');
    expect(scope.fetched).toEqual(['http://127.0.0.1:3000/mlp.onnx', url, request, 'media/ort.wasm']);
  });

  it('should leave fetch alone when the worker runs from its own script URL', () => {
    const scope = scopeAt('http://127.0.0.1:3000/assets/entry.js', 'http://127.0.0.1:3000');
    const original = scope.fetch;
    expect(resolveRootRelativeFetches(scope)).toBe(false);
    expect(scope.fetch).toBe(original);
  });

  it('should leave fetch alone when a blob: worker has an opaque origin', () => {
    const scope = scopeAt('blob:null/5f0c9d2e', 'null');
    const original = scope.fetch;
    expect(resolveRootRelativeFetches(scope)).toBe(false);
    expect(scope.fetch).toBe(original);
  });

  it('should do nothing when there is no location, as in Node', () => {
    const scope = { fetch: globalThis.fetch } as FetchScope;
    expect(resolveRootRelativeFetches(scope)).toBe(false);
    expect(scope.fetch).toBe(globalThis.fetch);
  });
});

describe('unresolvedUrlHint', () => {
  const fix = "pass wasmPaths, the URL where onnxruntime-web's .wasm and .mjs files are served, or start the worker from its own script with options.worker";

  it('should say a blob: worker cannot resolve relative URLs, and name the fix, for each way a browser reports it', () => {
    const messages = [
      "no available backend found. ERR: [wasm] RuntimeError: Aborted(SyntaxError: Failed to execute 'open' on 'XMLHttpRequest': Invalid URL)",
      "Failed to execute 'fetch' on 'WorkerGlobalScope': Failed to parse URL from /_next/static/media/ort-wasm-simd-threaded.wasm",
      "Failed to resolve module specifier '/ort/ort-wasm-simd-threaded.mjs'",
    ];
    for (const message of messages) {
      expect(unresolvedUrlHint(message, 'blob:http://127.0.0.1:3000/5f0c9d2e')).toBe(
        ` (the worker was started from a blob: URL, against which a relative URL cannot resolve: ${fix})`,
      );
    }
  });

  it('should name the same fix without blaming blob: when the worker has a URL of its own', () => {
    expect(unresolvedUrlHint('Invalid URL', 'http://127.0.0.1:3000/entry.js')).toBe(` (the worker could not resolve a URL: ${fix})`);
  });

  it('should add nothing to a message about something else', () => {
    expect(unresolvedUrlHint('out of memory', 'blob:http://127.0.0.1:3000/5f0c9d2e')).toBe('');
  });
});
