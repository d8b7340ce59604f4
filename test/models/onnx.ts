// A minimal ONNX (protobuf) writer: just enough of onnx.proto to build small test graphs, byte-for-byte
// deterministic so that a model's sha256 pins its content. Field numbers follow onnx/onnx.proto (proto2).

export type ElemType =
  | 'float32' | 'uint8' | 'int8' | 'uint16' | 'int16' | 'int32' | 'int64'
  | 'bool' | 'float16' | 'float64' | 'uint32' | 'uint64';

const ELEM_TYPE: Record<ElemType, number> = {
  float32: 1, uint8: 2, int8: 3, uint16: 4, int16: 5, int32: 6, int64: 7,
  bool: 9, float16: 10, float64: 11, uint32: 12, uint64: 13,
};

/** A dim of a graph input or output: a size, a symbolic name, or `null` for an unnamed dynamic dim. */
export type DimSpec = number | string | null;

export interface ValueSpec { name: string; type: ElemType; dims: readonly DimSpec[] }
export interface Initializer { name: string; dims: readonly number[]; data: Float32Array | BigInt64Array }
/** Where an initializer's bytes live when they are stored outside the model (TensorProto.external_data). */
export interface ExternalLocation { location: string; offset: number; length: number }
export type AttrValue = number | readonly number[] | { float: number };
export interface NodeSpec {
  op: string;
  /** The operator set the op is from, e.g. `'ai.onnx.ml'`; the default domain (`ai.onnx`) when absent. */
  domain?: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attrs?: Readonly<Record<string, AttrValue>>;
}
export interface GraphSpec {
  name: string;
  inputs: readonly ValueSpec[];
  outputs: readonly ValueSpec[];
  initializers?: readonly Initializer[];
  nodes: readonly NodeSpec[];
  opset?: number;
  /** Versions of the other operator sets the nodes use, e.g. `{ 'ai.onnx.ml': 3 }`. */
  opsets?: Readonly<Record<string, number>>;
}

class Writer {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  private push(bytes: Uint8Array): this {
    this.parts.push(bytes);
    this.size += bytes.length;
    return this;
  }

  private varint(value: bigint): this {
    let v = BigInt.asUintN(64, value);
    const out: number[] = [];
    do {
      const low = Number(v & 0x7fn);
      v >>= 7n;
      out.push(v > 0n ? low | 0x80 : low);
    } while (v > 0n);
    return this.push(Uint8Array.from(out));
  }

  private key(field: number, wireType: 0 | 2 | 5): this {
    return this.varint(BigInt((field << 3) | wireType));
  }

  int(field: number, value: number | bigint): this {
    return this.key(field, 0).varint(BigInt(value));
  }

  float(field: number, value: number): this {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    return this.key(field, 5).push(bytes);
  }

  bytes(field: number, value: Uint8Array): this {
    return this.key(field, 2).varint(BigInt(value.length)).push(value);
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, build: (w: Writer) => void): this {
    const inner = new Writer();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let offset = 0;
    for (const part of this.parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }
}

function valueInfo(w: Writer, spec: ValueSpec): void {
  w.string(1, spec.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, ELEM_TYPE[spec.type]);
      tensor.message(2, (shape) => {
        for (const dim of spec.dims) {
          shape.message(1, (d) => {
            if (typeof dim === 'number') d.int(1, dim);
            else if (typeof dim === 'string') d.string(2, dim);
          });
        }
      });
    }),
  );
}

function attribute(w: Writer, name: string, value: AttrValue): void {
  w.string(1, name);
  if (typeof value === 'number') w.int(3, value).int(20, 2); // INT
  else if ('float' in value) w.float(2, value.float).int(20, 1); // FLOAT
  else {
    for (const v of value) w.int(8, v);
    w.int(20, 7); // INTS
  }
}

const bytesOf = (data: Float32Array | BigInt64Array) => new Uint8Array(data.buffer, data.byteOffset, data.byteLength);

/**
 * Serialises a graph to ONNX model bytes (IR version 8). Initializers listed in `external` are written with
 * `data_location = EXTERNAL` and `external_data` entries (location, offset, length) instead of their bytes.
 */
export function encodeModel(graph: GraphSpec, external: ReadonlyMap<string, ExternalLocation> = new Map()): Uint8Array {
  const w = new Writer();
  w.int(1, 8); // ir_version
  w.string(2, 'tensorlane-test');
  w.message(7, (g) => {
    for (const node of graph.nodes) {
      g.message(1, (n) => {
        for (const input of node.inputs) n.string(1, input);
        for (const output of node.outputs) n.string(2, output);
        n.string(4, node.op);
        if (node.domain !== undefined) n.string(7, node.domain);
        for (const [name, value] of Object.entries(node.attrs ?? {})) n.message(5, (a) => attribute(a, name, value));
      });
    }
    g.string(2, graph.name);
    for (const init of graph.initializers ?? []) {
      g.message(5, (t) => {
        for (const dim of init.dims) t.int(1, dim);
        t.int(2, init.data instanceof Float32Array ? ELEM_TYPE.float32 : ELEM_TYPE.int64);
        t.string(8, init.name);
        const where = external.get(init.name);
        if (where === undefined) {
          t.bytes(9, bytesOf(init.data));
          return;
        }
        for (const [key, value] of [['location', where.location], ['offset', String(where.offset)], ['length', String(where.length)]]) {
          t.message(13, (entry) => entry.string(1, key!).string(2, value!));
        }
        t.int(14, 1); // data_location = EXTERNAL
      });
    }
    for (const input of graph.inputs) g.message(11, (v) => valueInfo(v, input));
    for (const output of graph.outputs) g.message(12, (v) => valueInfo(v, output));
  });
  w.message(8, (o) => o.string(1, '').int(2, graph.opset ?? 17));
  for (const [domain, version] of Object.entries(graph.opsets ?? {})) w.message(8, (o) => o.string(1, domain).int(2, version));
  return w.finish();
}

/**
 * Serialises a graph with every initializer's bytes in a separate file named `location` (as `model.onnx` +
 * `model.onnx.data` exporters write them): returns the model bytes and that file's bytes.
 */
export function encodeModelWithExternalData(graph: GraphSpec, location: string): { model: Uint8Array; data: Uint8Array } {
  const external = new Map<string, ExternalLocation>();
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const init of graph.initializers ?? []) {
    const bytes = bytesOf(init.data);
    external.set(init.name, { location, offset, length: bytes.length });
    parts.push(bytes);
    offset += bytes.length;
  }
  const data = new Uint8Array(offset);
  offset = 0;
  for (const part of parts) {
    data.set(part, offset);
    offset += part.length;
  }
  return { model: encodeModel(graph, external), data };
}
