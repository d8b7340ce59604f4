// The test models: small ONNX graphs built by code with seeded weights, each with a reference implementation in
// plain TypeScript (float64 loops, no onnxruntime) to check outputs against.
import { encodeModel, encodeModelWithExternalData, type ElemType, type GraphSpec } from './onnx.ts';

/** mulberry32: a tiny seeded PRNG, so weights and inputs are the same on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `length` values uniform in [-scale, scale), from `seed`. */
export function seededFloats(length: number, seed: number, scale = 1): Float32Array {
  const next = seededRandom(seed);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = (next() * 2 - 1) * scale;
  return out;
}

// ---- MLP: x[batch,256] -> 512 -> relu -> 10 -------------------------------------------------------------------

const MLP = { in: 256, hidden: 512, out: 10 } as const;
const mlpWeights = {
  w1: seededFloats(MLP.in * MLP.hidden, 1, 1 / Math.sqrt(MLP.in)),
  b1: seededFloats(MLP.hidden, 2, 0.1),
  w2: seededFloats(MLP.hidden * MLP.out, 3, 1 / Math.sqrt(MLP.hidden)),
  b2: seededFloats(MLP.out, 4, 0.1),
};

const mlpGraph: GraphSpec = {
  name: 'mlp',
  inputs: [{ name: 'x', type: 'float32', dims: ['batch', MLP.in] }],
  outputs: [{ name: 'y', type: 'float32', dims: ['batch', MLP.out] }],
  initializers: [
    { name: 'w1', dims: [MLP.in, MLP.hidden], data: mlpWeights.w1 },
    { name: 'b1', dims: [MLP.hidden], data: mlpWeights.b1 },
    { name: 'w2', dims: [MLP.hidden, MLP.out], data: mlpWeights.w2 },
    { name: 'b2', dims: [MLP.out], data: mlpWeights.b2 },
  ],
  nodes: [
    { op: 'MatMul', inputs: ['x', 'w1'], outputs: ['h0'] },
    { op: 'Add', inputs: ['h0', 'b1'], outputs: ['h1'] },
    { op: 'Relu', inputs: ['h1'], outputs: ['h2'] },
    { op: 'MatMul', inputs: ['h2', 'w2'], outputs: ['y0'] },
    { op: 'Add', inputs: ['y0', 'b2'], outputs: ['y'] },
  ],
};

export function buildMlp(): Uint8Array {
  return encodeModel(mlpGraph);
}

/** The MLP with its weights in `mlp-external.onnx.data`, as exporters write models over 2 GB. */
export const MLP_EXTERNAL_DATA = 'mlp-external.onnx.data';
const buildMlpExternal = () => encodeModelWithExternalData(mlpGraph, MLP_EXTERNAL_DATA);

/** Reference MLP forward pass for `x` of shape [rows, 256]; returns [rows, 10]. */
export function mlpReference(x: Float32Array): Float32Array {
  const rows = x.length / MLP.in;
  const y = new Float32Array(rows * MLP.out);
  const h = new Float64Array(MLP.hidden);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < MLP.hidden; j++) {
      let s = mlpWeights.b1[j]!;
      for (let i = 0; i < MLP.in; i++) s += x[r * MLP.in + i]! * mlpWeights.w1[i * MLP.hidden + j]!;
      h[j] = Math.max(0, s);
    }
    for (let k = 0; k < MLP.out; k++) {
      let s = mlpWeights.b2[k]!;
      for (let j = 0; j < MLP.hidden; j++) s += h[j]! * mlpWeights.w2[j * MLP.out + k]!;
      y[r * MLP.out + k] = s;
    }
  }
  return y;
}

// ---- conv net: x[batch,3,32,32] -> conv3x3(8) -> relu -> maxpool2 -> conv3x3(16) -> relu -> GAP -> gemm(10) ----

const CONV = { c: 3, hw: 32, c1: 8, c2: 16, out: 10 } as const;
const convWeights = {
  k1: seededFloats(CONV.c1 * CONV.c * 9, 11, 1 / Math.sqrt(CONV.c * 9)),
  b1: seededFloats(CONV.c1, 12, 0.1),
  k2: seededFloats(CONV.c2 * CONV.c1 * 9, 13, 1 / Math.sqrt(CONV.c1 * 9)),
  b2: seededFloats(CONV.c2, 14, 0.1),
  w3: seededFloats(CONV.c2 * CONV.out, 15, 1 / Math.sqrt(CONV.c2)),
  b3: seededFloats(CONV.out, 16, 0.1),
};

