import type * as Ort from 'onnxruntime-web';
import { TensorlaneError, messageOf } from '../errors.js';
import type { Feeds, Tensor } from '../types/tensor.js';
import { BACKEND_TABLE, type OrtModule, type Run } from './backend-table.js';
import type { SessionBroken } from './broken.js';
import type { Built } from './resolve-backend.js';

/** Runs the model once on tensorlane tensors; a failure inside onnxruntime-web is `RUN_FAILED`. */
async function runOnce(ort: OrtModule, session: Ort.InferenceSession, feeds: Feeds): Promise<Feeds> {
  const ortFeeds: Record<string, Ort.Tensor> = {};
  for (const [name, t] of Object.entries(feeds)) {
    ortFeeds[name] = new ort.Tensor(t.type, t.data as Ort.Tensor.DataType as Float32Array, t.dims);
  }
  let results: Ort.InferenceSession.ReturnType;
  try {
    results = await session.run(ortFeeds);
  } catch (error) {
    throw new TensorlaneError('RUN_FAILED', `onnxruntime-web failed to run the model: ${messageOf(error)}`, { cause: error });
  }
  const outputs: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(results)) {
    // Outputs left on the GPU (preferredOutputLocation: 'gpu-buffer') are read back here: only bytes leave the worker.
    const data = t.location === 'cpu' ? t.data : await t.getData(true);
    outputs[name] = { type: t.type as Tensor['type'], data: data as Tensor['data'], dims: [...t.dims] };
  }
  return outputs;
}

/**
 * The session's run, as the scheduler calls it: guarded as its engine needs.
 * @param broken - called once the session can never run again (see {@link SessionBroken}).
 */
export function createRun({ ort, session, engine, device }: Built, broken: (error: SessionBroken) => void): Run {
  return BACKEND_TABLE[engine].guard((feeds) => runOnce(ort, session, feeds), device, broken);
}
