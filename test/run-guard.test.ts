// The WebGPU run guard (worker/backend-table.ts) with a stand-in GPU device the test loses. Here, not
// beside the guard: it needs Node's garbage collector, to see what the guard keeps alive.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { Feeds } from '../packages/tensorlane/src/types/tensor.ts';
import { BACKEND_TABLE, type GpuDevice } from '../packages/tensorlane/src/worker/backend-table.ts';
import type { SessionBroken } from '../packages/tensorlane/src/worker/broken.ts';

/** A GPU device that is lost when the test says. */
function deviceToLose() {
  let lose: (info: { reason: string; message: string }) => void = () => undefined;
  const lost = new Promise<{ reason: string; message: string }>((resolve) => (lose = resolve));
  return { device: { lost } as unknown as GpuDevice, lose: (reason: string) => lose({ reason, message: '' }) };
}

const output = (): Feeds => ({ y: { type: 'float32', data: new Float32Array(256), dims: [1, 256] } });

describe.each(['jsep', 'native', 'jspi'] as const)('the WebGPU run guard of %s', (engine) => {
  it('should keep no outputs of runs that are over', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const { device } = deviceToLose();
    const outputs: Array<WeakRef<Feeds>> = [];
    const guarded = BACKEND_TABLE[engine].guard(device, () => undefined);
    const run = () => guarded(async () => {
      const y = output();
      outputs.push(new WeakRef(y));
      return y;
    });
    for (let i = 0; i < 100; i++) await run();
    await new Promise((resolve) => setTimeout(resolve, 0)); // WeakRefs read in a task keep their target until it ends
    gc();
    expect(outputs.filter((ref) => ref.deref() !== undefined)).toHaveLength(0);
  });

  it('should reject the runs in flight, and every later run, with device-lost when the device is lost', async () => {
    const { device, lose } = deviceToLose();
    const broken: SessionBroken[] = [];
    const guarded = BACKEND_TABLE[engine].guard(device, (error) => broken.push(error));
    const run = () => guarded(() => new Promise<Feeds>(() => undefined));
    const fault = { cause: 'device-lost', message: 'the GPU device was lost (destroyed)' };
    const inFlight = [run(), run()];
    lose('destroyed');
    for (const call of inFlight) await expect(call).rejects.toMatchObject({ code: 'RUN_FAILED', fault, blame: false });
    await expect(run()).rejects.toMatchObject({ fault });
    expect(broken.map((error) => error.fault)).toEqual([fault]);
  });
});
