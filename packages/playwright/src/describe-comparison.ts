// The text of a failed tensor comparison: what differs, by how much, where, and how many elements, so that the
// reader can tell a tolerance too tight from a wrong layout or a NaN without rerunning anything.
import type { Mismatch, Shape, TensorComparison } from './compare.js';

/** `index` as coordinates in row-major `dims`, e.g. `[1, 3]`; the flat index when there are no dims. */
export function coordinates(index: number, dims: readonly number[] | undefined): string {
  if (dims === undefined) return `[${index}]`;
  const coords: number[] = [];
  let rest = index;
  for (let k = dims.length - 1; k >= 0; k--) {
    coords.unshift(rest % dims[k]!);
    rest = Math.floor(rest / dims[k]!);
  }
  return `[${coords.join(', ')}]`;
}

/** A value as a person reads it: integers and bigints in full, other numbers to 7 significant digits. */
export function formatValue(value: number | bigint): string {
  if (typeof value === 'bigint' || Number.isInteger(value) || !Number.isFinite(value)) return String(value);
  return String(Number(value.toPrecision(7)));
}

function formatDiff(diff: number): string {
  if (diff === 0 || !Number.isFinite(diff)) return String(diff);
  return diff < 1e-3 || diff >= 1e6 ? diff.toExponential(2) : String(Number(diff.toPrecision(3)));
}

function formatShape({ type, dims, length }: Shape): string {
  if (dims === undefined && type === undefined) return `${length} elements, no dims or dtype`;
  return [dims && `dims [${dims.join(', ')}]`, type && `dtype ${type}`].filter(Boolean).join(', ');
}

function shapes(c: TensorComparison): string {
  const received = formatShape(c.received);
  const expected = formatShape(c.expected);
  return received === expected ? `${received} (both)` : `received ${received}; expected ${expected}`;
}

const percent = (part: number, whole: number) => `${Number(((100 * part) / whole).toPrecision(3))}%`;

function line(m: Mismatch, dims: readonly number[] | undefined): string {
  const diff = Number.isNaN(m.diff) ? '' : `  |diff| ${formatDiff(m.diff)}`;
  return `    ${coordinates(m.index, dims)}  received ${formatValue(m.received)}  expected ${formatValue(m.expected)}${diff}`;
}

function nanLine(c: TensorComparison, dims: readonly number[] | undefined): string | undefined {
  const { received, expected, firstReceived, firstExpected } = c.nan;
  if (received === 0 && expected === 0) return undefined;
  const side = (count: number, first: number | undefined) => (first === undefined ? String(count) : `${count} (first at ${coordinates(first, dims)})`);
  const rule = c.equalNaN ? 'NaN equals NaN ({ equalNaN: true })' : 'NaN never equals NaN unless { equalNaN: true }';
  return `  NaN: received ${side(received, firstReceived)}, expected ${side(expected, firstExpected)}; ${rule}`;
}

/**
 * The failure message of a comparison: for `.not`, that every element is close; otherwise the structural
 * difference, or how many elements are off, the largest difference and where, NaN counts, and the first elements off.
 */
export function describeComparison(c: TensorComparison, isNot: boolean): string {
  const dims = c.received.dims ?? c.expected.dims;
  const rule = `atol + rtol·|expected| (atol ${c.atol}, rtol ${c.rtol})`;
  const worst = c.worst && c.worst.diff > 0 ? ` at ${coordinates(c.worst.index, dims)}: received ${formatValue(c.worst.received)}, expected ${formatValue(c.worst.expected)}` : '';
  const maxLine = `  max |diff| ${formatDiff(c.maxAbsDiff)}${worst}`;
  if (isNot) {
    return [`all ${c.received.length} elements are within ${rule}, expected some not to be`, `  ${shapes(c)}`, maxLine].join('\n');
  }
  if (c.structure !== undefined) return [c.structure, `  ${shapes(c)}`].join('\n');
  return [
    `${c.off} of ${c.received.length} elements (${percent(c.off, c.received.length)}) differ by more than ${rule}`,
    `  ${shapes(c)}`,
    maxLine,
    nanLine(c, dims),
    `  first elements off:`,
    ...c.firstOff.map((m) => line(m, dims)),
    c.off > c.firstOff.length ? `    … and ${c.off - c.firstOff.length} more` : undefined,
  ]
    .filter((l) => l !== undefined)
    .join('\n');
}
