// What a session with image inputs adds to the worker once its model is loaded: the inputs resolved against the
// model (in the load reply), how to read their pictures in calls, and the converter its runs use.
import type { LoadReply, LoadRequest } from '../../wire/protocol.js';
import type { InputReader } from '../../tensor/validate.js';
import type { LoadedModel } from '../load-model.js';
import { createPictureConverter, type PictureConverter } from './convert.js';
import type { GpuDevice } from './gpu-device.js';
import { pictureReaders } from './read-pictures.js';
import { resolveImageSpecs } from './specs.js';

export interface SessionImages {
  readonly reply: LoadReply;
  readonly readers: Readonly<Record<string, InputReader>>;
  readonly converter: PictureConverter | undefined;
}

/**
 * The image inputs of `request`, for the model `loaded`.
 * @throws TensorlaneError `INVALID_OPTIONS` when an image input does not fit the model.
 */
export function setUpImages(request: LoadRequest, { ort, reply, device }: LoadedModel): SessionImages {
  if (request.images === undefined) return { reply, readers: {}, converter: undefined };
  const specs = resolveImageSpecs(request.images, reply.inputs);
  return { reply: { ...reply, images: specs }, readers: pictureReaders(specs), converter: createPictureConverter(ort, reply.backend, specs, device as GpuDevice | undefined) };
}
