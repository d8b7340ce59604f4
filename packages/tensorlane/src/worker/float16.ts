// Whether a model computes in half precision anywhere, read from its ONNX bytes before a WebGPU session is built on
// a device without `shader-f16`: there onnxruntime-web's JSEP build returned zeros for float16 math, and its native
// build failed the run (after which the session never ran again). Reads only the protobuf fields that carry a type:
// tensors (initializers, attribute values), the declared types of values, and the `to`/`dtype` attributes (Cast,
// EyeLike, random ops), in the graph and its subgraphs. Weight bytes are skipped, not read.

/** onnx.TensorProto.DataType.FLOAT16. */
const FLOAT16 = 10;

/** The fields of one protobuf message: varints as numbers, length-delimited fields as views. */
function* fields(bytes: Uint8Array): Generator<{ field: number; value: number | Uint8Array }> {
  let at = 0;
  const varint = (): number => {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (at >= bytes.length) throw new RangeError('truncated varint');
      const byte = bytes[at++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
  };
  while (at < bytes.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    switch (key % 8) {
      case 0:
        yield { field, value: varint() };
        break;
      case 1:
        at += 8;
        break;
      case 2: {
        const length = varint();
        if (at + length > bytes.length) throw new RangeError('truncated field');
        yield { field, value: bytes.subarray(at, (at += length)) };
        break;
      }
      case 5:
        at += 4;
        break;
      default:
        throw new RangeError(`unexpected wire type ${key % 8}`);
    }
  }
}

const sub = (value: number | Uint8Array) => (typeof value === 'number' ? new Uint8Array(0) : value);

/** TensorProto: data_type (2). */
const tensorIsHalf = (bytes: Uint8Array) => [...fields(bytes)].some(({ field, value }) => field === 2 && value === FLOAT16);

/** TypeProto: tensor_type (1) and sparse_tensor_type (8) have elem_type (1); sequence (4), optional (9) nest one. */
function typeIsHalf(bytes: Uint8Array): boolean {
  for (const { field, value } of fields(bytes)) {
    if ((field === 1 || field === 8) && [...fields(sub(value))].some((f) => f.field === 1 && f.value === FLOAT16)) return true;
    if ((field === 4 || field === 9) && [...fields(sub(value))].some((f) => f.field === 1 && typeIsHalf(sub(f.value)))) return true;
  }
  return false;
}

/** AttributeProto: name (1), i (3), t (5), g (6), tensors (10), graphs (11). */
function attributeIsHalf(bytes: Uint8Array): boolean {
  let name = '';
  let int: number | undefined;
  for (const { field, value } of fields(bytes)) {
    if (field === 1) name = new TextDecoder().decode(sub(value));
    else if (field === 3) int = value as number;
    else if ((field === 5 || field === 10) && tensorIsHalf(sub(value))) return true;
    else if ((field === 6 || field === 11) && graphIsHalf(sub(value))) return true;
  }
  return (name === 'to' || name === 'dtype') && int === FLOAT16;
}

/** GraphProto: node (1) with attributes (5), initializer (5), input (11), output (12), value_info (13). */
function graphIsHalf(bytes: Uint8Array): boolean {
  for (const { field, value } of fields(bytes)) {
    const inner = sub(value);
    if (field === 1 && [...fields(inner)].some((f) => f.field === 5 && attributeIsHalf(sub(f.value)))) return true;
    if (field === 5 && tensorIsHalf(inner)) return true;
    if ((field === 11 || field === 12 || field === 13) && [...fields(inner)].some((f) => f.field === 2 && typeIsHalf(sub(f.value)))) return true;
  }
  return false;
}

/**
 * Whether the ONNX model in `bytes` (ModelProto: graph is field 7) uses float16 anywhere. False for bytes that do
 * not parse: onnxruntime-web then says what is wrong with them.
 */
export function usesFloat16(bytes: Uint8Array): boolean {
  try {
    return [...fields(bytes)].some(({ field, value }) => field === 7 && graphIsHalf(sub(value)));
  } catch {
    return false;
  }
}
