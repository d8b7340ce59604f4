// A tensorlane worker in which every run of one engine takes 100 ms longer, the engine named by the worker's name
// (`slow:jsep`, `slow:native`, `slow:jspi` or `slow:wasm`): it proves that backend: 'fastest' measures rather than
// assumes. The delay is a timer, not work, so the other engines' runs are not slowed down.
import type * as Ort from 'onnxruntime-web';
import { importOrtBuild } from './ort-builds.ts';

const engine = (globalThis as { name?: string }).name?.replace(/^slow:/, '');
// The same modules tensorlane's worker imports for each engine (see the backend table).
const ort = await importOrtBuild(engine);
// Every session onnxruntime-web creates is an instance of the class it exports as InferenceSession.
const { prototype } = ort.InferenceSession as unknown as { prototype: Ort.InferenceSession };
const run = prototype.run;
prototype.run = async function (this: Ort.InferenceSession, ...args: unknown[]) {
  await new Promise((resolve) => setTimeout(resolve, 100));
  return (run as (...a: unknown[]) => ReturnType<typeof run>).apply(this, args);
} as typeof run;
await import('tensorlane/worker');
export {};
