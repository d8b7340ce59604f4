// Conformance of each engine, in real Chromium with WebGPU on: every test model run through tensorlane on one engine
// and through raw onnxruntime-web of the same build (e2e/harness/engine-worker.ts, onnxruntime-web's own device),
// on the same seeded inputs. pass: tensorlane gives raw onnxruntime-web's outputs; error: neither can run the model
// (tensorlane says why); refused: tensorlane will not build it where raw onnxruntime-web computes it wrongly or fails
// its runs (float16 on a device without shader-f16); fail: anything else. Each engine's outputs are also held
// against onnxruntime-node (native CPU) on the same inputs. The table of known differences is README's "Backends".
import * as ortNode from 'onnxruntime-node';
import { SERVED_MODELS } from '../test/models/vite-plugin.ts';
import { feedsOf, type InputSpec } from './harness/conformance.ts';
import { expect, test } from './fixtures.ts';

type Outcome = 'pass' | 'fail' | 'error' | 'refused';
type Engine = 'jsep' | 'native' | 'jspi' | 'wasm';

const f32 = (name: string, dims: number[], seed = 1): InputSpec => ({ name, type: 'float32', dims, seed });
const DTYPES = ['float32', 'float64', 'float16', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'bool'] as const;

/** Every generated test model (text-direction.onnx, the pretrained one, is in models.spec.ts) and its inputs. */
const CASES: Readonly<Record<string, readonly InputSpec[]>> = {
  'mlp.onnx': [f32('x', [3, 256])],
  'convnet.onnx': [f32('image', [2, 3, 32, 32])],
  'fixed.onnx': [f32('x', [1, 4])],
  'unnamed.onnx': [f32('x', [2, 3])],
  'dtypes.onnx': DTYPES.map((type, i) => ({ name: `in_${type}`, type, dims: [2, 2], seed: i + 1 })),
  'broadcast.onnx': [f32('a', [4], 1), f32('b', [4], 2)],
  'lookup.onnx': [f32('x', [2, 4]), { name: 'i', type: 'int64', dims: [2, 1], seed: 2, max: 4 }],
  'even-rows.onnx': [f32('x', [2, 3])],
  'identity.onnx': [f32('x', [2, 5])],
  'unsupported.onnx': [{ name: 'x', type: 'int16', dims: [2], seed: 1 }],
  'lstm.onnx': [f32('x', [16, 2, 8])],
  'half.onnx': [f32('x', [2, 8])],
  'double.onnx': [{ name: 'x', type: 'float64', dims: [2, 4], seed: 1 }],
  'int16.onnx': [f32('x', [2, 4])],
  'binarizer.onnx': [f32('x', [2, 4])],
};

/**
 * What each engine is expected to do with each model, where not `pass`: no onnxruntime build has an int16 Relu; the
 * native builds leave out double, int16/uint16 and ai.onnx.ml kernels; float16 needs shader-f16 on WebGPU.
 */
function expected(engine: Engine, model: string, shaderF16: boolean): Outcome {
  if (model === 'unsupported.onnx') return 'error';
  if ((engine === 'native' || engine === 'jspi') && ['double.onnx', 'int16.onnx', 'binarizer.onnx'].includes(model)) return 'error';
  // tensorlane refuses any model that uses float16 there (dtypes.onnx takes a float16 input), however little of it.
  if (engine !== 'wasm' && (model === 'half.onnx' || model === 'dtypes.onnx') && !shaderF16) return 'refused';
  return 'pass';
}

/** Tolerances against onnxruntime-node: float32 on the CPU, then WebGPU shaders, which reorder and fuse more. */
const TOLERANCE = { wasm: 1e-5, webgpu: 1e-3 } as const;

interface Row {
  readonly model: string;
  readonly outcome: Outcome;
  /** The largest difference between tensorlane's and raw onnxruntime-web's outputs. */
  readonly vsRaw?: number;
  /** The largest difference between tensorlane's outputs and onnxruntime-node's. */
  readonly vsNode?: number;
  readonly why?: string;
}

/** Outputs as plain numbers, by name (bigints and float16 bits as numbers: exact for these models' values). */
type Plain = Record<string, number[]>;

async function nodeReference(model: string, inputs: readonly InputSpec[]): Promise<Plain | undefined> {
  try {
    const session = await ortNode.InferenceSession.create(SERVED_MODELS[model]!());
    const feeds: Record<string, ortNode.Tensor> = {};
    for (const [name, t] of Object.entries(feedsOf(inputs))) feeds[name] = new ortNode.Tensor(t.type, t.data as Float32Array, t.dims);
    const outputs = await session.run(feeds);
    await session.release();
    return Object.fromEntries(Object.entries(outputs).map(([name, t]) => [name, Array.from(t.data as ArrayLike<number | bigint>, Number)]));
  } catch {
    return undefined;
  }
}

