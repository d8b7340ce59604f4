// Seeded fuzzing of the calls a page makes, shared by Node (test/fuzz.test.ts) and Chromium (e2e/stress.spec.ts): each
// case is one malformed `predict`, `predictBatch` or `createSession` (exactly one flaw on a valid call, so the code it
// must reject with is known), built fresh on every run, since proxies, revocations and detached buffers are stateful.
// A case passes when the call returns a promise (never throws synchronously) that settles within CASE_TIMEOUT_MS
// with a TensorlaneError of the expected code (never a plain Error). Cases marked `mayResolve` are odd but valid.
import fc from 'fast-check';
import type { ErrorCode, Session, SessionOptions, Tensor } from '../packages/tensorlane/src/index.ts';

interface Case {
  /** What the flaw is, e.g. `dims: NaN`. */
  readonly kind: string;
  readonly code: ErrorCode;
  /** Valid after all (a shared buffer, frozen objects): may resolve instead. */
  readonly mayResolve?: boolean;
  call(session: Session, tensorlane: Api): Promise<unknown>;
}

/** What the cases need from the package: the page's one, in Chromium. */
export interface Api {
  createSession(options: SessionOptions): Promise<Session>;
  isTensorlaneError(value: unknown): value is { code: ErrorCode; message: string };
}

export interface FuzzReport {
  readonly cases: number;
  readonly codes: Partial<Record<ErrorCode | 'resolved', number>>;
  readonly kinds: number;
  /** The first failures: what was called, and what happened instead. */
  readonly failures: readonly string[];
}

const CASE_TIMEOUT_MS = 10_000;
const WIDTH = 256; // the MLP: x float32 [batch, 256]

const row = (rows = 1): Tensor<'float32'> => ({ type: 'float32', data: new Float32Array(rows * WIDTH).fill(0.5), dims: [rows, WIDTH] });

function thrower(what: string): () => never {
  return () => {
    throw new Error(`fuzz: ${what} throws`);
  };
}

/** An object whose every trap throws, or a revoked proxy. */
function hostile(target: object, how: 'traps' | 'revoked'): object {
  if (how === 'revoked') {
    const { proxy, revoke } = Proxy.revocable(target, {});
    revoke();
    return proxy;
  }
  const trap = thrower('a proxy trap');
  return new Proxy(target, { get: trap, has: trap, ownKeys: trap, getOwnPropertyDescriptor: trap, getPrototypeOf: trap });
}

function detachedRow(): Tensor<'float32'> {
  const t = row();
  structuredClone(t.data.buffer, { transfer: [t.data.buffer as ArrayBuffer] });
  return t;
}

/** Values that are not what a slot expects. */
const junk = fc.oneof(
  fc.constantFrom<unknown>(null, undefined, 0, -1, NaN, Infinity, '', 'x', true, [], {}, 2 ** 53, -(2 ** 53), 1.5, Symbol('s'), 10n),
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.double(),
);
const badDim = fc.oneof(
  fc.constantFrom<unknown>(-1, NaN, Infinity, -Infinity, 2 ** 53, 2 ** 60, 1.5, '1', null, undefined, 10n, [1], {}),
  fc.integer({ min: -1000, max: -1 }),
  fc.double({ noInteger: true }),
);
const badName = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', '', 'X', 'x '), fc.string({ minLength: 1, maxLength: 6 }).filter((s) => s !== 'x'));
const wrongArray = fc.constantFrom(
  () => new Float64Array(WIDTH), () => new Int32Array(WIDTH), () => new Uint8Array(WIDTH), () => new BigInt64Array(WIDTH),
  () => Array.from({ length: WIDTH }, () => 0), () => new DataView(new ArrayBuffer(WIDTH * 4)), () => new ArrayBuffer(WIDTH * 4),
  () => new Float32Array(WIDTH - 1), () => new Float32Array(WIDTH + 1), () => 'data', () => ({ length: WIDTH }),
);

/**
 * Arrays that lie about what they are (a tag, a Proxy, a subclass's getters, a DataView dressed up), each wrong in
 * truth for a float32 [1, 256] input: every check must read what the array is, not what it says.
 */
