// The models with references computed another way in Node (the MLP and the conv net by hand, in float64; the pretrained
// text-direction model by onnxruntime-node), in real Chromium on WASM and on WebGPU. conformance.spec holds every
// engine to raw onnxruntime-web and onnxruntime-node on every generated model, so here the generated ones run on the
// default engine (jsep) and WASM only, and the pretrained one on the two WebGPU builds (jsep, native) and WASM: jspi is
// the native build's kernels, reached asynchronously another way.
import { compareTensors } from '@tensorlane/playwright';
import { expect, test } from './fixtures.ts';
import { MODEL_CASES } from './reference.ts';

/** Tolerances on outputs: float32 on WASM vs float64 references; WebGPU shaders reorder and fuse more. */
const TOLERANCE = { wasm: 1e-5, webgpu: 1e-3 } as const;
const SEED = 42;

for (const engine of ['jsep', 'native', 'wasm'] as const) {
  const backend = engine === 'wasm' ? ('wasm' as const) : ('webgpu' as const);
  test.describe(`${engine === 'wasm' ? 'wasm' : `webgpu/${engine}`}`, () => {
    // The kit's WebGPU gate: fails these tests if WebGPU did not come up, and attaches the adapter to the report.
    if (backend === 'webgpu') test.beforeEach(async ({ gpu }) => void gpu);
    for (const model of MODEL_CASES.filter((m) => engine !== 'native' || m.file === 'text-direction.onnx')) {
      test(`should match the Node reference for ${model.file} on ${engine}`, async ({ harness }) => {
        const expected = await model.reference(SEED);
        const result = await harness.evaluate(
          async ({ model, backend, engine, seed }) => {
            const { tensorlane, seededFloats } = window.harness;
            const session = await tensorlane.createSession({
              model: `models/${model.file}`,
              backend,
              ...(engine === 'wasm' ? {} : { webgpuEngine: engine }),
              ...(model.batching ? { batching: model.batching } : {}),
            });
            const size = model.dims.reduce((a, b) => a * b, 1);
            const out = await session.predict({ [model.input]: { type: 'float32', data: seededFloats(size, seed), dims: model.dims } });
            await session.dispose();
            const y = out[model.output]!;
            return { engine: session.engine, adapter: session.adapter, dims: y.dims, data: Array.from(y.data as Float32Array) };
          },
          { model: { file: model.file, input: model.input, output: model.output, dims: [...model.dims], batching: model.batching }, backend, engine, seed: SEED },
        );
        expect(result.engine).toBe(engine);
        if (backend === 'webgpu') console.log(`[${model.file}] WebGPU adapter: ${JSON.stringify(result.adapter)}`);
        expect(result.dims[0]).toBe(model.dims[0]);
        console.log(`[${model.file}] ${engine}: max |out - reference| = ${compareTensors(result.data, expected).maxAbsDiff.toExponential(2)}`);
        expect(result.data).toBeCloseToTensor(expected, { atol: TOLERANCE[backend], rtol: 0 });
      });
    }
  });
}