export function buildConvNet(): Uint8Array {
  return encodeModel({
    name: 'convnet',
    inputs: [{ name: 'image', type: 'float32', dims: ['batch', CONV.c, CONV.hw, CONV.hw] }],
    outputs: [{ name: 'logits', type: 'float32', dims: ['batch', CONV.out] }],
    initializers: [
      { name: 'k1', dims: [CONV.c1, CONV.c, 3, 3], data: convWeights.k1 },
      { name: 'b1', dims: [CONV.c1], data: convWeights.b1 },
      { name: 'k2', dims: [CONV.c2, CONV.c1, 3, 3], data: convWeights.k2 },
      { name: 'b2', dims: [CONV.c2], data: convWeights.b2 },
      { name: 'w3', dims: [CONV.c2, CONV.out], data: convWeights.w3 },
      { name: 'b3', dims: [CONV.out], data: convWeights.b3 },
    ],
    nodes: [
      { op: 'Conv', inputs: ['image', 'k1', 'b1'], outputs: ['c1'], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
      { op: 'Relu', inputs: ['c1'], outputs: ['r1'] },
      { op: 'MaxPool', inputs: ['r1'], outputs: ['p1'], attrs: { kernel_shape: [2, 2], strides: [2, 2] } },
      { op: 'Conv', inputs: ['p1', 'k2', 'b2'], outputs: ['c2'], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
      { op: 'Relu', inputs: ['c2'], outputs: ['r2'] },
      { op: 'GlobalAveragePool', inputs: ['r2'], outputs: ['g'] },
      { op: 'Flatten', inputs: ['g'], outputs: ['f'], attrs: { axis: 1 } },
      { op: 'Gemm', inputs: ['f', 'w3', 'b3'], outputs: ['logits'] },
    ],
  });
}

/** 3x3 convolution, stride 1, zero padding 1, then ReLU: [cin,hw,hw] -> [cout,hw,hw]. */
function conv3x3Relu(x: Float64Array, cin: number, hw: number, k: Float32Array, b: Float32Array, cout: number) {
  const y = new Float64Array(cout * hw * hw);
  for (let o = 0; o < cout; o++) {
    for (let r = 0; r < hw; r++) {
      for (let c = 0; c < hw; c++) {
        let s = b[o]!;
        for (let i = 0; i < cin; i++) {
          for (let dr = -1; dr <= 1; dr++) {
            for (let dc = -1; dc <= 1; dc++) {
              const rr = r + dr;
              const cc = c + dc;
              if (rr < 0 || rr >= hw || cc < 0 || cc >= hw) continue;
              s += x[(i * hw + rr) * hw + cc]! * k[((o * cin + i) * 3 + dr + 1) * 3 + dc + 1]!;
            }
          }
        }
        y[(o * hw + r) * hw + c] = Math.max(0, s);
      }
    }
  }
  return y;
}

/** Reference conv net forward pass for `image` of shape [rows, 3, 32, 32]; returns [rows, 10]. */
export function convNetReference(image: Float32Array): Float32Array {
  const pixels = CONV.c * CONV.hw * CONV.hw;
  const rows = image.length / pixels;
  const half = CONV.hw / 2;
  const y = new Float32Array(rows * CONV.out);
  for (let n = 0; n < rows; n++) {
    const x = Float64Array.from(image.subarray(n * pixels, (n + 1) * pixels));
    const a = conv3x3Relu(x, CONV.c, CONV.hw, convWeights.k1, convWeights.b1, CONV.c1);
    const p = new Float64Array(CONV.c1 * half * half);
    for (let ch = 0; ch < CONV.c1; ch++) {
      for (let r = 0; r < half; r++) {
        for (let c = 0; c < half; c++) {
          const at = (dr: number, dc: number) => a[(ch * CONV.hw + 2 * r + dr) * CONV.hw + 2 * c + dc]!;
          p[(ch * half + r) * half + c] = Math.max(at(0, 0), at(0, 1), at(1, 0), at(1, 1));
        }
      }
    }
    const b = conv3x3Relu(p, CONV.c1, half, convWeights.k2, convWeights.b2, CONV.c2);
    const g = new Float64Array(CONV.c2);
    for (let ch = 0; ch < CONV.c2; ch++) {
      let s = 0;
      for (let i = 0; i < half * half; i++) s += b[ch * half * half + i]!;
      g[ch] = s / (half * half);
    }
    for (let k = 0; k < CONV.out; k++) {
      let s = convWeights.b3[k]!;
      for (let ch = 0; ch < CONV.c2; ch++) s += g[ch]! * convWeights.w3[ch * CONV.out + k]!;
      y[n * CONV.out + k] = s;
    }
  }
  return y;
}

// ---- small graphs for metadata, validation and dtype tests ----------------------------------------------------

/** y = x * [1, 2, 3, 4] with a fixed batch of 1: a model that cannot be stacked along dim 0. */
export function buildFixedBatch(): Uint8Array {
  return encodeModel({
    name: 'fixed',
    inputs: [{ name: 'x', type: 'float32', dims: [1, 4] }],
    outputs: [{ name: 'y', type: 'float32', dims: [1, 4] }],
    initializers: [{ name: 'scale', dims: [4], data: Float32Array.of(1, 2, 3, 4) }],
    nodes: [{ op: 'Mul', inputs: ['x', 'scale'], outputs: ['y'] }],
  });
}

/** y = relu(x), with an unnamed dynamic first dim (onnxruntime-web reports it as 4294967295). */
export function buildUnnamedDim(): Uint8Array {
  return encodeModel({
    name: 'unnamed',
    inputs: [{ name: 'x', type: 'float32', dims: [null, 3] }],
    outputs: [{ name: 'y', type: 'float32', dims: [null, 3] }],
    nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }],
  });
}

