// A tensorlane worker with test hooks: the recipe of the README's "Testing faults". Nothing in tensorlane knows of it.
// The page posts `{ fault }` to the Worker:
//   'destroy-device'  destroys every GPU device requested in this worker (GPUAdapter.prototype.requestDevice is
//                     wrapped to keep them), as a driver reset or another tab's `destroy()` would lose it; with
//                     `at`, once, at a moment of the next run: 'submit' (calls reached the worker, no kernel ran),
//                     'kernels' (onnxruntime-web's first compute dispatch), 'read-back' (its first mapAsync of an
//                     output, which the loss then rejects);
//   'throw'           an uncaught error;           'reject'  an unhandled promise rejection;
//   'wedge'           the worker's thread is busy for `ms` milliseconds, as in a run stuck in a long kernel.
// The worker's name (`new Worker(url, { name })`) sets what holds from its start, space-separated:
//   'no-adapter'      navigator.gpu.requestAdapter() resolves null, as after a GPU is gone for good;
//   'crash-on-submit' every call that reaches the worker kills it (an uncaught error), as a model that always crashes;
//   'crash-on-load'   the worker dies (an uncaught error) as soon as the page asks it to load the model.
//   'slow-runs'       every run of the model takes 300 ms longer;   'fail-runs'  every run of the model throws.
// It also counts the frames it receives and closes (frame-counter.ts).
import './frame-counter.ts';
interface DeviceLike {
  destroy(): void;
}
type RequestDevice = (this: unknown, ...args: unknown[]) => Promise<DeviceLike>;

const devices: DeviceLike[] = [];
const flags = new Set(self.name.split(' '));
const Adapter = (globalThis as { GPUAdapter?: { prototype: { requestDevice: RequestDevice } } }).GPUAdapter;
if (Adapter) {
  const requestDevice = Adapter.prototype.requestDevice;
  Adapter.prototype.requestDevice = async function (...args) {
    const device = await requestDevice.apply(this, args);
    devices.push(device);
    return device;
  };
}
if (flags.has('slow-runs') || flags.has('fail-runs')) {
  // Every onnxruntime-web build tensorlane may import, as in slow-backend-worker.ts.
  for (const ort of [await import('onnxruntime-web'), await import('onnxruntime-web/wasm')]) {
    const { prototype } = ort.InferenceSession as unknown as { prototype: { run(...args: unknown[]): Promise<unknown> } };
    const run = prototype.run;
    prototype.run = async function (this: unknown, ...args: unknown[]) {
      if (flags.has('fail-runs')) throw new Error('injected run failure');
      await new Promise((resolve) => setTimeout(resolve, 300));
      return run.apply(this, args);
    };
  }
}
/** Where a device loss waits to strike (see 'destroy-device' with `at`), once. */
let armed: string | undefined;
const destroyDevices = () => devices.forEach((device) => device.destroy());
/** Calls `method` of `proto` as it was, then destroys the devices if the loss is armed at `at`. */
function strikeAt(at: string, proto: Record<string, unknown> | undefined, method: string): void {
  const original = proto?.[method] as ((...args: unknown[]) => unknown) | undefined;
  if (proto === undefined || original === undefined) return;
  proto[method] = function (this: unknown, ...args: unknown[]) {
    const result = original.apply(this, args);
    if (armed === at) {
      armed = undefined;
      destroyDevices();
    }
    return result;
  };
}
const prototypeOf = (name: string) => (globalThis as unknown as Record<string, { prototype: Record<string, unknown> } | undefined>)[name]?.prototype;
strikeAt('kernels', prototypeOf('GPUComputePassEncoder'), 'dispatchWorkgroups');
strikeAt('read-back', prototypeOf('GPUBuffer'), 'mapAsync');
const gpu = (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
if (flags.has('no-adapter') && gpu) gpu.requestAdapter = async () => null;

self.addEventListener('message', (event: MessageEvent) => {
  const data = event.data as { fault?: string; at?: string; ms?: number; tensorlane?: string } | undefined;
  if (data?.fault === 'destroy-device' && data.at !== undefined) armed = data.at;
  else if (data?.fault === 'destroy-device') destroyDevices();
  else if (data?.tensorlane === 'submit' && armed === 'submit') {
    armed = undefined;
    destroyDevices();
  }
  else if (data?.fault === 'throw') setTimeout(() => { throw new Error('injected crash'); });
  else if (data?.fault === 'reject') void Promise.reject(new Error('injected rejection'));
  else if (data?.fault === 'wedge') for (const end = performance.now() + (data.ms ?? 1000); performance.now() < end;);
  else if (data?.tensorlane === 'submit' && flags.has('crash-on-submit')) throw new Error('injected crash on every call');
  else if (flags.has('crash-on-load') && (data as { path?: unknown[] } | undefined)?.path?.[0] === 'load') throw new Error('injected crash while loading');
});

await import('tensorlane/worker');
export {};