const forgedArray = fc.constantFrom<[string, () => unknown]>(
  ['Int32Array tagged Float32Array', () => Object.defineProperty(new Int32Array(WIDTH), Symbol.toStringTag, { value: 'Float32Array' })],
  ['Int32Array with the Float32Array prototype', () => Object.setPrototypeOf(new Int32Array(WIDTH), Float32Array.prototype)],
  ['Proxy of a Float32Array', () => new Proxy(new Float32Array(WIDTH), {})],
  ['Float32Array(1) whose length says 256', () => new (class extends Float32Array { override get length() { return WIDTH; } })(1)],
  ['Float32Array(1) whose byteLength and length say 256', () => Object.defineProperties(new Float32Array(1), { length: { value: WIDTH }, byteLength: { value: WIDTH * 4 } })],
  ['detached Float32Array whose buffer getter gives a live one', () => {
    const buffer = new ArrayBuffer(WIDTH * 4);
    const data = new (class extends Float32Array { override get buffer() { return new ArrayBuffer(WIDTH * 4); } })(buffer);
    structuredClone(buffer, { transfer: [buffer] });
    return data;
  }],
  ['DataView tagged Float32Array with a length', () => Object.defineProperties(new DataView(new ArrayBuffer(WIDTH * 4)), { [Symbol.toStringTag]: { value: 'Float32Array' }, length: { value: WIDTH } })],
  ['plain object shaped like a Float32Array', () => ({ [Symbol.toStringTag]: 'Float32Array', length: WIDTH, buffer: new ArrayBuffer(WIDTH * 4), byteOffset: 0, byteLength: WIDTH * 4, BYTES_PER_ELEMENT: 4 })],
);

const predict = (kind: string, code: ErrorCode, feeds: () => unknown, options?: () => unknown, mayResolve = false): Case => ({
  kind, code, mayResolve,
  call: (session) => session.predict(feeds() as never, options?.() as never),
});

/** One malformed `predict` feeds. */
const feedsCases: fc.Arbitrary<Case> = fc.oneof(
  junk.map((v) => predict('feeds: not an object', 'INVALID_INPUT', () => v)),
  badName.map((name) => predict(`feeds: unknown name ${JSON.stringify(name)}`, 'INVALID_INPUT', () => {
    const feeds: Record<string, unknown> = { x: row() };
    Object.defineProperty(feeds, name, { value: row(), enumerable: true });
    return feeds;
  })),
  fc.constant(predict('feeds: missing input', 'INVALID_INPUT', () => ({}))),
  fc.constantFrom<'traps' | 'revoked'>('traps', 'revoked').map((how) => predict(`feeds: ${how} proxy`, 'INVALID_INPUT', () => hostile({ x: row() }, how))),
  fc.constant(predict('feeds: throwing getter', 'INVALID_INPUT', () => Object.defineProperty({}, 'x', { get: thrower('feeds.x'), enumerable: true }))),
  junk.map((v) => predict('tensor: not an object', 'INVALID_INPUT', () => ({ x: v }))),
  fc.constantFrom<'traps' | 'revoked'>('traps', 'revoked').map((how) => predict(`tensor: ${how} proxy`, 'INVALID_INPUT', () => ({ x: hostile(row(), how) }))),
  fc.constantFrom('type', 'data', 'dims').map((key) => predict(`tensor: ${key} getter throws`, 'INVALID_INPUT', () => {
    const t: Record<string, unknown> = { ...row() };
    return { x: Object.defineProperty(t, key, { get: thrower(`tensor.${key}`), enumerable: true }) };
  })),
  fc.oneof(junk, fc.constantFrom('float64', 'int32', 'Float32', 'float', 'string', 'bool')).map((type) => predict(`tensor: type ${String(type)}`, 'INVALID_INPUT', () => ({ x: { ...row(), type } }))),
  wrongArray.map((make) => predict(`tensor: data ${Object.prototype.toString.call(make()).slice(8, -1)}`, 'INVALID_INPUT', () => ({ x: { ...row(), data: make() } }))),
  fc.tuple(badDim, fc.nat(1)).map(([dim, axis]) => predict(`dims: ${String(dim)} at ${axis}`, 'INVALID_INPUT', () => {
    const dims: unknown[] = [1, WIDTH];
    dims[axis] = dim;
    return { x: { ...row(), dims } };
  })),
  fc.array(fc.integer({ min: 1, max: 2 ** 31 }), { minLength: 0, maxLength: 5 }).filter((d) => d.length !== 2).map((dims) => predict(`dims: rank ${dims.length}`, 'INVALID_INPUT', () => ({ x: { ...row(), dims } }))),
  fc.integer({ min: 2, max: 2 ** 40 }).map((n) => predict(`dims: ${n} rows for 1 row of data`, 'INVALID_INPUT', () => ({ x: { ...row(), dims: [n, WIDTH] } }))),
  fc.constantFrom<[string, () => unknown]>(
    ['array-like', () => ({ length: 2, 0: 1, 1: WIDTH })], ['string', () => 'dims'], ['Int32Array', () => new Int32Array([1, WIDTH])],
    ['revoked proxy', () => hostile([1, WIDTH], 'revoked')], ['proxy whose traps throw', () => hostile([1, WIDTH], 'traps')],
    ['throwing element getter', () => Object.defineProperty([1, WIDTH], 0, { get: thrower('dims[0]') })],
    // eslint-disable-next-line no-sparse-arrays
    ['sparse array', () => [, WIDTH]],
  ).map(([label, make]) => predict(`dims: ${label}`, 'INVALID_INPUT', () => ({ x: { ...row(), dims: make() } }))),
  forgedArray.map(([label, make]) => predict(`forged data: ${label}`, 'INVALID_INPUT', () => ({ x: { ...row(), data: make() } }))),
  fc.constant(predict('forged dims: [5,256] whose iterator says [1,256]', 'INVALID_INPUT', () => ({
    x: { ...row(), dims: Object.defineProperty([5, WIDTH], Symbol.iterator, { value: function* () { yield 1; yield WIDTH; } }) },
  }))),
  fc.constant(predict('forged buffer: an ArrayBuffer with the SharedArrayBuffer prototype', 'INVALID_INPUT', () => {
    const Shared = (globalThis as { SharedArrayBuffer?: typeof SharedArrayBuffer }).SharedArrayBuffer;
    const t = row();
    if (Shared) Object.setPrototypeOf(t.data.buffer, Shared.prototype);
    return { x: t };
  }, undefined, true)),
  fc.constant(predict('data: detached buffer', 'INVALID_INPUT', () => ({ x: detachedRow() }))),
  // A Float32Array of 256 in truth: its length is read from its slot, so the throwing getter is never called.
  fc.constant(predict('data: typed array whose length getter throws', 'INVALID_INPUT', () => {
    const data = new Float32Array(WIDTH);
    Object.defineProperty(data, 'length', { get: thrower('data.length') });
    return { x: { ...row(), data } };
  }, undefined, true)),
  fc.constant(predict('data: shared buffer', 'INVALID_INPUT', () => {
    const Shared = (globalThis as { SharedArrayBuffer?: typeof SharedArrayBuffer }).SharedArrayBuffer;
    return { x: { ...row(), data: Shared ? new Float32Array(new Shared(WIDTH * 4)) : new Float32Array(WIDTH) } };
  }, undefined, true)),
  fc.constant(predict('frozen feeds, tensor and dims', 'INVALID_INPUT', () => Object.freeze({ x: Object.freeze({ ...row(), dims: Object.freeze([1, WIDTH]) }) }), undefined, true)),
);

