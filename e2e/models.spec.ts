// Every test model on WebGPU and on WASM, in real Chromium, against references computed in Node.
import { compareTensors } from '@tensorlane/playwright';
import { expect, test } from './fixtures.ts';
import { MODEL_CASES } from './reference.ts';

/** Tolerances on outputs: float32 on WASM vs float64 references; WebGPU shaders reorder and fuse more. */
const TOLERANCE = { wasm: 1e-5, webgpu: 1e-3 } as const;
const SEED = 42;

for (const backend of ['webgpu', 'wasm'] as const) {
  test.describe(`${backend} backend`, () => {
    // The kit's WebGPU gate: fails these tests if WebGPU did not come up, and attaches the adapter to the report.
    if (backend === 'webgpu') test.beforeEach(async ({ gpu }) => void gpu);
    for (const model of MODEL_CASES) {
      test(`should match the Node reference for ${model.file} on ${backend}`, async ({ harness }) => {
        const expected = await model.reference(SEED);
        const result = await harness.evaluate(
          async ({ model, backend, seed }) => {
            const { tensorlane, seededFloats } = window.harness;
            const session = await tensorlane.createSession({
              model: `models/${model.file}`,
              backend,
              ...(model.batching ? { batching: model.batching } : {}),
            });
            const size = model.dims.reduce((a, b) => a * b, 1);
            const out = await session.predict({ [model.input]: { type: 'float32', data: seededFloats(size, seed), dims: model.dims } });
            await session.dispose();
            const y = out[model.output]!;
            return { backend: session.backend, adapter: session.adapter, dims: y.dims, data: Array.from(y.data as Float32Array) };
          },
          { model: { file: model.file, input: model.input, output: model.output, dims: [...model.dims], batching: model.batching }, backend, seed: SEED },
        );
        expect(result.backend).toBe(backend);
        if (backend === 'webgpu') console.log(`[${model.file}] WebGPU adapter: ${JSON.stringify(result.adapter)}`);
        expect(result.dims[0]).toBe(model.dims[0]);
        console.log(`[${model.file}] ${backend}: max |out - reference| = ${compareTensors(result.data, expected).maxAbsDiff.toExponential(2)}`);
        expect(result.data).toBeCloseToTensor(expected, { atol: TOLERANCE[backend], rtol: 0 });
      });
    }
  });
}
