import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SessionOptions } from '../types/options.js';
import { checkSessionOptions } from './check-options.js';

const page = 'http://127.0.0.1:3000/app/page?backend=wasm';
const worker = () => ({}) as Worker;

/** The `wasmPaths` of the load request `createSession` would send. */
const wasmPathsSent = (wasmPaths: unknown) =>
  checkSessionOptions({ model: 'mlp.onnx', worker, wasmPaths } as SessionOptions).request.wasmPaths;

describe('wasmPaths', () => {
  describe('on a page', () => {
    beforeEach(() => {
      vi.stubGlobal('document', { baseURI: page });
    });
    afterEach(() => {
      vi.unstubAllGlobals();
    });

    it('should resolve a relative prefix against the page when it is sent, as the model URL is', () => {
      expect(wasmPathsSent('ort/')).toBe('http://127.0.0.1:3000/app/ort/');
      expect(wasmPathsSent('/ort/')).toBe('http://127.0.0.1:3000/ort/');
      expect(wasmPathsSent('https://cdn.example/ort/')).toBe('https://cdn.example/ort/');
    });

    it('should resolve each file URL of an object against the page when it is sent', () => {
      expect(wasmPathsSent({ wasm: 'ort/ort-wasm-simd-threaded.wasm', mjs: '/ort/ort-wasm-simd-threaded.mjs' })).toEqual({
        wasm: 'http://127.0.0.1:3000/app/ort/ort-wasm-simd-threaded.wasm',
        mjs: 'http://127.0.0.1:3000/ort/ort-wasm-simd-threaded.mjs',
      });
    });

    it('should send no wasmPaths when it is empty or missing', () => {
      expect(wasmPathsSent('')).toBeUndefined();
      expect(wasmPathsSent(undefined)).toBeUndefined();
    });

    it('should reject another type, a file URL that is not a string, and a URL that does not parse with INVALID_OPTIONS', () => {
      expect(() => wasmPathsSent(42)).toThrow(
        expect.objectContaining({ code: 'INVALID_OPTIONS', message: 'option "wasmPaths" is 42; expected a URL prefix string or an object of file URLs' }),
      );
      expect(() => wasmPathsSent(['ort/'])).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
      expect(() => wasmPathsSent({ wasm: 7 })).toThrow(
        expect.objectContaining({ code: 'INVALID_OPTIONS', message: 'option "wasmPaths.wasm" is 7; expected a URL string' }),
      );
      expect(() => wasmPathsSent('http://[::1')).toThrow(
        expect.objectContaining({ code: 'INVALID_OPTIONS', message: `option "wasmPaths" "http://[::1" is not a valid URL relative to ${page}` }),
      );
    });
  });

  it('should reject a relative wasmPaths with INVALID_OPTIONS when there is no page to resolve it against, as a relative model URL', () => {
    expect(() => checkSessionOptions({ model: 'http://127.0.0.1:3000/mlp.onnx', worker, wasmPaths: 'ort/' })).toThrow(
      expect.objectContaining({
        code: 'INVALID_OPTIONS',
        message: 'option "wasmPaths" "ort/" is not a valid URL (no page to resolve it against; pass an absolute URL)',
      }),
    );
  });
});
