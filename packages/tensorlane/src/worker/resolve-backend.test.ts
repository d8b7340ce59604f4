import { describe, expect, it } from 'vitest';
import type { LoadRequest } from '../wire/protocol.js';
import type { BackendEnv, OrtModule } from './backend-table.js';
import { resolveBackend } from './resolve-backend.js';

/** An onnxruntime-web whose session creation fails with `message`, as the browser reported it. */
function ortFailingWith(message: string): OrtModule {
  return {
    env: { wasm: {}, webgpu: {} },
    InferenceSession: { create: () => Promise.reject(new Error(message)) },
  } as unknown as OrtModule;
}

/** The browser's environment, with no WebGPU, where every session creation fails with `message`. */
const envFailingWith = (message: string): BackendEnv => ({
  importOrt: async () => ortFailingWith(message), gpu: () => undefined, secure: () => true, threading: () => ({ isolated: false, cores: 1 }), jspi: () => false,
});

// Only the fields backend choice reads; the rest of a LoadRequest belongs to the host.
const request = { model: new Uint8Array(1), backend: 'wasm', allowSoftwareAdapter: false } as LoadRequest;

describe('resolveBackend', () => {
  it("should say to add 'wasm-unsafe-eval' when a Content-Security-Policy forbids WebAssembly", async () => {
    // Chromium's message, as onnxruntime-web wraps it; it names 'unsafe-eval', the wrong fix.
    const blocked =
      "no available backend found. ERR: [wasm] RuntimeError: Aborted(CompileError: WebAssembly.instantiate(): Compiling or instantiating WebAssembly module violates the following Content Security policy directive because 'unsafe-eval' is not an allowed source of script in the following Content Security Policy directive: \"script-src 'self'\".)";
    const env = envFailingWith(blocked);
    await expect(resolveBackend({ bytes: new Uint8Array(1) }, request, env, 1)).rejects.toMatchObject({
      code: 'BACKEND_UNAVAILABLE',
      message: `no backend could run the model: wasm: session creation failed: ${blocked} (the Content-Security-Policy forbids WebAssembly: add 'wasm-unsafe-eval' to script-src)`,
    });
  });

  it('should say a URL could not be resolved in the worker, and name the fix, when onnxruntime-web could not fetch its files', async () => {
    const unresolved = "no available backend found. ERR: [wasm] RuntimeError: Aborted(SyntaxError: Failed to execute 'open' on 'XMLHttpRequest': Invalid URL)";
    const env = envFailingWith(unresolved);
    await expect(resolveBackend({ bytes: new Uint8Array(1) }, request, env, 1)).rejects.toMatchObject({
      code: 'BACKEND_UNAVAILABLE',
      message: `no backend could run the model: wasm: session creation failed: ${unresolved} (the worker could not resolve a URL: pass wasmPaths, the URL where onnxruntime-web's .wasm and .mjs files are served, or start the worker from its own script with options.worker)`,
    });
  });

  it('should add no CSP hint to other session creation failures', async () => {
    const env = envFailingWith('out of memory');
    await expect(resolveBackend({ bytes: new Uint8Array(1) }, request, env, 1)).rejects.toMatchObject({
      code: 'BACKEND_UNAVAILABLE',
      message: 'no backend could run the model: wasm: session creation failed: out of memory',
    });
  });
});
