// The image inputs, resolved against the model once it is loaded: each named input exists, takes a dtype a picture
// converts to, and has a layout, a width and a height that its dims and the options agree on.
import { TensorlaneError } from '../../errors.js';
import type { ImageDType, ImageInputRequest, ImageSpec } from '../../wire/protocol.js';
import { formatDims } from '../../tensor/shape.js';
import type { Dim, TensorInfo } from '../../types/tensor.js';

const IMAGE_DTYPES: readonly ImageDType[] = ['float32', 'float16', 'uint8'];

function bad(message: string): TensorlaneError {
  return new TensorlaneError('INVALID_OPTIONS', message);
}

/** The layout the dims show (a 3 where the channels go), or undefined when they show none or both. */
function layoutOf(dims: readonly Dim[]): 'nchw' | 'nhwc' | undefined {
  const first = dims[1] === 3;
  const last = dims[3] === 3;
  return first === last ? undefined : first ? 'nchw' : 'nhwc';
}

/** A side of the tensor: the model's when fixed (the option must agree), else the option's, else per call. */
function side(dim: Dim | undefined, option: number | undefined, what: string): number | undefined {
  if (typeof dim !== 'number') return option;
  if (option !== undefined && option !== dim) throw bad(`${what} is ${option}, but the model fixes it at ${dim}`);
  return dim;
}

/**
 * Resolves `requests` against the model's `inputs`.
 * @throws TensorlaneError `INVALID_OPTIONS` naming the input and what does not fit.
 */
export function resolveImageSpecs(requests: Readonly<Record<string, ImageInputRequest>>, inputs: readonly TensorInfo[]): ImageSpec[] {
  return Object.entries(requests).map(([name, request]) => {
    const what = `option "images.${name}"`;
    const info = inputs.find((input) => input.name === name);
    if (info === undefined) throw bad(`${what} names no input of the model; its inputs are ${inputs.map((i) => `"${i.name}"`).join(', ')}`);
    if (!(IMAGE_DTYPES as readonly string[]).includes(info.type)) {
      throw bad(`${what}: input "${name}" is ${info.type}, but pictures convert to ${IMAGE_DTYPES.join(', ')} only`);
    }
    const { dims } = info;
    if (dims.length !== 0 && dims.length !== 4) {
      throw bad(`${what}: input "${name}" has dims ${formatDims(dims)}, but a picture makes a tensor of rank 4 ([batch,3,height,width] or [batch,height,width,3])`);
    }
    const shown = layoutOf(dims);
    if (request.layout !== undefined && shown !== undefined && request.layout !== shown) {
      throw bad(`option "images.${name}.layout" is '${request.layout}', but input "${name}" has dims ${formatDims(dims)}, which are ${shown}`);
    }
    const layout = request.layout ?? shown ?? 'nchw';
    const channelAxis = layout === 'nchw' ? 1 : 3;
    if (typeof dims[channelAxis] === 'number' && dims[channelAxis] !== 3) {
      throw bad(`${what}: input "${name}" has ${dims[channelAxis]} channels at dim ${channelAxis} (${formatDims(dims)}), but pictures give 3 (rgb or bgr)`);
    }
    const [h, w] = layout === 'nchw' ? [dims[2], dims[3]] : [dims[1], dims[2]];
    const width = side(w, request.width, `option "images.${name}.width"`);
    const height = side(h, request.height, `option "images.${name}.height"`);
    const unit = info.type === 'uint8' ? 1 : 1 / 255;
    const { layout: _, scale = [unit, unit, unit], ...rest } = request;
    return { ...rest, name, type: info.type as ImageDType, layout, scale, ...(width ? { width } : {}), ...(height ? { height } : {}) };
  });
}
