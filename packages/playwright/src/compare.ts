// Element-wise closeness of two tensors, as numpy.allclose and torch.testing.assert_close define it:
// |received - expected| <= atol + rtol * |expected|, with dims and dtype checked first.
import type { DType } from 'tensorlane';
import { elementsOf, type Elements } from './tensor-like.js';

/**
 * Tolerances of the tensor matchers. An element passes when `|received - expected| <= atol + rtol * |expected|`.
 * The defaults depend on the dtype, as in `torch.testing.assert_close`: float16 `rtol 1e-3, atol 1e-5`; float32
 * `rtol 1.3e-6, atol 1e-5`; float64 and plain numbers `rtol 1e-7, atol 1e-7`; integers and bool exact.
 * @example
 * ```ts
 * import { expect, type Tolerance } from '@tensorlane/playwright';
 *
 * const webgpu: Tolerance = { atol: 1e-3, rtol: 1e-3 };
 * expect(run.outputs.y).toBeCloseToTensor(reference, webgpu);
 * ```
 */
export interface Tolerance {
  /** Absolute tolerance. */
  readonly atol?: number;
  /** Tolerance relative to `|expected|`. */
  readonly rtol?: number;
  /**
   * Count NaN as equal to NaN. Otherwise any NaN is an element off, as in numpy and torch.
   * @defaultValue `false`
   */
  readonly equalNaN?: boolean;
}

/** One element off: where, both values, and `|received - expected|` (NaN when either is NaN). */
export interface Mismatch {
  readonly index: number;
  readonly received: number | bigint;
  readonly expected: number | bigint;
  readonly diff: number;
}

/** Dims, dtype and element count of one side. */
export interface Shape {
  readonly type: DType | undefined;
  readonly dims: readonly number[] | undefined;
  readonly length: number;
}

/**
 * What {@link compareTensors} found. `structure` is set when dims, dtype or length differ, and then no element was
 * compared.
 * @example
 * ```ts
 * import { compareTensors } from '@tensorlane/playwright';
 *
 * const { pass, maxAbsDiff } = compareTensors(run.outputs.y, reference, { atol: 1e-3 });
 * console.log(`max |diff| ${maxAbsDiff.toExponential(2)}`);
 * ```
 */
export interface TensorComparison {
  readonly pass: boolean;
  readonly received: Shape;
  readonly expected: Shape;
  /** Why the tensors could not be compared element by element (dims, dtype or length differ). */
  readonly structure: string | undefined;
  readonly atol: number;
  readonly rtol: number;
  readonly equalNaN: boolean;
  /** Elements off. */
  readonly off: number;
  /** The first elements off, in index order (at most 5). */
  readonly firstOff: readonly Mismatch[];
  /** The largest `|received - expected|` over the elements where it is a number, and where; none for empty tensors. */
  readonly worst: Mismatch | undefined;
  /** The largest `|received - expected|` (0 when there is no element, Infinity for an infinite difference). */
  readonly maxAbsDiff: number;
  /** NaN elements on each side, and the first of each. */
  readonly nan: { readonly received: number; readonly expected: number; readonly firstReceived?: number; readonly firstExpected?: number };
}

const FIRST_OFF = 5;

/** Default tolerances by dtype, as in torch.testing.assert_close. */
const DEFAULTS: Readonly<Record<'float16' | 'float32' | 'float64' | 'exact', { atol: number; rtol: number }>> = {
  float16: { atol: 1e-5, rtol: 1e-3 },
  float32: { atol: 1e-5, rtol: 1.3e-6 },
  float64: { atol: 1e-7, rtol: 1e-7 },
  exact: { atol: 0, rtol: 0 },
};

function defaultsFor(type: DType | undefined): { atol: number; rtol: number } {
  if (type === undefined || type === 'float64') return DEFAULTS.float64;
  if (type === 'float16' || type === 'float32') return DEFAULTS[type];
  return DEFAULTS.exact;
}

function checkTolerance(value: unknown, name: string): void {
  if (value !== undefined && !(typeof value === 'number' && value >= 0)) {
    throw new TypeError(`${name} is ${String(value)}; expected a number >= 0`);
  }
}

const shapeOf = ({ type, dims, length }: Elements): Shape => ({ type, dims, length });
const sameDims = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
const formatDims = (dims: readonly number[]) => `[${dims.join(', ')}]`;