const maxDiff = (a: Plain, b: Plain) =>
  Math.max(0, ...Object.keys(b).map((name) => (a[name]?.length === b[name]!.length ? Math.max(0, ...b[name]!.map((v, i) => Math.abs(v - a[name]![i]!))) : Infinity)));

// The engines are independent: spread them over the workers.
test.describe.configure({ mode: 'parallel' });

for (const engine of ['jsep', 'native', 'jspi', 'wasm'] as const) {
  test.describe(`the ${engine} engine`, () => {
    // The kit's WebGPU gate: fails the WebGPU engines' tests if WebGPU did not come up.
    if (engine !== 'wasm') test.beforeEach(async ({ gpu }) => void gpu);
    test(`should give raw onnxruntime-web's outputs on every test model it runs, on ${engine}`, async ({ harness }) => {
      test.setTimeout(600_000);
      const shaderF16 = await harness.evaluate(async () => {
        const gpu = (navigator as { gpu?: { requestAdapter(): Promise<{ features: Set<string> } | null> } }).gpu;
        return (await gpu?.requestAdapter())?.features.has('shader-f16') === true;
      });
      const rows: Row[] = [];
      for (const [model, inputs] of Object.entries(CASES)) {
        const { raw, mine } = await harness.evaluate(
          async ({ engine, url, inputs }) => {
            const { runRaw, runTensorlane } = window.harness.conformance;
            // float16 as its bits, whether onnxruntime-web gave a Float16Array or a Uint16Array.
            const numbers = (data: ArrayLike<number | bigint>) =>
              Array.from(Object.prototype.toString.call(data) === '[object Float16Array]' ? new Uint16Array((data as Uint16Array).buffer, (data as Uint16Array).byteOffset, data.length) : data, Number);
            const plain = (reply: Awaited<ReturnType<typeof runRaw>>) =>
              reply.outputs && Object.fromEntries(Object.entries(reply.outputs).map(([name, t]) => [name, numbers(t.data as ArrayLike<number | bigint>)]));
            const [raw, mine] = [await runRaw(engine, url, inputs), await runTensorlane(engine, url, inputs)];
            return { raw: { outputs: plain(raw), error: raw.error }, mine: { outputs: plain(mine), error: mine.error, engine: mine.engine } };
          },
          { engine, url: `models/${model}`, inputs },
        );
        const reference = await nodeReference(model, inputs);
        let row: Row;
        if (!mine.outputs && /computes in float16, which this WebGPU device cannot/.test(mine.error!)) {
          row = { model, outcome: 'refused', why: `raw: ${raw.error ?? (reference && raw.outputs ? `max |raw - node| = ${maxDiff(raw.outputs, reference)}` : 'ran')}` };
        } else if (raw.outputs && mine.outputs) {
          const vsRaw = maxDiff(mine.outputs, raw.outputs);
          const vsNode = reference && maxDiff(mine.outputs, reference);
          row = { model, outcome: vsRaw === 0 && mine.engine === engine ? 'pass' : 'fail', vsRaw, ...(vsNode === undefined ? {} : { vsNode }) };
        } else if (!raw.outputs && !mine.outputs) {
          row = { model, outcome: 'error', why: mine.error! };
        } else {
          row = { model, outcome: 'fail', why: `raw: ${raw.error ?? 'ran'}; tensorlane: ${mine.error ?? 'ran'}` };
        }
        rows.push(row);
      }
      const counts = { pass: 0, fail: 0, error: 0, refused: 0 };
      for (const { outcome } of rows) counts[outcome]++;
      console.log(`[conformance] ${engine}: ${JSON.stringify(counts)}`);
      for (const row of rows) console.log(`[conformance] ${engine} ${row.model}: ${row.outcome}${row.vsNode === undefined ? '' : `, max |out - node| = ${row.vsNode.toExponential(2)}`}${row.why ? ` (${row.why})` : ''}`);

      expect(rows.map(({ model, outcome }) => [model, outcome])).toEqual(Object.keys(CASES).map((model) => [model, expected(engine, model, shaderF16)]));
      // Where it runs, each engine is as correct as onnxruntime-node, within the float tolerance of its backend.
      const tolerance = engine === 'wasm' ? TOLERANCE.wasm : TOLERANCE.webgpu;
      for (const row of rows) if (row.outcome === 'pass') expect(row.vsNode, `${row.model} on ${engine} against onnxruntime-node`).toBeLessThanOrEqual(tolerance);
      // tensorlane says why an engine cannot run a model: the build's gap, or the operator no build has.
      for (const row of rows.filter((r) => r.outcome === 'error')) {
        expect(row.why).toMatch(row.model === 'unsupported.onnx' ? /Relu/ : /the native WebGPU build has no kernels for double, int16\/uint16 or ai\.onnx\.ml operators/);
      }
    });
  });
}
