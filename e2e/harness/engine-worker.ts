// Raw onnxruntime-web, one build per worker, as a developer would call it without tensorlane: the reference the
// conformance suite (e2e/conformance.spec.ts) holds each engine against. The build is chosen by the worker's name
// (`engine:jsep`, `engine:native`, `engine:jspi`, `engine:wasm`): the same imports as tensorlane's backend table.
// onnxruntime-web makes its own GPU device here, as it does for anyone who passes none.
import type * as Ort from 'onnxruntime-web';
import { importOrtBuild } from './ort-builds.ts';
import type { EngineReply, EngineRequest } from './conformance.ts';

const engine = (globalThis as { name?: string }).name?.replace(/^engine:/, '');
const ort = await importOrtBuild(engine);
ort.env.wasm.numThreads = 1;

async function run({ model, feeds }: EngineRequest): Promise<EngineReply> {
  const bytes = new Uint8Array(await (await fetch(model)).arrayBuffer());
  let session: Ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, { executionProviders: [engine === 'wasm' ? 'wasm' : 'webgpu'] });
  } catch (error) {
    return { error: `session creation failed: ${(error as Error).message}` };
  }
  try {
    const inputs: Record<string, Ort.Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) inputs[name] = new ort.Tensor(t.type, t.data as Float32Array, t.dims);
    const outputs = await session.run(inputs);
    return {
      outputs: Object.fromEntries(Object.entries(outputs).map(([name, t]) => [name, { type: t.type, data: t.data, dims: [...t.dims] }])),
    } as EngineReply;
  } catch (error) {
    return { error: `run failed: ${(error as Error).message}` };
  } finally {
    await session.release();
  }
}

self.addEventListener('message', (event: MessageEvent<EngineRequest>) => void run(event.data).then((reply) => postMessage(reply)));
postMessage('ready');
