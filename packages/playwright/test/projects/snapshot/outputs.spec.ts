import { expect, test } from '../../../src/index.ts';

// DRIFT moves one logit, as a model or runtime upgrade would.
const drift = Number(process.env['DRIFT'] ?? 0);

test('outputs', () => {
  const outputs = {
    logits: { type: 'float32', data: Float32Array.of(0.25, -1.5, 3, 0.125 + drift), dims: [2, 2] },
    ids: { type: 'int64', data: BigInt64Array.of(1n, 2n ** 60n), dims: [2] },
    half: { type: 'float16', data: Uint16Array.of(0x3c00, 0x3555), dims: [2] },
  };
  expect(outputs).toMatchTensorSnapshot('outputs', { atol: 1e-4 });
});