/** Every numeric type tensorlane supports, each passed through an Identity: `in_<type>` -> `out_<type>`. */
export const DTYPES: readonly ElemType[] = [
  'float32', 'float64', 'float16', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'bool',
];

export function buildDtypes(): Uint8Array {
  return encodeModel({
    name: 'dtypes',
    inputs: DTYPES.map((type) => ({ name: `in_${type}`, type, dims: ['n', 2] })),
    outputs: DTYPES.map((type) => ({ name: `out_${type}`, type, dims: ['n', 2] })),
    nodes: DTYPES.map((type) => ({ op: 'Identity', inputs: [`in_${type}`], outputs: [`out_${type}`] })),
  });
}

/** sum = a + b over dims 'n' and 'm': runs when n equals m (or one is 1), fails inside onnxruntime otherwise. */
export function buildBroadcast(): Uint8Array {
  return encodeModel({
    name: 'broadcast',
    inputs: [
      { name: 'a', type: 'float32', dims: ['n'] },
      { name: 'b', type: 'float32', dims: ['m'] },
    ],
    outputs: [{ name: 'sum', type: 'float32', dims: ['k'] }],
    nodes: [{ op: 'Add', inputs: ['a', 'b'], outputs: ['sum'] }],
  });
}

/**
 * y[r] = x[r, i[r]]: a lookup whose index is data, so a request can make the run fail by value (an index outside
 * 0..3 is rejected by onnxruntime) while requests of the same shape run fine. Stacks along `batch`.
 */
export function buildLookup(): Uint8Array {
  return encodeModel({
    name: 'lookup',
    inputs: [
      { name: 'x', type: 'float32', dims: ['batch', 4] },
      { name: 'i', type: 'int64', dims: ['batch', 1] },
    ],
    outputs: [{ name: 'y', type: 'float32', dims: ['batch', 1] }],
    nodes: [{ op: 'GatherElements', inputs: ['x', 'i'], outputs: ['y'], attrs: { axis: 1 } }],
  });
}

/**
 * y = relu(x) on int16: valid ONNX (Relu-14 takes int16), but onnxruntime has no int16 Relu kernel on any backend,
 * so session creation fails on WebGPU and on WASM ("Could not find an implementation for Relu(14)").
 */
export function buildUnsupported(): Uint8Array {
  return encodeModel({
    name: 'unsupported',
    inputs: [{ name: 'x', type: 'int16', dims: [2] }],
    outputs: [{ name: 'y', type: 'int16', dims: [2] }],
    nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }],
  });
}

/**
 * y = x, any row size: a model whose run costs next to nothing at a few values a row (the bench measures the path
 * around the run with it) and whose input and output are as large as you make them (the boundary bench).
 */
export function buildIdentity(): Uint8Array {
  return encodeModel({
    name: 'identity',
    inputs: [{ name: 'x', type: 'float32', dims: ['batch', 'n'] }],
    outputs: [{ name: 'y', type: 'float32', dims: ['batch', 'n'] }],
    nodes: [{ op: 'Identity', inputs: ['x'], outputs: ['y'] }],
  });
}