/** One malformed option of `predict` (the feeds are fine). */
const optionCases: fc.Arbitrary<Case> = fc.oneof(
  fc.oneof(junk.filter((v) => v !== undefined && (typeof v !== 'object' || v === null || Array.isArray(v))), fc.constant<unknown>(() => 1)).map((v) => predict('options: not an object', 'INVALID_OPTIONS', row1, () => v)),
  badName.filter((k) => !['signal', 'timeoutMs', 'copy'].includes(k)).map((key) => predict(`options: unknown key ${JSON.stringify(key)}`, 'INVALID_OPTIONS', row1, () => Object.defineProperty({}, key, { value: 1, enumerable: true }))),
  fc.tuple(fc.constantFrom('signal', 'timeoutMs', 'copy'), junk).filter(([key, v]) => v !== undefined && !(key === 'timeoutMs' && typeof v === 'number' && v >= 0) && !(key === 'copy' && typeof v === 'boolean'))
    .map(([key, v]) => predict(`options: ${key} ${String(v)}`, 'INVALID_OPTIONS', row1, () => ({ [key]: v }))),
  fc.constantFrom<'traps' | 'revoked'>('traps', 'revoked').map((how) => predict(`options: ${how} proxy`, 'INVALID_OPTIONS', row1, () => hostile({}, how))),
  fc.constantFrom('signal', 'timeoutMs', 'copy').map((key) => predict(`options: ${key} getter throws`, 'INVALID_OPTIONS', row1, () => Object.defineProperty({}, key, { get: thrower(`options.${key}`), enumerable: true }))),
);
function row1() {
  return { x: row() };
}

/** One malformed `predictBatch`. */
const batchCases: fc.Arbitrary<Case> = fc.oneof(
  junk.filter((v) => !Array.isArray(v)).map((v): Case => ({ kind: 'items: not an array', code: 'INVALID_INPUT', call: (s) => s.predictBatch(v as never) })),
  fc.tuple(fc.nat(3), junk).map(([at, v]): Case => ({
    kind: 'items: one item not feeds', code: 'INVALID_INPUT',
    call: (s) => s.predictBatch([row1(), row1(), row1(), row1()].map((item, i) => (i === at ? v : item)) as never),
  })),
  fc.constantFrom<'traps' | 'revoked'>('traps', 'revoked').map((how): Case => ({
    kind: `items: ${how} proxy`, code: 'INVALID_INPUT', call: (s) => s.predictBatch(hostile([row1()], how) as never),
  })),
);

