// The golden file format of toMatchTensorSnapshot: safetensors (https://github.com/huggingface/safetensors), an
// 8-byte little-endian header length, a JSON header of dtype, shape and byte offsets per tensor, then the raw
// little-endian bytes. Compact, exact (no text round trip of floats), and readable by numpy and torch for review.
import type { DType } from 'tensorlane';

/** A tensor as stored: float16 as raw half bits in a `Uint16Array`, bool as bytes. */
export interface StoredTensor {
  readonly type: DType;
  readonly data: Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array;
  readonly dims: readonly number[];
}

/** A decoded file: tensors by name, and the string metadata of `__metadata__`. */
export interface Safetensors {
  readonly tensors: Readonly<Record<string, StoredTensor>>;
  readonly metadata: Readonly<Record<string, string>>;
}

type ArrayClass = { new (buffer: ArrayBuffer): StoredTensor['data']; readonly BYTES_PER_ELEMENT: number };

/** For each dtype: its safetensors name and the typed array that holds it. */
const FORMAT: Readonly<Record<DType, { readonly name: string; readonly array: ArrayClass }>> = {
  float32: { name: 'F32', array: Float32Array },
  float64: { name: 'F64', array: Float64Array },
  float16: { name: 'F16', array: Uint16Array },
  int8: { name: 'I8', array: Int8Array },
  uint8: { name: 'U8', array: Uint8Array },
  int16: { name: 'I16', array: Int16Array },
  uint16: { name: 'U16', array: Uint16Array },
  int32: { name: 'I32', array: Int32Array },
  uint32: { name: 'U32', array: Uint32Array },
  int64: { name: 'I64', array: BigInt64Array },
  uint64: { name: 'U64', array: BigUint64Array },
  bool: { name: 'BOOL', array: Uint8Array },
};

const DTYPE_OF: Readonly<Record<string, DType>> = Object.fromEntries(Object.entries(FORMAT).map(([type, { name }]) => [name, type as DType]));

/** Whether `type` is a dtype safetensors can store. */
export function isStorableDType(type: unknown): type is DType {
  return typeof type === 'string' && Object.hasOwn(FORMAT, type);
}

/** Whether typed array class `arrayName` (e.g. `'Uint16Array'`) is how `type` is stored. */
export function arrayHolds(type: DType, arrayName: string): boolean {
  return FORMAT[type].array.name === arrayName;
}

/** The dtype a bare typed array stands for (`Uint16Array` is uint16, `Uint8Array` uint8), if any. */
export function dtypeOfArray(arrayName: string): DType | undefined {
  const types = Object.keys(FORMAT) as DType[];
  return types.find((t) => t !== 'float16' && t !== 'bool' && FORMAT[t].array.name === arrayName);
}

function checkLittleEndian(): void {
  if (new Uint8Array(Uint16Array.of(1).buffer)[0] !== 1) throw new Error('tensor snapshots need a little-endian machine');
}

/**
 * Encodes tensors, sorted by name, with `metadata` as `__metadata__`.
 * @throws Error when a tensor's data does not hold its dims' element count.
 */
export function encodeSafetensors(tensors: Readonly<Record<string, StoredTensor>>, metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  checkLittleEndian();
  const header: Record<string, unknown> = { __metadata__: metadata };
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const name of Object.keys(tensors).sort()) {
    const { type, data, dims } = tensors[name]!;
    const count = dims.reduce((a, b) => a * b, 1);
    if (data.length !== count) throw new Error(`tensor "${name}" has dims [${dims.join(', ')}] but ${data.length} elements`);
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    header[name] = { dtype: FORMAT[type].name, shape: dims, data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  // Pad with spaces so that the data starts 8-byte aligned, as the reference implementation does.
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/**
 * Decodes a safetensors file.
 * @param source - where the bytes came from, for error messages.
 * @throws Error naming `source` and what is wrong when the bytes are not a valid file.
 */
export function decodeSafetensors(bytes: Uint8Array, source: string): Safetensors {
  checkLittleEndian();
  const fail = (what: string): never => {
    throw new Error(`${source} is not a valid safetensors file: ${what}`);
  };
  if (bytes.length < 8) fail(`${bytes.length} bytes, shorter than the 8-byte header length`);
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (8 + headerLength > bytes.length) fail(`the header length ${headerLength} runs past the end (${bytes.length} bytes)`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 8, headerLength).toString('utf8')) as Record<string, unknown>;
  } catch (error) {
    return fail(`the header is not JSON (${(error as Error).message})`);
  }
  const data = bytes.subarray(8 + headerLength);
  const tensors: Record<string, StoredTensor> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const { dtype, shape, data_offsets: offsets } = (entry ?? {}) as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const type = typeof dtype === 'string' ? DTYPE_OF[dtype] : undefined;
    if (type === undefined) return fail(`tensor "${name}" has dtype ${JSON.stringify(dtype)}, which tensorlane has no type for`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) return fail(`tensor "${name}" has shape ${JSON.stringify(shape)}`);
    const [begin, end] = Array.isArray(offsets) ? (offsets as unknown[]) : [];
    const { array } = FORMAT[type];
    const byteLength = (shape as number[]).reduce((a, b) => a * b, 1) * array.BYTES_PER_ELEMENT;
    if (typeof begin !== 'number' || typeof end !== 'number' || end - begin !== byteLength || begin < 0 || end > data.length) {
      return fail(`tensor "${name}" has data_offsets ${JSON.stringify(offsets)} for ${byteLength} bytes of ${data.length}`);
    }
    // A copy (a Buffer's slice() would share its pool), so that the typed array is aligned whatever the offset.
    tensors[name] = { type, data: new array(new Uint8Array(data.subarray(begin, end)).buffer), dims: shape as number[] };
  }
  const metadata = (header['__metadata__'] ?? {}) as Record<string, string>;
  return { tensors, metadata };
}