function structureProblem(received: Elements, expected: Elements): string | undefined {
  if (received.dims && expected.dims && !sameDims(received.dims, expected.dims)) {
    const same = received.length === expected.length ? ` (the same ${received.length} elements: transposed, or reshaped?)` : '';
    return `dims differ: received ${formatDims(received.dims)}, expected ${formatDims(expected.dims)}${same}`;
  }
  if (received.type && expected.type && received.type !== expected.type) {
    return `dtype differs: received ${received.type}, expected ${expected.type}; to compare the values only, pass expected.data (a typed array has no dtype)`;
  }
  if (received.length !== expected.length) return `length differs: received ${received.length} elements, expected ${expected.length}`;
  return undefined;
}

/** `a` and `b` as two bigints when both are integers and one is a bigint, else as two numbers. */
function aligned(a: number | bigint, b: number | bigint): [bigint, bigint] | [number, number] {
  const integral = (v: number | bigint) => typeof v === 'bigint' || Number.isInteger(v);
  if ((typeof a === 'bigint' || typeof b === 'bigint') && integral(a) && integral(b)) return [BigInt(a), BigInt(b)];
  return [Number(a), Number(b)];
}

/** Whether one pair is within tolerance, and `|a - b|` as a number. */
function closeness(a: number | bigint, b: number | bigint, atol: number, rtol: number, equalNaN: boolean): { ok: boolean; diff: number } {
  const [x, y] = aligned(a, b);
  if (typeof x === 'bigint' && typeof y === 'bigint') {
    const d = x > y ? x - y : y - x;
    const abs = y < 0n ? -y : y;
    // Exact by default; with a tolerance, compared as numbers (rounded past 2^53).
    return { ok: d === 0n || Number(d) <= atol + rtol * Number(abs), diff: Number(d) };
  }
  const [p, q] = [x as number, y as number];
  if (Number.isNaN(p) || Number.isNaN(q)) return { ok: equalNaN && Number.isNaN(p) && Number.isNaN(q), diff: NaN };
  if (p === q) return { ok: true, diff: 0 }; // also equal infinities
  const diff = Math.abs(p - q);
  // An infinity matches only itself (atol + rtol * |Infinity| would let anything pass).
  if (!Number.isFinite(p) || !Number.isFinite(q)) return { ok: false, diff };
  return { ok: diff <= atol + rtol * Math.abs(q), diff };
}

const isNaNElement = (v: number | bigint) => typeof v === 'number' && Number.isNaN(v);

/**
 * Compares two tensors element by element: dims, dtype and length first (when both sides state them), then every
 * element against `atol + rtol * |expected|`.
 * @param received - the tensor under test.
 * @param expected - the reference.
 * @throws TypeError when either side is not a {@link TensorLike}, or a tolerance is negative.
 * @example
 * ```ts
 * import { compareTensors } from '@tensorlane/playwright';
 *
 * const comparison = compareTensors(Float32Array.of(1, 2.5), [1, 2], { atol: 0.1 });
 * comparison.off; // 1
 * ```
 */
export function compareTensors(received: unknown, expected: unknown, tolerance: Tolerance = {}): TensorComparison {
  checkTolerance(tolerance.atol, 'atol');
  checkTolerance(tolerance.rtol, 'rtol');
  const r = elementsOf(received, 'received');
  const e = elementsOf(expected, 'expected');
  const defaults = defaultsFor(r.type ?? e.type);
  const atol = tolerance.atol ?? defaults.atol;
  const rtol = tolerance.rtol ?? defaults.rtol;
  const equalNaN = tolerance.equalNaN ?? false;
  const base = { received: shapeOf(r), expected: shapeOf(e), atol, rtol, equalNaN };
  const structure = structureProblem(r, e);
  if (structure !== undefined) {
    return { ...base, pass: false, structure, off: 0, firstOff: [], worst: undefined, maxAbsDiff: NaN, nan: { received: 0, expected: 0 } };
  }
  let off = 0;
  let worst: Mismatch | undefined;
  const firstOff: Mismatch[] = [];
  const nan: { received: number; expected: number; firstReceived?: number; firstExpected?: number } = { received: 0, expected: 0 };
  for (let index = 0; index < r.length; index++) {
    const a = r.at(index);
    const b = e.at(index);
    const { ok, diff } = closeness(a, b, atol, rtol, equalNaN);
    if (isNaNElement(a)) {
      nan.received++;
      nan.firstReceived ??= index;
    }
    if (isNaNElement(b)) {
      nan.expected++;
      nan.firstExpected ??= index;
    }
    if (!Number.isNaN(diff) && (worst === undefined || diff > worst.diff)) worst = { index, received: a, expected: b, diff };
    if (!ok) {
      off++;
      if (firstOff.length < FIRST_OFF) firstOff.push({ index, received: a, expected: b, diff });
    }
  }
  return { ...base, pass: off === 0, structure: undefined, off, firstOff, worst, maxAbsDiff: worst?.diff ?? 0, nan };
}
