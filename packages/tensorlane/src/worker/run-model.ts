import type * as Ort from 'onnxruntime-web';
import { TensorlaneError, messageOf } from '../errors.js';
import type { Feeds } from '../types/tensor.js';
import { BACKEND_TABLE, type Guard, type Guarded, type OrtModule, type Run } from './backend-table.js';
import type { SessionBroken } from './broken.js';
import { toCpu } from './gpu-stack.js';
import type { Built } from './resolve-backend.js';

/** Runs the model once on onnxruntime-web tensors; a failure inside onnxruntime-web is `RUN_FAILED`. */
export async function runOrt(session: Ort.InferenceSession, feeds: Record<string, Ort.Tensor>): Promise<Ort.InferenceSession.ReturnType> {
  try {
    return await session.run(feeds);
  } catch (error) {
    throw new TensorlaneError('RUN_FAILED', `onnxruntime-web failed to run the model: ${messageOf(error)}`, { cause: error });
  }
}

/** Runs the model once on tensorlane tensors, reading back every output. */
async function runOnce(ort: OrtModule, session: Ort.InferenceSession, feeds: Feeds): Promise<Feeds> {
  const ortFeeds: Record<string, Ort.Tensor> = {};
  for (const [name, t] of Object.entries(feeds)) {
    ortFeeds[name] = new ort.Tensor(t.type, t.data as Ort.Tensor.DataType as Float32Array, t.dims);
  }
  const results = await runOrt(session, ortFeeds);
  // Outputs left on the GPU (preferredOutputLocation: 'gpu-buffer') are read back here: only bytes leave the worker.
  const read = Object.entries(results).map(async ([name, t]) => [name, await toCpu(t, true)] as const);
  return Object.fromEntries(await Promise.all(read));
}

/** The session's runs: the scheduler's, and the streams' work, one at a time, in the order asked. */
export interface Runner {
  /** Runs the model on `feeds` and reads back every output, as `predict` answers. */
  readonly run: Run;
  /**
   * Runs `attempt` with the session to itself (no other run or attempt meanwhile), guarded as its backend needs: a
   * stream's run, and the GPU copies of its outputs.
   */
  readonly exclusive: Guarded;
  /** Whether an unhandled rejection is a symptom of the session's end, which its guard reports (see Guard). */
  readonly explains: Guard['explains'];
}

/**
 * The session's runs, guarded as its engine needs.
 * @param broken - called once the session can never run again (see {@link SessionBroken}).
 */
export function createRunner({ ort, session, engine, device }: Built, broken: (error: SessionBroken) => void): Runner {
  const { guarded, explains } = BACKEND_TABLE[engine].guard(device, broken);
  /** The last attempt queued: the next starts once it has settled. */
  let last: Promise<unknown> = Promise.resolve();
  const exclusive: Guarded = (attempt) => {
    const turn = last.then(() => guarded(attempt));
    last = turn.catch(() => undefined);
    return turn;
  };
  return { run: (feeds) => exclusive(() => runOnce(ort, session, feeds)), exclusive, explains };
}
