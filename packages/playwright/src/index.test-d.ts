// Pins the public types of @tensorlane/playwright: a change here is a change to the contract users' tests rely on.
import type { Page } from '@playwright/test';
import type { Feeds, Tensor } from 'tensorlane';
import { describe, expectTypeOf, it } from 'vitest';
import {
  compareTensors, expect, fakeCamera, runModel, test, toY4m, webgpu, type FakeCameraOptions, type RgbaFrame, type AdapterChoice, type GpuReport, type ModelRun, type RunModelOptions,
  type TensorComparison, type TensorLike, type Tolerance, type WebGpuPolicy, type WebGpuUse,
} from './index.js';

describe('@tensorlane/playwright public API', () => {
  it('should take an adapter choice and give a use block with its policy', () => {
    expectTypeOf<AdapterChoice>().toEqualTypeOf<'hardware' | 'software' | 'any'>();
    expectTypeOf<WebGpuPolicy>().toEqualTypeOf<'require-hardware' | 'allow-software' | 'skip'>();
    expectTypeOf(webgpu).returns.toEqualTypeOf<WebGpuUse>();
    expectTypeOf<WebGpuUse['webgpuPolicy']>().toEqualTypeOf<WebGpuPolicy>();
  });

  it('should give the fake camera flags and write Y4M videos', () => {
    expectTypeOf(fakeCamera).toEqualTypeOf<(options?: FakeCameraOptions) => string[]>();
    expectTypeOf<keyof FakeCameraOptions>().toEqualTypeOf<'video'>();
    expectTypeOf(toY4m).toEqualTypeOf<(frames: readonly RgbaFrame[], options?: { readonly fps?: number }) => Uint8Array>();
    expectTypeOf<RgbaFrame>().toEqualTypeOf<{ readonly width: number; readonly height: number; readonly data: Uint8Array | Uint8ClampedArray }>();
  });

  it('should give tests the gpu report, the model page and the policy option', () => {
    test('types', async ({ gpu, modelPage, webgpuPolicy, modelServer }) => {
      expectTypeOf(gpu).toEqualTypeOf<GpuReport>();
      expectTypeOf(modelPage).toEqualTypeOf<Page>();
      expectTypeOf(webgpuPolicy).toEqualTypeOf<WebGpuPolicy | undefined>();
      expectTypeOf(modelServer.url).toEqualTypeOf<string>();
    });
  });

  it('should run a model in a page and return tensors with the session facts', () => {
    expectTypeOf(runModel).parameters.toEqualTypeOf<[Page, RunModelOptions]>();
    expectTypeOf(runModel).returns.resolves.toEqualTypeOf<ModelRun>();
    expectTypeOf<RunModelOptions['inputs']>().toEqualTypeOf<Feeds>();
    expectTypeOf<ModelRun['outputs']>().toEqualTypeOf<Readonly<Record<string, Tensor>>>();
    expectTypeOf<keyof ModelRun>().toEqualTypeOf<'outputs' | 'backend' | 'fallback' | 'adapter' | 'stats' | 'warnings' | 'metadata'>();
  });

  it('should add the tensor matchers to expect', () => {
    expectTypeOf<keyof Tolerance>().toEqualTypeOf<'atol' | 'rtol' | 'equalNaN'>();
    expectTypeOf(compareTensors).returns.toEqualTypeOf<TensorComparison>();
    expectTypeOf(expect(new Float32Array(1)).toBeCloseToTensor).parameters.toEqualTypeOf<[TensorLike, Tolerance?]>();
    expectTypeOf(expect(new Float32Array(1)).toMatchTensorSnapshot).parameters.toEqualTypeOf<[string, Tolerance?]>();
  });
});
