// @tensorlane/playwright: WebGPU model tests in Chrome with Playwright. Launch presets, the WebGPU gate, tensorlane
// in the page under test, and tensor matchers with golden snapshots.
export { fakeCamera, toY4m } from './camera.js';
export type { FakeCameraOptions, RgbaFrame } from './camera.js';
export { compareTensors } from './compare.js';
export type { Mismatch, Shape, TensorComparison, Tolerance } from './compare.js';
export { test } from './fixtures.js';
export type { TensorlaneFixtures, TensorlaneWorkerFixtures } from './fixtures.js';
export type { GpuReport } from './gpu-report.js';
export { CHROMIUM_ENV, WEBGPU_FLAGS, webgpu } from './launch.js';
export type { AdapterChoice, Platform, WebGpuFlag, WebGpuOptions, WebGpuUse } from './launch.js';
export { expect, tensorMatchers } from './matchers.js';
export type { TensorMatchers } from './matchers.js';
export { startModelServer } from './model-server.js';
export type { ModelServer, ModelServerOptions } from './model-server.js';
export { POLICY_ENV, WEBGPU_POLICIES } from './policy.js';
export type { WebGpuPolicy } from './policy.js';
export type { AdapterProbe, AdapterReport } from './probe.js';
export { runModel } from './run-model.js';
export type { ModelRun, RunModelOptions } from './run-model.js';
export type { TensorLike, TypedArray } from './tensor-like.js';
