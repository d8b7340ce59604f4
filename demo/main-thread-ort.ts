// onnxruntime-web on the page's main thread, the way a page uses it without a worker: for the smoothness meter's
// comparison only. Imported on demand, so the page loads none of it until asked.

/** A model run on the main thread. */
export interface MainThreadModel {
  run(data: Float32Array, dims: readonly number[]): Promise<void>;
  release(): Promise<void>;
}

/** Fetches the model at `url` and builds an onnxruntime-web WASM session for it on this thread. */
export async function createMainThreadModel(url: string, integrity: string): Promise<MainThreadModel> {
  const ort = await import('onnxruntime-web/wasm');
  // One thread, as tensorlane's worker runs here: the comparison is about where the work runs, not how much of it.
  ort.env.wasm.numThreads = 1;
  const response = await fetch(url, { integrity });
  if (!response.ok) throw new Error(`could not fetch "${url}": HTTP ${response.status}`);
  const session = await ort.InferenceSession.create(new Uint8Array(await response.arrayBuffer()), { executionProviders: ['wasm'] });
  const input = session.inputNames[0]!;
  return {
    async run(data, dims) {
      const outputs = await session.run({ [input]: new ort.Tensor('float32', data, dims) });
      for (const output of Object.values(outputs)) output.dispose();
    },
    release: () => session.release(),
  };
}
