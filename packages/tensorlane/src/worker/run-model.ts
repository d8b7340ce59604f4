import type * as Ort from 'onnxruntime-web';
import { TensorlaneError, messageOf } from '../errors.js';
import { isPictureTensor } from '../tensor/pictures.js';
import type { Feeds, Tensor } from '../types/tensor.js';
import type { PictureFeed } from '../wire/protocol.js';
import { BACKEND_TABLE, type Guard, type Guarded, type OrtModule, type Run } from './backend-table.js';
import type { SessionBroken } from './broken.js';
import { inMemory, onGpu, toCpu } from './gpu-stack.js';
import type { Built } from './resolve-backend.js';
import type { Converted, PictureConverter } from './images/convert.js';

/**
 * Runs the model once on onnxruntime-web tensors; a failure inside onnxruntime-web is `RUN_FAILED`. The run's own
 * promise, its failure caught beside it: an async wrapper would cost every run another wait.
 */
export function runOrt(session: Ort.InferenceSession, feeds: Record<string, Ort.Tensor>): Promise<Ort.InferenceSession.ReturnType> {
  return session.run(feeds).catch((error: unknown) => {
    throw new TensorlaneError('RUN_FAILED', `onnxruntime-web failed to run the model: ${messageOf(error)}`, { cause: error });
  });
}

/** The picture input `name` as a tensor; a picture that cannot be read is the call's `INVALID_INPUT`. */
async function convertPictures(pictures: PictureConverter, name: string, feed: PictureFeed): Promise<Converted> {
  try {
    return await pictures.convert(name, feed);
  } catch (error) {
    if (error instanceof TensorlaneError) throw error;
    throw new TensorlaneError('INVALID_INPUT', `input "${name}": a picture could not be read in the worker: ${messageOf(error)}`, { cause: error });
  }
}

/** Runs the model once on tensorlane tensors, picture inputs converted first, reading back every output. */
async function runOnce(ort: OrtModule, session: Ort.InferenceSession, feeds: Feeds, pictures: PictureConverter | undefined): Promise<Feeds> {
  const ortFeeds: Record<string, Ort.Tensor> = {};
  const converted: Converted[] = [];
  try {
    for (const [name, t] of Object.entries(feeds)) {
      if (pictures && isPictureTensor(t)) {
        const picture = await convertPictures(pictures, name, t as PictureFeed);
        converted.push(picture);
        ortFeeds[name] = picture.tensor;
      } else ortFeeds[name] = new ort.Tensor(t.type, t.data as Ort.Tensor.DataType as Float32Array, t.dims);
    }
    const results = await runOrt(session, ortFeeds);
    // Outputs left on the GPU (preferredOutputLocation: 'gpu-buffer') are read back here, together: only bytes leave
    // the worker. Outputs in memory, the rule on WASM, are taken at once: a run answers without another wait.
    const names = Object.keys(results);
    if (names.some((name) => onGpu(results[name]!))) {
      return Object.fromEntries(await Promise.all(names.map(async (name) => [name, await toCpu(results[name]!, true)] as const)));
    }
    const outputs: Record<string, Tensor> = {};
    for (const name of names) outputs[name] = inMemory(results[name]!);
    return outputs;
  } finally {
    for (const picture of converted) picture.release();
  }
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
 * @param pictures - converts picture inputs, for a session with image inputs.
 */
export function createRunner({ ort, session, engine, device }: Built, broken: (error: SessionBroken) => void, pictures?: PictureConverter): Runner {
  const { guarded, explains } = BACKEND_TABLE[engine].guard(device, broken);
  /** The last attempt queued: the next starts once it has settled. */
  let last: Promise<unknown> = Promise.resolve();
  /** Attempts queued and not yet settled: with none, the next starts at once, without a wait on `last`. */
  let unsettled = 0;
  const settled = () => void unsettled--;
  const exclusive: Guarded = (attempt) => {
    const turn = unsettled === 0 ? guarded(attempt) : last.then(() => guarded(attempt));
    unsettled++;
    last = turn.then(settled, settled);
    return turn;
  };
  return { run: (feeds) => exclusive(() => runOnce(ort, session, feeds, pictures)), exclusive, explains };
}
