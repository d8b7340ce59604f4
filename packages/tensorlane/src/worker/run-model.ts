import type * as Ort from 'onnxruntime-web';
import type { Backend } from '../types/backends.js';
import { TensorlaneError, messageOf } from '../errors.js';
import type { Feeds, Tensor } from '../types/tensor.js';
import { BACKEND_TABLE, type Guarded, type OrtModule } from './backend-table.js';
import type { SessionBroken } from './broken.js';

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
 * The session's run, as the scheduler calls it: guarded as its backend needs.
 * @param broken - called once the session can never run again (see {@link SessionBroken}).
 */
export function createRun(ort: OrtModule, session: Ort.InferenceSession, backend: Backend, broken: (error: SessionBroken) => void): Guarded {
  return BACKEND_TABLE[backend].guard((feeds) => runOnce(ort, session, feeds), ort, broken);
}