/**
 * y = x, through a Reshape to [-1, 2] and back: a request with an odd row count fails inside onnxruntime's native
 * Reshape (3 * rows elements do not split in pairs). On WebGPU that failure leaves onnxruntime-web 1.30's session
 * unable to run again.
 */
export function buildEvenRows(): Uint8Array {
  return encodeModel({
    name: 'even-rows',
    inputs: [{ name: 'x', type: 'float32', dims: ['batch', 3] }],
    outputs: [{ name: 'y', type: 'float32', dims: ['batch', 3] }],
    initializers: [
      { name: 'pairs', dims: [2], data: BigInt64Array.of(-1n, 2n) },
      { name: 'rows', dims: [2], data: BigInt64Array.of(-1n, 3n) },
    ],
    nodes: [
      { op: 'Reshape', inputs: ['x', 'pairs'], outputs: ['p'] },
      { op: 'Reshape', inputs: ['p', 'rows'], outputs: ['y'] },
    ],
  });
}

// ---- what the WebGPU engines differ on (see e2e/conformance.spec.ts) ------------------------------------------

const LSTM = { seq: 16, in: 8, hidden: 16 } as const;

/**
 * A one-layer LSTM over a sequence, x[seq, batch, 8] -> y[seq, 1, batch, 16], seeded weights: recurrent state, where
 * the WebGPU engines have drifted from WASM (JSEP runs LSTM on the CPU, the native engine on the GPU).
 */
export function buildLstm(): Uint8Array {
  const gates = 4 * LSTM.hidden;
  return encodeModel({
    name: 'lstm',
    inputs: [{ name: 'x', type: 'float32', dims: [LSTM.seq, 'batch', LSTM.in] }],
    outputs: [{ name: 'y', type: 'float32', dims: [LSTM.seq, 1, 'batch', LSTM.hidden] }],
    initializers: [
      { name: 'w', dims: [1, gates, LSTM.in], data: seededFloats(gates * LSTM.in, 21, 1 / Math.sqrt(LSTM.in)) },
      { name: 'r', dims: [1, gates, LSTM.hidden], data: seededFloats(gates * LSTM.hidden, 22, 1 / Math.sqrt(LSTM.hidden)) },
      { name: 'b', dims: [1, 2 * gates], data: seededFloats(2 * gates, 23, 0.1) },
    ],
    nodes: [{ op: 'LSTM', inputs: ['x', 'w', 'r', 'b'], outputs: ['y'], attrs: { hidden_size: LSTM.hidden } }],
  });
}

/**
 * y = float32(float16(x) * float16(x)): computes in half precision inside, float32 at the edges. WebGPU runs float16
 * in shaders only where the device has `shader-f16`.
 */
export function buildHalf(): Uint8Array {
  return encodeModel({
    name: 'half',
    inputs: [{ name: 'x', type: 'float32', dims: ['batch', 8] }],
    outputs: [{ name: 'y', type: 'float32', dims: ['batch', 8] }],
    nodes: [
      { op: 'Cast', inputs: ['x'], outputs: ['h'], attrs: { to: 10 } },
      { op: 'Mul', inputs: ['h', 'h'], outputs: ['hh'] },
      { op: 'Cast', inputs: ['hh'], outputs: ['y'], attrs: { to: 1 } },
    ],
  });
}

/** A graph from x[batch, 4] to y[batch, 4] of `type`, through `nodes`. */
const rowsOfFour = (name: string, type: ElemType, nodes: GraphSpec['nodes'], opsets?: GraphSpec['opsets']): Uint8Array =>
  encodeModel({
    name,
    inputs: [{ name: 'x', type, dims: ['batch', 4] }],
    outputs: [{ name: 'y', type, dims: ['batch', 4] }],
    nodes,
    ...(opsets ? { opsets } : {}),
  });

/** y = x + x in float64: onnxruntime runs double on the CPU, and the native WebGPU build has fewer CPU kernels. */
export const buildDouble = () => rowsOfFour('double', 'float64', [{ op: 'Add', inputs: ['x', 'x'], outputs: ['y'] }]);

/** y = float32(int16(x)): a round trip through int16, a type the native WebGPU build leaves out. */
export const buildInt16 = () =>
  rowsOfFour('int16', 'float32', [
    { op: 'Cast', inputs: ['x'], outputs: ['i'], attrs: { to: 5 } },
    { op: 'Cast', inputs: ['i'], outputs: ['y'], attrs: { to: 1 } },
  ]);

