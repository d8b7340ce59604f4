// A tensorlane worker with test hooks: the recipe of the README's "Testing faults". Nothing in tensorlane knows of it.
// The page posts `{ fault }` to the Worker:
//   'destroy-device'  destroys every GPU device requested in this worker (GPUAdapter.prototype.requestDevice is
//                     wrapped to keep them), as a driver reset or another tab's `destroy()` would lose it;
//   'throw'           an uncaught error;           'reject'  an unhandled promise rejection.
// The worker's name (`new Worker(url, { name })`) sets what holds from its start, space-separated:
//   'no-adapter'      navigator.gpu.requestAdapter() resolves null, as after a GPU is gone for good;
//   'crash-on-submit' every call that reaches the worker kills it (an uncaught error), as a model that always crashes;
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
const gpu = (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
if (flags.has('no-adapter') && gpu) gpu.requestAdapter = async () => null;

self.addEventListener('message', (event: MessageEvent) => {
  const data = event.data as { fault?: string; tensorlane?: string } | undefined;
  if (data?.fault === 'destroy-device') for (const device of devices) device.destroy();
  else if (data?.fault === 'throw') setTimeout(() => { throw new Error('injected crash'); });
  else if (data?.fault === 'reject') void Promise.reject(new Error('injected rejection'));
  else if (data?.tensorlane === 'submit' && flags.has('crash-on-submit')) throw new Error('injected crash on every call');
});

await import('tensorlane/worker');
export {};
