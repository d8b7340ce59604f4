// 1,000 seeded malformed calls through the real client and worker host in Node (the same cases run in Chromium in
// e2e/stress.spec.ts): each rejects with a TensorlaneError of its expected code, none hangs or throws synchronously,
// and the session serves the reference outputs afterwards.
import { expect, it } from 'vitest';
import { createSession, isTensorlaneError } from '../packages/tensorlane/src/index.ts';
import { serve } from '../packages/tensorlane/src/worker/host.ts';
import { fuzz } from './fuzz.ts';
import { MODELS, mlpReference, seededFloats } from './models/zoo.ts';

const portWorker = () => {
  const { port1, port2 } = new MessageChannel();
  serve(port2);
  return port1 as unknown as Worker;
};

it('should reject 1,000 malformed calls each with a TensorlaneError of its expected code, and keep serving', async () => {
  await using session = await createSession({ model: MODELS['mlp.onnx'](), worker: portWorker });
  // Node has no Worker: createSession's cases get the port worker when they give none, read through a proxy so that
  // their own getters and traps are hit inside createSession, as on a page.
  const withWorker = (options: object) =>
    new Proxy(options, { get: (target, key) => (key === 'worker' && !Reflect.has(target, key) ? portWorker : Reflect.get(target, key)) });
  const api = { createSession: (options: object) => createSession(withWorker(options) as never), isTensorlaneError };
  const report = await fuzz(session, api, { seed: 20261201, numRuns: 1000 });
  console.log(`[fuzz] ${report.cases} cases, ${report.kinds} kinds: ${JSON.stringify(report.codes)}`);
  expect(report.failures).toEqual([]);
  expect(report.cases).toBe(1000);
  const x = seededFloats(256, 1);
  const { y } = await session.predict({ x: { type: 'float32', data: x.slice(), dims: [1, 256] } });
  expect(Array.from(y!.data as Float32Array)).toEqual(Array.from(mlpReference(x)).map((v) => expect.closeTo(v, 5)));
}, 120_000);
