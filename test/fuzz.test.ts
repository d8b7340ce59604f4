// 1,000 seeded malformed calls through the real client and worker host in Node (the same cases run in Chromium in
// e2e/stress.spec.ts): each rejects with a TensorlaneError of its expected code, none hangs or throws synchronously,
// and the session serves the reference outputs afterwards.
import { expect, it } from 'vitest';
import { createSession, isTensorlaneError } from '../packages/tensorlane/src/index.ts';
import { fuzz } from './fuzz.ts';
import { MODELS } from './models/zoo.ts';
import { expectServes, portWorker } from './node-worker.ts';

const worker = portWorker();

it('should reject 1,000 malformed calls each with a TensorlaneError of its expected code, and keep serving', async () => {
  await using session = await createSession({ model: MODELS['mlp.onnx'](), worker });
  // Node has no Worker: createSession's cases get the port worker when they give none, read through a proxy so that
  // their own getters and traps are hit inside createSession, as on a page.
  const withWorker = (options: object) =>
    new Proxy(options, { get: (target, key) => (key === 'worker' && !Reflect.has(target, key) ? worker : Reflect.get(target, key)) });
  const api = { createSession: (options: object) => createSession(withWorker(options) as never), isTensorlaneError };
  const report = await fuzz(session, api, { seed: 20261201, numRuns: 1000 });
  console.log(`[fuzz] ${report.cases} cases, ${report.kinds} kinds: ${JSON.stringify(report.codes)}`);
  expect(report.failures).toEqual([]);
  expect(report.cases).toBe(1000);
  await expectServes(session, 1);
}, 120_000);
