// Pins the public types: a change here is a change to the contract other code relies on.
import { describe, expectTypeOf, it } from 'vitest';
import {
  createSession,
  deleteBackendChoices,
  deleteCachedModels,
  listBackendChoices,
  listCachedModels,
  isTensorlaneError,
  TensorlaneError,
  type Backend,
  type BackendOption,
  type BackendChoice,
  type BackendChoiceKey,
  type BackendSelection,
  type CalibrationOptions,
  type ModelVariant,
  type CachedModel,
  type ErrorCode,
  type LoadProgress,
  type WarmupInfo,
  type Outputs,
  type Session,
  type SessionOptions,
  type SessionStats,
  type Tensor,
} from './index.js';

describe('public API', () => {
  it('should take the documented options and return a Session', () => {
    expectTypeOf(createSession).parameter(0).toEqualTypeOf<SessionOptions>();
    expectTypeOf(createSession).returns.resolves.toEqualTypeOf<Session>();
    expectTypeOf<SessionOptions['model']>().toEqualTypeOf<string | URL | ArrayBuffer | Uint8Array | readonly ModelVariant[]>();
    expectTypeOf<SessionOptions['backend']>().toEqualTypeOf<'auto' | 'fastest' | 'webgpu' | 'wasm' | undefined>();
    expectTypeOf<BackendOption>().toEqualTypeOf<'auto' | 'fastest' | 'webgpu' | 'wasm'>();
    expectTypeOf<Session['backend']>().toEqualTypeOf<Backend>();
    expectTypeOf<Backend>().toEqualTypeOf<'webgpu' | 'wasm'>();
  });

  it('should type the loading options and what loading reports', () => {
    expectTypeOf<SessionOptions['onProgress']>().toEqualTypeOf<((progress: LoadProgress) => void) | undefined>();
    expectTypeOf<LoadProgress['phase']>().toEqualTypeOf<'download' | 'cache' | 'compile' | 'calibrate' | 'warmup'>();
    expectTypeOf<SessionOptions['integrity']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<SessionOptions['cache']>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<SessionStats['warmup']>().toEqualTypeOf<WarmupInfo | undefined>();
    expectTypeOf<WarmupInfo>().toEqualTypeOf<{ readonly batchSizes: readonly number[]; readonly ms: number }>();
    expectTypeOf<Session['warnings']>().toEqualTypeOf<readonly string[]>();
    expectTypeOf(listCachedModels).returns.resolves.toEqualTypeOf<CachedModel[]>();
    expectTypeOf(deleteCachedModels).parameter(0).toEqualTypeOf<string | URL | undefined>();
  });

  it('should type backend choice: the options, what a session reports, and the stored choices', () => {
    expectTypeOf<SessionOptions['calibration']>().toEqualTypeOf<CalibrationOptions | undefined>();
    expectTypeOf<CalibrationOptions>().toEqualTypeOf<{ budgetMs?: number; runs?: number; remember?: boolean }>();
    expectTypeOf<ModelVariant>().toEqualTypeOf<{ url: string | URL; requires?: readonly string[]; integrity?: string }>();
    expectTypeOf<BackendSelection['chosen']>().toEqualTypeOf<Backend>();
    expectTypeOf<BackendSelection['fromCache']>().toEqualTypeOf<boolean>();
    expectTypeOf(listBackendChoices).returns.resolves.toEqualTypeOf<BackendChoice[]>();
    expectTypeOf(deleteBackendChoices).parameter(0).toEqualTypeOf<string | undefined>();
    expectTypeOf(deleteBackendChoices).returns.resolves.toEqualTypeOf<number>();
    expectTypeOf<keyof BackendChoice>().toEqualTypeOf<
      | 'model' | 'adapter' | 'browser' | 'batchSizes' | 'threads' | 'webgpuEngine' | 'tensorlane' | 'onnxruntime' | 'chosen' | 'engine'
      | 'reason' | 'timings' | 'engineTimings' | 'storedAt'
    >();
    expectTypeOf<BackendChoice>().toExtend<BackendChoiceKey>();
  });

  it('should map dtypes to their typed arrays', () => {
    expectTypeOf<Tensor<'float32'>['data']>().toEqualTypeOf<Float32Array>();
    expectTypeOf<Tensor<'int64'>['data']>().toEqualTypeOf<BigInt64Array>();
    expectTypeOf<Tensor<'bool'>['data']>().toEqualTypeOf<Uint8Array>();
    expectTypeOf<Tensor<'float16'>['data']>().toEqualTypeOf<Uint16Array | Float16Array>();
    expectTypeOf<Session['predict']>().returns.resolves.toEqualTypeOf<Outputs>();
    expectTypeOf<Session['predictBatch']>().returns.resolves.toEqualTypeOf<Outputs[]>();
  });

  it('should take the scheduler options and report stats', () => {
    expectTypeOf<SessionOptions['maxBatchSize']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<SessionOptions['maxQueueDelayMs']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<SessionOptions['maxQueueSize']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<SessionOptions['busyWaitMs']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<Parameters<Session['predict']>[1]>().toEqualTypeOf<
      { signal?: AbortSignal; timeoutMs?: number; copy?: boolean } | undefined
    >();
    expectTypeOf<Session['stats']>().returns.resolves.toEqualTypeOf<SessionStats>();
    expectTypeOf<SessionStats['queueWaitMs']>().toEqualTypeOf<{
      readonly count: number; readonly mean: number; readonly p50: number; readonly p95: number; readonly max: number;
    }>();
  });

  it('should narrow errors by code', () => {
    const error: unknown = new TensorlaneError('ABORTED', 'x');
    if (isTensorlaneError(error)) expectTypeOf(error.code).toEqualTypeOf<ErrorCode>();
    expectTypeOf<ErrorCode>().toEqualTypeOf<
      | 'MODEL_FETCH_FAILED' | 'MODEL_LOAD_FAILED' | 'MODEL_INVALID' | 'INTEGRITY_MISMATCH' | 'BACKEND_UNAVAILABLE'
      | 'INVALID_OPTIONS' | 'INVALID_INPUT' | 'RUN_FAILED' | 'QUEUE_FULL' | 'ABORTED' | 'TIMEOUT' | 'DISPOSED'
      | 'WORKER_CRASHED' | 'ENVIRONMENT_UNSUPPORTED' | 'STATE_LOST' | 'STATE_LIMIT'
    >();
  });
});