/** One malformed `createSession` option: rejected on the page, before any worker starts. */
const sessionCases: fc.Arbitrary<Case> = fc.oneof(
  fc.tuple(fc.constantFrom('backend', 'batching', 'maxBatchSize', 'maxQueueSize', 'restart', 'maxRestarts', 'integrity', 'cache', 'warmup', 'worker', 'signal'), junk)
    .filter(([key, v]) => v !== undefined && !(typeof v === 'number' && v >= 1 && Number.isSafeInteger(v) && key.startsWith('max')) && !(typeof v === 'boolean' && (key === 'cache' || key === 'warmup')) && !(key === 'maxRestarts' && v === 0))
    .map(([key, v]): Case => ({ kind: `createSession: ${key} ${String(v)}`, code: 'INVALID_OPTIONS', call: (_, api) => api.createSession({ model: 'models/mlp.onnx', [key]: v } as never) })),
  fc.constantFrom<'traps' | 'revoked'>('traps', 'revoked').map((how): Case => ({
    kind: `createSession: ${how} proxy`, code: 'INVALID_OPTIONS', call: (_, api) => api.createSession(hostile({ model: 'models/mlp.onnx' }, how) as never),
  })),
  fc.constantFrom('model', 'backend', 'worker').map((key): Case => ({
    kind: `createSession: ${key} getter throws`, code: 'INVALID_OPTIONS',
    call: (_, api) => api.createSession(Object.defineProperty({ model: 'models/mlp.onnx' }, key, { get: thrower(key), enumerable: true }) as never),
  })),
);

/** Every kind of case, in the proportions a run draws them. */
export const cases: fc.Arbitrary<Case> = fc.oneof(
  { arbitrary: feedsCases, weight: 6 },
  { arbitrary: optionCases, weight: 2 },
  { arbitrary: batchCases, weight: 1 },
  { arbitrary: sessionCases, weight: 1 },
);

/** What one case did: `resolved`, the code it rejected with, or why it failed. */
async function runCase(c: Case, session: Session, api: Api): Promise<{ outcome: string; failure?: string }> {
  let promise: Promise<unknown>;
  try {
    promise = c.call(session, api);
  } catch (error) {
    return { outcome: 'sync', failure: `${c.kind}: threw synchronously: ${String(error)}` };
  }
  if (!(promise instanceof Promise)) return { outcome: 'sync', failure: `${c.kind}: returned ${String(promise)}, not a promise` };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<'hang'>((resolve) => (timer = setTimeout(() => resolve('hang'), CASE_TIMEOUT_MS)));
  const settled = await Promise.race([promise.then((value) => ({ value }), (error: unknown) => ({ error })), hang]);
  clearTimeout(timer);
  if (settled === 'hang') return { outcome: 'hang', failure: `${c.kind}: did not settle within ${CASE_TIMEOUT_MS} ms` };
  if ('value' in settled) {
    if ((settled.value as Session | undefined)?.dispose) await (settled.value as Session).dispose();
    return c.mayResolve ? { outcome: 'resolved' } : { outcome: 'resolved', failure: `${c.kind}: resolved` };
  }
  const { error } = settled;
  if (!api.isTensorlaneError(error)) return { outcome: 'plain', failure: `${c.kind}: rejected with a plain ${String(error)}` };
  if (error.code !== c.code) return { outcome: error.code, failure: `${c.kind}: rejected with ${error.code} (${error.message}), expected ${c.code}` };
  return { outcome: error.code };
}

/** Runs `numRuns` seeded cases against `session` (the MLP), in order; the session must serve throughout. */
export async function fuzz(session: Session, api: Api, { seed, numRuns }: { seed: number; numRuns: number }): Promise<FuzzReport> {
  const codes: Record<string, number> = {};
  const kinds = new Set<string>();
  const failures: string[] = [];
  let count = 0;
  await fc.assert(
    fc.asyncProperty(cases, async (c) => {
      const { outcome, failure } = await runCase(c, session, api);
      count++;
      kinds.add(c.kind.replace(/ .*$/, ''));
      codes[outcome] = (codes[outcome] ?? 0) + 1;
      if (failure !== undefined && failures.length < 10) failures.push(failure);
    }),
    { seed, numRuns, endOnFailure: true },
  );
  return { cases: count, codes, kinds: kinds.size, failures };
}
