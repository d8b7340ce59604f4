import type * as Ort from 'onnxruntime-web';
import type { Backend } from '../types/backends.js';
import { TensorlaneError, messageOf } from '../errors.js';
import { isPictureTensor } from '../tensor/pictures.js';
import type { Feeds, Tensor } from '../types/tensor.js';
import type { PictureFeed } from '../wire/protocol.js';
import { BACKEND_TABLE, type OrtModule, type Run } from './backend-table.js';
import type { SessionBroken } from './broken.js';
import type { Converted, PictureConverter } from './images/convert.js';

/** The picture input `name` as a tensor; a picture that cannot be read is the call's `INVALID_INPUT`. */
async function convertPictures(pictures: PictureConverter, name: string, feed: PictureFeed): Promise<Converted> {
  try {
    return await pictures.convert(name, feed);
  } catch (error) {
    if (error instanceof TensorlaneError) throw error;
    throw new TensorlaneError('INVALID_INPUT', `input "${name}": a picture could not be read in the worker: ${messageOf(error)}`, { cause: error });
  }
}

/**
 * Runs the model once on tensorlane tensors, picture inputs converted first; a failure inside onnxruntime-web is
 * `RUN_FAILED`.
 */
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
  } finally {
    for (const picture of converted) picture.release();
  }
}

/**
 * The session's run, as the scheduler calls it: guarded as its backend needs.
 * @param broken - called once the session can never run again (see {@link SessionBroken}).
 * @param pictures - converts picture inputs, for a session with image inputs.
 */
export function createRun(
  ort: OrtModule,
  session: Ort.InferenceSession,
  backend: Backend,
  broken: (error: SessionBroken) => void,
  pictures?: PictureConverter,
): Run {
  return BACKEND_TABLE[backend].guard((feeds) => runOnce(ort, session, feeds, pictures), ort, broken);
}
