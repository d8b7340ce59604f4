// Random inputs shaped from a model's metadata, for running a model nobody described: symbolic dims take one size,
// floats are uniform in [-1, 1), integers small (0-9, safe as indices into most lookup tables), booleans 0 or 1.
import type { DType, Dim, Feeds, Tensor, TensorInfo } from 'tensorlane';

/** `dims` with every symbolic (named or unnamed) dim set to `size`. */
export function concreteDims(dims: readonly Dim[], size = 1): number[] {
  return dims.map((dim) => (typeof dim === 'number' ? dim : size));
}

function randomData(type: DType, length: number, random: () => number): Tensor['data'] {
  const small = () => Math.floor(random() * 10);
  switch (type) {
    case 'float32':
      return Float32Array.from({ length }, () => random() * 2 - 1);
    case 'float64':
      return Float64Array.from({ length }, () => random() * 2 - 1);
    case 'float16':
      // Raw IEEE half bits: random sign, exponent 14 and mantissa, i.e. ±[0.5, 1).
      return Uint16Array.from({ length }, () => ((random() < 0.5 ? 1 : 0) << 15) | (14 << 10) | Math.floor(random() * 1024));
    case 'int8':
      return Int8Array.from({ length }, small);
    case 'uint8':
      return Uint8Array.from({ length }, small);
    case 'int16':
      return Int16Array.from({ length }, small);
    case 'uint16':
      return Uint16Array.from({ length }, small);
    case 'int32':
      return Int32Array.from({ length }, small);
    case 'uint32':
      return Uint32Array.from({ length }, small);
    case 'int64':
      return BigInt64Array.from({ length }, () => BigInt(small()));
    case 'uint64':
      return BigUint64Array.from({ length }, () => BigInt(small()));
    case 'bool':
      return Uint8Array.from({ length }, () => (random() < 0.5 ? 0 : 1));
  }
}

/** One random tensor per input. */
export function randomFeeds(inputs: readonly TensorInfo[], symbolicSize = 1, random: () => number = Math.random): Feeds {
  return Object.fromEntries(
    inputs.map((input) => {
      const dims = concreteDims(input.dims, symbolicSize);
      const length = dims.reduce((a, b) => a * b, 1);
      return [input.name, { type: input.type, data: randomData(input.type, length, random), dims } as Tensor];
    }),
  );
}
