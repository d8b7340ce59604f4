// Streams (session.openStream) through the real client and worker host over MessageChannels in Node, onnxruntime-web's
// WASM backend running the decoder of test/models/stateful.ts; every number is checked against its reference stepped in
// plain TypeScript.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, type Session, type Stream, type Tensor } from '../packages/tensorlane/src/index.ts';
import { buildDecoder, decoderReference, DECODER } from './models/stateful.ts';
import { seededRandom } from './models/zoo.ts';
import { portWorker } from './node-worker.ts';

const token = (id: number): Tensor<'int64'> => ({ type: 'int64', data: BigInt64Array.of(BigInt(id)), dims: [1, 1] });
const CARRY = { present_key: 'past_key', present_value: 'past_value' };

/** `count` seeded token sequences of `length`. */
function sequences(count: number, length: number, seed: number): number[][] {
  const next = seededRandom(seed);
  return Array.from({ length: count }, () => Array.from({ length }, () => Math.floor(next() * DECODER.vocab)));
}

function expectLogits(actual: Tensor | undefined, expected: Float32Array): void {
  expect(actual!.dims).toEqual([1, 1, DECODER.vocab]);
  expect(Array.from(actual!.data as Float32Array)).toEqual(Array.from(expected).map((v) => expect.closeTo(v, 5)));
}

