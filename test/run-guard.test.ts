// The WebGPU run guard (worker/backend-table.ts) with a stand-in GPU device the test loses. Here, not
// beside the guard: it needs Node's garbage collector, to see what the guard keeps alive.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it, vi } from 'vitest';
import { TensorlaneError } from '../packages/tensorlane/src/errors.ts';
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
    const { guarded } = BACKEND_TABLE[engine].guard(device, () => undefined);
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
    const { guarded } = BACKEND_TABLE[engine].guard(device, (error) => broken.push(error));
    const run = () => guarded(() => new Promise<Feeds>(() => undefined));
    const fault = { cause: 'device-lost', message: 'the GPU device was lost (destroyed)' };
    const inFlight = [run(), run()];
    lose('destroyed');
    for (const call of inFlight) await expect(call).rejects.toMatchObject({ code: 'RUN_FAILED', fault, blame: false });
    await expect(run()).rejects.toMatchObject({ fault });
    expect(broken.map((error) => error.fault)).toEqual([fault]);
  });

  /** What Chromium rejects a read-back with when the device is lost while it waits. */
  const unmapped = () => new DOMException("Failed to execute 'mapAsync' on 'GPUBuffer': Buffer was unmapped before mapping was resolved.", 'AbortError');

  it('should count a run failed by a cut-short read-back as the device loss that follows it, blaming no request', async () => {
    const { device, lose } = deviceToLose();
    const broken: SessionBroken[] = [];
    const { guarded } = BACKEND_TABLE[engine].guard(device, (error) => broken.push(error));
    const call = guarded(async () => {
      throw new TensorlaneError('RUN_FAILED', 'onnxruntime-web failed to run the model: …', { cause: unmapped() });
    });
    setTimeout(() => lose('destroyed'));
    const fault = { cause: 'device-lost', message: 'the GPU device was lost (destroyed)' };
    await expect(call).rejects.toMatchObject({ code: 'RUN_FAILED', fault, blame: false });
    expect(broken.map((error) => error.fault)).toEqual([fault]);
  });

  it('should explain an unhandled read-back rejection by the device loss that follows it, and nothing else', async () => {
    const { device, lose } = deviceToLose();
    const { explains } = BACKEND_TABLE[engine].guard(device, () => undefined);
    await expect(explains(new Error('injected rejection'))).resolves.toBe(false);
    const symptom = explains(unmapped());
    setTimeout(() => lose('unknown'));
    await expect(symptom).resolves.toBe(true);
    await expect(explains(new Error('anything, once the device is lost'))).resolves.toBe(true);
  });

  it('should fail the run with its own error when no device loss follows a symptom within the grace period', async () => {
    vi.useFakeTimers();
    try {
      const { device } = deviceToLose();
      const own = new TensorlaneError('RUN_FAILED', 'onnxruntime-web failed to run the model: …', { cause: unmapped() });
      const { guarded, explains } = BACKEND_TABLE[engine].guard(device, () => undefined);
      const call = expect(guarded(async () => {
        throw own;
      })).rejects.toBe(own);
      const explained = explains(unmapped());
      await vi.advanceTimersByTimeAsync(2000);
      await call;
      await expect(explained).resolves.toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it('should explain nothing on WASM', async () => {
    const { explains } = BACKEND_TABLE.wasm.guard(undefined, () => undefined);
    await expect(explains(unmapped())).resolves.toBe(false);
  });
});