/** y = x > 0 ? 1 : 0 by ai.onnx.ml's Binarizer: the classic-ML operator set, which the native WebGPU build leaves out. */
export const buildBinarizer = () =>
  rowsOfFour('binarizer', 'float32', [{ op: 'Binarizer', domain: 'ai.onnx.ml', inputs: ['x'], outputs: ['y'], attrs: { threshold: { float: 0 } } }], {
    'ai.onnx.ml': 3,
  });

/**
 * y = table[i]: for each index, one row of a rows × width table of seeded values, so that the model is as large as
 * the memory tests need (4 × rows × width bytes of weights) while a run costs next to nothing. Stacks along `batch`;
 * y[r] is row i[r] of `table`, exactly.
 */
export function buildTable(rows: number, width: number): { model: Uint8Array; table: Float32Array } {
  const table = seededFloats(rows * width, 5);
  const model = encodeModel({
    name: 'table',
    inputs: [{ name: 'i', type: 'int64', dims: ['batch'] }],
    outputs: [{ name: 'y', type: 'float32', dims: ['batch', width] }],
    initializers: [{ name: 'table', dims: [rows, width], data: table }],
    nodes: [{ op: 'Gather', inputs: ['table', 'i'], outputs: ['y'], attrs: { axis: 0 } }],
  });
  return { model, table };
}

/**
 * y = x for four picture inputs, one of each layout and dtype a picture converts to, each with a width and height of
 * its own (dynamic), all stacking along `batch`: the conversions come back as they were made, to compare with the
 * reference (test/image-reference.ts).
 */
export const PICTURE_INPUTS = [
  { name: 'nchw', type: 'float32', dims: ['batch', 3, 'h1', 'w1'] },
  { name: 'nhwc', type: 'float32', dims: ['batch', 'h2', 'w2', 3] },
  { name: 'half', type: 'float16', dims: ['batch', 3, 'h3', 'w3'] },
  { name: 'bytes', type: 'uint8', dims: ['batch', 'h4', 'w4', 3] },
] as const;

export function buildPictures(inputs: readonly (typeof PICTURE_INPUTS)[number][] = PICTURE_INPUTS): Uint8Array {
  return encodeModel({
    name: 'pictures',
    inputs: inputs.map(({ name, type, dims }) => ({ name, type, dims })),
    outputs: inputs.map(({ name, type, dims }) => ({ name: `out_${name}`, type, dims })),
    nodes: inputs.map(({ name }) => ({ op: 'Identity', inputs: [name], outputs: [`out_${name}`] })),
  });
}

/**
 * pictures.onnx without its float16 input: for WebGPU devices without `shader-f16` (SwiftShader), where tensorlane
 * builds no model that takes or computes float16 (README, "WebGPU engines").
 */
export const buildPicturesNoHalf = () => buildPictures(PICTURE_INPUTS.filter(({ type }) => type !== 'float16'));

/** mean[n, c] = the mean of channel c of image n, [batch,3,16,16]: a picture model that costs next to nothing to run. */
export function buildChannelMeans(): Uint8Array {
  return encodeModel({
    name: 'channel-means',
    inputs: [{ name: 'image', type: 'float32', dims: ['batch', 3, 16, 16] }],
    outputs: [{ name: 'mean', type: 'float32', dims: ['batch', 3, 1, 1] }],
    nodes: [{ op: 'GlobalAveragePool', inputs: ['image'], outputs: ['mean'] }],
  });
}

/** Every generated test model (and external data file) by file name. */
export const MODELS = {
  'mlp.onnx': buildMlp,
  'convnet.onnx': buildConvNet,
  'fixed.onnx': buildFixedBatch,
  'unnamed.onnx': buildUnnamedDim,
  'dtypes.onnx': buildDtypes,
  'broadcast.onnx': buildBroadcast,
  'lookup.onnx': buildLookup,
  'even-rows.onnx': buildEvenRows,
  'identity.onnx': buildIdentity,
  'unsupported.onnx': buildUnsupported,
  'lstm.onnx': buildLstm,
  'half.onnx': buildHalf,
  'double.onnx': buildDouble,
  'int16.onnx': buildInt16,
  'binarizer.onnx': buildBinarizer,
  'pictures.onnx': () => buildPictures(),
  'pictures-no-half.onnx': buildPicturesNoHalf,
  'channel-means.onnx': buildChannelMeans,
  'mlp-external.onnx': () => buildMlpExternal().model,
  [MLP_EXTERNAL_DATA]: () => buildMlpExternal().data,
} as const satisfies Record<string, () => Uint8Array>;