describe('streams on the WASM backend in Node', () => {
  let session: Session;
  beforeAll(async () => {
    session = await createSession({ model: buildDecoder(), worker: portWorker(), maxBatchSize: 64 });
  });
  afterAll(() => session.dispose());

  it('should step a decoder 32 times with its key/value cache carried in the worker, equal to the reference', async () => {
    await using stream = session.openStream({ carry: CARRY, dims: { past: 0 } });
    expect(stream.outputs).toEqual(['logits']);
    const reference = decoderReference();
    for (const id of sequences(1, 32, 5)[0]!) {
      const outputs = await stream.step({ input_ids: token(id) });
      expect(Object.keys(outputs)).toEqual(['logits']);
      expectLogits(outputs['logits'], reference.step(id));
    }
    expect(stream.steps).toBe(32);
    const cache = await stream.read('present_key');
    expect(cache.dims).toEqual([1, 32, DECODER.dim]);
    expect(await stream.read('past_value')).toMatchObject({ type: 'float32', dims: [1, 32, DECODER.dim] });
    // Reading copies: the state stays in the worker and steps on.
    expectLogits((await stream.step({ input_ids: token(3) }))['logits'], reference.step(3));
  });

  it('should batch 32 streams stepped together into shared runs, equal to 32 streams stepped alone', async () => {
    const tokens = sequences(32, 8, 9);
    const streams = tokens.map(() => session.openStream({ carry: CARRY, dims: { past: 0 } }));
    const references = tokens.map(() => decoderReference());
    const before = (await session.stats()).streams;
    for (let t = 0; t < 8; t++) {
      const outputs = await Promise.all(streams.map((stream, i) => stream.step({ input_ids: token(tokens[i]![t]!) })));
      outputs.forEach((out, i) => expectLogits(out['logits'], references[i]!.step(tokens[i]![t]!)));
    }
    const after = (await session.stats()).streams;
    expect(after.steps - before.steps).toBe(32 * 8);
    // All 32 first steps share a run (the streams are opened in one task); the rest follow in runs as full.
    expect(after.runs - before.runs).toBeLessThanOrEqual(8 * 2);
    expect(after.rowsRun - before.rowsRun).toBe(32 * 8);
    await Promise.all(streams.map((stream) => stream.close()));
    expect((await session.stats()).streams.open).toBe(before.open);
  });

  it('should fail alone a step that makes a shared run fail, leaving its state as it was, and answer the others', async () => {
    const streams = [0, 1, 2].map(() => session.openStream({ carry: CARRY, dims: { past: 0 } }));
    const references = streams.map(() => decoderReference());
    await Promise.all(streams.map((stream, i) => stream.step({ input_ids: token(i) })));
    references.forEach((reference, i) => reference.step(i));
    // Token 99 is past the vocabulary: Gather fails, the shared run fails, and each step runs again alone.
    const outcomes = await Promise.allSettled(streams.map((stream, i) => stream.step({ input_ids: token(i === 1 ? 99 : 5) })));
    expect(outcomes[1]).toMatchObject({ status: 'rejected', reason: { code: 'RUN_FAILED' } });
    for (const i of [0, 2]) expectLogits((outcomes[i] as PromiseFulfilledResult<Record<string, Tensor>>).value['logits'], references[i]!.step(5));
    expect(streams.map((stream) => stream.steps)).toEqual([2, 1, 2]);
    expect((await streams[1]!.read('past_key')).dims).toEqual([1, 1, DECODER.dim]);
    expectLogits((await streams[1]!.step({ input_ids: token(5) }))['logits'], references[1]!.step(5));
    await Promise.all(streams.map((stream) => stream.close()));
  });

  it('should reject a step past a limit with STATE_LIMIT and keep the state as it was', async () => {
    await using stream = session.openStream({ carry: CARRY, dims: { past: 0 }, limits: { past: 3 } });
    const reference = decoderReference();
    for (const id of [1, 2, 3]) expectLogits((await stream.step({ input_ids: token(id) }))['logits'], reference.step(id));
    await expect(stream.step({ input_ids: token(4) })).rejects.toMatchObject({
      code: 'STATE_LIMIT',
      message: expect.stringMatching(
        /^stream \d+: carried output "present_key" has dims \[1,4,8\]: past=4 at dim 1 is past its limit of 3 \(openStream limits\); the state stays as it was: reset\(\) the stream, or open it with a larger limit$/,
      ),
    });
    expect((await stream.read('past_key')).dims).toEqual([1, 3, DECODER.dim]);
    expect(stream.steps).toBe(3);
    await stream.reset();
    expect(stream.steps).toBe(0);
    const fresh = decoderReference();
    expectLogits((await stream.step({ input_ids: token(7) }))['logits'], fresh.step(7));
  });

  it('should return carried outputs too when asked, and take initial values', async () => {
    const first = decoderReference();
    first.step(3);
    await using primed = session.openStream({ carry: CARRY, dims: { past: 0 }, outputs: ['logits', 'present_key'] });
    const { present_key: key, present_value: value, logits } = await primed.step({ input_ids: token(3) });
    expect(value).toBeUndefined();
    expect(key!.dims).toEqual([1, 1, DECODER.dim]);
    expect(logits!.dims).toEqual([1, 1, DECODER.vocab]);
    // A stream that starts from that cache steps as the first one goes on.
    const valueNow = await primed.read('present_value');
    await using resumed = session.openStream({ carry: CARRY, initial: { past_key: key!, past_value: valueNow } });
    expectLogits((await resumed.step({ input_ids: token(11) }))['logits'], first.step(11));
  });

  it('should drop a step aborted before it ran, leaving the state as it was', async () => {
    await using stream = session.openStream({ carry: CARRY, dims: { past: 0 } });
    const reference = decoderReference();
    const controller = new AbortController();
    const running = stream.step({ input_ids: token(1) });
    const aborted = stream.step({ input_ids: token(2) }, { signal: controller.signal });
    controller.abort(new Error('not now'));
    await expect(aborted).rejects.toMatchObject({ code: 'ABORTED', message: 'step was aborted: not now' });
    expectLogits((await running)['logits'], reference.step(1));
    expectLogits((await stream.step({ input_ids: token(3) }))['logits'], reference.step(3));
    expect(stream.steps).toBe(2);
  });

  it('should say STATE_LOST after a restart until reset, then step from the initial state', async () => {
    const own = await createSession({ model: buildDecoder(), worker: portWorker() });
    const stream = own.openStream({ carry: CARRY, dims: { past: 0 } });
    await stream.step({ input_ids: token(1) });
    await own.restart();
    await expect(stream.step({ input_ids: token(2) })).rejects.toMatchObject({
      code: 'STATE_LOST',
      message: "step: stream 1's state went with a worker that restarted; reset() the stream to start again from its initial values",
    });
    await expect(stream.read('past_key')).rejects.toMatchObject({ code: 'STATE_LOST' });
    await stream.reset();
    expectLogits((await stream.step({ input_ids: token(2) }))['logits'], decoderReference().step(2));
    await own.dispose();
    await expect(stream.step({ input_ids: token(2) })).rejects.toMatchObject({ code: 'DISPOSED' });
  });

  it('should reject calls on a closed stream with DISPOSED', async () => {
    const stream: Stream = session.openStream({ carry: CARRY, dims: { past: 0 } });
    await stream.step({ input_ids: token(1) });
    await stream.close();
    await expect(stream.step({ input_ids: token(1) })).rejects.toMatchObject({ code: 'DISPOSED', message: expect.stringMatching(/^stream \d+ was closed$/) });
    await stream.close();
  });

  it('should name what is wrong in openStream options and step inputs', () => {
    const cases: Array<[Parameters<Session['openStream']>[0], string]> = [
      [{ carry: { nope: 'past_key' } }, `openStream() option "carry" names output "nope", which the model does not have; its outputs are "logits", "present_key", "present_value"`],
      [{ carry: { present_key: 'nope' } }, 'openStream() option "carry.present_key" is "nope", not an input of the model; its inputs are "input_ids", "past_key", "past_value"'],
      [{ carry: { present_key: 'input_ids' } }, 'openStream() option "carry" feeds output "present_key" (float32) into input "input_ids" (int64); their types differ'],
      [{ carry: CARRY }, 'openStream(): carried input "past_key" [batch,past,8] has dim "past" at dim 1 that nothing sizes; pass dims: { past: … } or initial: { past_key: … }'],
      [{ carry: CARRY, dims: { past: 0 }, limits: { seq: 4 } }, 'openStream() option "limits" names dim "seq", which no carried input has; theirs are "batch", "past"'],
      [{ carry: CARRY, dims: { past: 0 }, initial: { past_key: { dims: [1, 2, 9] } } }, 'openStream() option "initial.past_key.dims" is [1,2,9] but input "past_key" is [batch,past,8]'],
      [{ carry: CARRY, dims: { past: 0 }, colour: 'red' } as never, 'openStream() has no option "colour"; its options are "carry", "initial", "dims", "outputs", "limits", "axes"'],
    ];
    for (const [options, message] of cases) expect(() => session.openStream(options)).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS', message }));
  });

  it('should reject step inputs that do not fit with INVALID_INPUT', async () => {
    await using stream = session.openStream({ carry: CARRY, dims: { past: 0 } });
    await expect(stream.step({ input_ids: token(1), past_key: token(1) })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: 'unknown input "past_key"; the model\'s inputs are "input_ids"',
    });
  });
});
