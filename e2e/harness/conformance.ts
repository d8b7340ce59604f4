// The in-page half of the conformance suite (e2e/conformance.spec.ts): seeded inputs for any model, one model run
// through raw onnxruntime-web of one build (engine-worker.ts), and the same run through tensorlane on that engine.
import { createSession, type Engine, type Tensor } from 'tensorlane';
import { seededRandom } from '../../test/models/zoo.ts';

/** One input of a case: its dtype and dims, seeded values, integers in [0, `max`) for index inputs. */
export interface InputSpec {
  readonly name: string;
  readonly type: Tensor['type'];
  readonly dims: readonly number[];
  readonly seed: number;
  readonly max?: number;
}

export interface EngineRequest {
  readonly model: string;
  readonly feeds: Record<string, Tensor>;
}

/** Outputs by name, or why the model did not load or run. */
export type EngineReply = { readonly outputs: Record<string, Tensor>; readonly error?: undefined } | { readonly error: string; readonly outputs?: undefined };

/** Seeded tensors for `inputs`: floats in [-1, 1), integers in [-8, 8) (or [0, max)), bools. */
export function feedsOf(inputs: readonly InputSpec[]): Record<string, Tensor> {
  const feeds: Record<string, Tensor> = {};
  for (const { name, type, dims, seed, max } of inputs) {
    const next = seededRandom(seed);
    const size = dims.reduce((a, b) => a * b, 1);
    const int = () => (max === undefined ? Math.floor(next() * 16) - 8 : Math.floor(next() * max));
    const data = (() => {
      switch (type) {
        case 'float32': return Float32Array.from({ length: size }, () => next() * 2 - 1);
        case 'float64': return Float64Array.from({ length: size }, () => next() * 2 - 1);
        // Half-precision bits of values in [-1, 1): sign, exponent 0b01110 or below, random mantissa.
        case 'float16': return Uint16Array.from({ length: size }, () => (next() < 0.5 ? 0x8000 : 0) | (Math.floor(next() * 15) << 10) | Math.floor(next() * 1024));
        case 'int8': return Int8Array.from({ length: size }, int);
        case 'uint8': return Uint8Array.from({ length: size }, () => Math.abs(int()));
        case 'int16': return Int16Array.from({ length: size }, int);
        case 'uint16': return Uint16Array.from({ length: size }, () => Math.abs(int()));
        case 'int32': return Int32Array.from({ length: size }, int);
        case 'uint32': return Uint32Array.from({ length: size }, () => Math.abs(int()));
        case 'int64': return BigInt64Array.from({ length: size }, () => BigInt(int()));
        case 'uint64': return BigUint64Array.from({ length: size }, () => BigInt(Math.abs(int())));
        case 'bool': return Uint8Array.from({ length: size }, () => (next() < 0.5 ? 1 : 0));
      }
    })();
    feeds[name] = { type, data, dims: [...dims] };
  }
  return feeds;
}

/** Raw onnxruntime-web of one engine's build, in a worker of its own that runs one model after another. */
export interface RawEngine {
  /** Runs `model` once on `inputs`, in a session of its own. */
  run(model: string, inputs: readonly InputSpec[]): Promise<EngineReply>;
  close(): void;
}

let rawEngine: { engine: Engine; raw: RawEngine } | undefined;

/** Starts raw onnxruntime-web of `engine`'s build in a worker (engine-worker.ts). */
async function openRaw(engine: Engine): Promise<RawEngine> {
  const worker = new Worker(new URL('./engine-worker.ts', import.meta.url), { type: 'module', name: `engine:${engine}` });
  let answer: ((reply: EngineReply) => void) | undefined;
  let failed: ((error: Error) => void) | undefined;
  await new Promise<void>((resolve, reject) => {
    worker.onmessage = ({ data }: MessageEvent<EngineReply | 'ready'>) => (data === 'ready' ? resolve() : answer?.(data));
    worker.onerror = (event) => (failed ?? reject)(new Error(`the ${engine} worker failed: ${event.message}`));
  });
  return {
    run: (model, inputs) =>
      new Promise<EngineReply>((resolve, reject) => {
        [answer, failed] = [resolve, reject];
        worker.postMessage({ model: new URL(model, document.baseURI).href, feeds: feedsOf(inputs) });
      }),
    close: () => worker.terminate(),
  };
}

/**
 * Runs `model` once on `inputs` through raw onnxruntime-web of `engine`'s build. The worker stays up for the next
 * model of the same engine (compiling a build's wasm is most of a worker's start).
 */
export async function runRaw(engine: Engine, model: string, inputs: readonly InputSpec[]): Promise<EngineReply> {
  if (rawEngine?.engine !== engine) {
    rawEngine?.raw.close();
    rawEngine = { engine, raw: await openRaw(engine) };
  }
  return rawEngine.raw.run(model, inputs);
}

/** Runs `model` once on `inputs` through tensorlane on `engine` (named outright), and says which engine ran. */
export async function runTensorlane(engine: Engine, model: string, inputs: readonly InputSpec[]): Promise<EngineReply & { engine?: Engine }> {
  const backend = engine === 'wasm' ? 'wasm' : 'webgpu';
  try {
    const session = await createSession({ model, backend, ...(engine === 'wasm' ? {} : { webgpuEngine: engine }), numThreads: 1, batching: 'off' });
    try {
      return { outputs: await session.predict(feedsOf(inputs)), engine: session.engine };
    } catch (error) {
      return { error: `run failed: ${(error as Error).message}`, engine: session.engine };
    } finally {
      await session.dispose();
    }
  } catch (error) {
    return { error: `session creation failed: ${(error as Error).message}` };
  }
}
