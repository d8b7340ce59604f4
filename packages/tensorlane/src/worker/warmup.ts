import type * as Ort from 'onnxruntime-web';
import { TensorlaneError, messageOf } from '../errors.js';
import type { WarmupRequest } from '../wire/protocol.js';
import type { WarmupInfo } from '../types/session.js';
import { zeros } from '../tensor/dtypes.js';
import { formatDims, sizeOf } from '../tensor/shape.js';
import type { TensorInfo } from '../types/tensor.js';
import type { OrtModule } from './backend-table.js';
import type { Progress } from './progress.js';

/**
 * The dims of a warm-up input: fixed dims as they are, a symbolic first dim as the batch size, other symbolic dims
 * from `freeDimensions`, then from `freeDimensionOverrides`.
 * @throws TensorlaneError `INVALID_OPTIONS` for a dim nothing sizes.
 */
export function warmupDims(input: TensorInfo, batchSize: number, sizes: Readonly<Record<string, number>>): number[] {
  return input.dims.map((dim, i) => {
    if (typeof dim === 'number') return dim;
    if (i === 0) return batchSize;
    const size = Object.hasOwn(sizes, dim) ? sizes[dim] : undefined;
    if (size !== undefined) return size;
    throw new TensorlaneError(
      'INVALID_OPTIONS',
      dim === '?'
        ? `warm-up cannot shape input "${input.name}" ${formatDims(input.dims)}: dim ${i} is dynamic and unnamed; pass warmup: false`
        : `warm-up cannot shape input "${input.name}" ${formatDims(input.dims)}: give dim "${dim}" a size in warmup.freeDimensions, e.g. { ${/^[A-Za-z_$][\w$]*$/.test(dim) ? dim : JSON.stringify(dim)}: 128 }`,
    );
  });
}

/** One feed per batch size, of zeros shaped by {@link warmupDims}, as onnxruntime-web tensors of `ort`. */
export function warmupFeeds(
  ort: OrtModule,
  inputs: readonly TensorInfo[],
  request: WarmupRequest,
  overrides: Readonly<Record<string, number>>,
): Record<string, Ort.Tensor>[] {
  const sizes = { ...overrides, ...request.freeDimensions };
  return request.batchSizes.map((batchSize) => {
    const feed: Record<string, Ort.Tensor> = {};
    for (const input of inputs) {
      const dims = warmupDims(input, batchSize, sizes);
      feed[input.name] = new ort.Tensor(input.type, zeros(input.type, sizeOf(dims)) as Ort.Tensor.DataType as Float32Array, dims);
    }
    return feed;
  });
}

/** Runs `feed` once, reading back outputs left on the GPU (preferredOutputLocation), as a real run does. */
export async function runFeed(session: Ort.InferenceSession, feed: Record<string, Ort.Tensor>): Promise<void> {
  const outputs = await session.run(feed);
  for (const output of Object.values(outputs)) if (output.location !== 'cpu') await output.getData(true);
}

/**
 * Runs the model once per batch size on zeros, so that the first real run does not pay for shader compilation
 * and memory planning.
 * @throws TensorlaneError `INVALID_OPTIONS` (a dim nothing sizes), `RUN_FAILED` (a warm-up run failed).
 */
export async function warmUp(
  ort: OrtModule,
  session: Ort.InferenceSession,
  inputs: readonly TensorInfo[],
  request: WarmupRequest,
  overrides: Readonly<Record<string, number>>,
  progress: Progress,
): Promise<WarmupInfo> {
  const feeds = warmupFeeds(ort, inputs, request, overrides);
  const total = feeds.length;
  progress.report({ phase: 'warmup', loaded: 0, total }, true);
  const start = performance.now();
  for (const [i, feed] of feeds.entries()) {
    try {
      await runFeed(session, feed);
    } catch (error) {
      throw new TensorlaneError(
        'RUN_FAILED',
        `the warm-up run with batch size ${request.batchSizes[i]} failed: ${messageOf(error)}`,
        { cause: error },
      );
    }
    progress.report({ phase: 'warmup', loaded: i + 1, total }, i + 1 === total);
  }
  return { batchSizes: [...request.batchSizes], ms: performance.now() - start };
}
