// Pins the whole public surface: the runtime exports, every option name, and the shape of what a session reports.
// Adding an export or an option is a change of contract: update this file, the TSDoc (with an @example), docs/
// (pnpm docs:build) and the CHANGELOG together.
import { describe, expectTypeOf, it } from 'vitest';
import type * as Tensorlane from './index.js';
import type {
  AdapterInfo,
  AdapterLimits,
  BackendSelection,
  BackendTimings,
  CalibrationInfo,
  CalibrationOptions,
  ModelVariant,
  BatchingInfo,
  BatchingMode,
  Counts,
  Dim,
  Distribution,
  DType,
  Engine,
  EngineTimings,
  FallbackAttempt,
  MemoryStats,
  PredictBatchOptions,
  PredictOptions,
  RestartCause,
  RestartDetail,
  Session,
  SessionEventMap,
  SessionOptions,
  SessionStats,
  TensorInfo,
  TensorlaneError,
  TensorlaneErrorOptions,
  AudioSource,
  Feeds,
  Heard,
  InitialValue,
  Listening,
  ListenOptions,
  ListenStats,
  StepOptions,
  Stream,
  StreamOptions,
  StreamStats,
  Tensor,
  WebGpuEngine,
  WebGpuEngineOption,
} from './index.js';

describe('public surface', () => {
  it('should export exactly createSession, the cache and choice helpers, the picture helpers, TensorlaneError and isTensorlaneError at runtime', () => {
    expectTypeOf<keyof typeof Tensorlane>().toEqualTypeOf<
      | 'createSession' | 'listCachedModels' | 'deleteCachedModels' | 'listBackendChoices' | 'deleteBackendChoices'
      | 'imageTransforms' | 'toSource' | 'TensorlaneError' | 'isTensorlaneError'
    >();
  });

  it('should take exactly the documented options', () => {
    expectTypeOf<keyof SessionOptions>().toEqualTypeOf<
      | 'model' | 'backend' | 'webgpuEngine' | 'allowSoftwareAdapter' | 'batching' | 'maxBatchSize' | 'maxQueueDelayMs' | 'maxQueueSize'
      | 'signal' | 'wasmPaths' | 'worker' | 'onProgress' | 'integrity' | 'cache' | 'externalData' | 'warmup'
      | 'freeDimensionOverrides' | 'graphOptimizationLevel' | 'enableGraphCapture' | 'preferredOutputLocation'
      | 'logSeverityLevel' | 'restart' | 'maxRestarts' | 'calibration' | 'numThreads' | 'images' | 'busyWaitMs'
    >();
    expectTypeOf<SessionOptions['webgpuEngine']>().toEqualTypeOf<WebGpuEngineOption | undefined>();
    expectTypeOf<WebGpuEngineOption>().toEqualTypeOf<'auto' | 'jsep' | 'native' | 'jspi'>();
    expectTypeOf<WebGpuEngine>().toEqualTypeOf<'jsep' | 'native' | 'jspi'>();
    expectTypeOf<SessionOptions['restart']>().toEqualTypeOf<'auto' | 'off' | undefined>();
    expectTypeOf<SessionOptions['maxRestarts']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<SessionOptions['numThreads']>().toEqualTypeOf<'auto' | number | undefined>();
    expectTypeOf<keyof CalibrationOptions>().toEqualTypeOf<'budgetMs' | 'runs' | 'remember'>();
    expectTypeOf<keyof ModelVariant>().toEqualTypeOf<'url' | 'requires' | 'integrity'>();
    expectTypeOf<keyof PredictOptions>().toEqualTypeOf<'signal' | 'timeoutMs' | 'copy'>();
    expectTypeOf<PredictBatchOptions>().toEqualTypeOf<PredictOptions>();
    expectTypeOf<SessionOptions['worker']>().toEqualTypeOf<(() => Worker) | undefined>();
    expectTypeOf<BatchingMode>().toEqualTypeOf<'auto' | 'stack' | 'off'>();
  });

  it('should report the session as documented', () => {
    expectTypeOf<keyof Session>().toEqualTypeOf<
      | 'backend' | 'engine' | 'fallback' | 'adapter' | 'selection' | 'model' | 'inputs' | 'outputs' | 'batching' | 'threads' | 'warnings'
      | 'predict' | 'predictBatch' | 'stream' | 'openStream' | 'stats' | 'restart' | 'dispose' | typeof Symbol.asyncDispose
      | 'addEventListener' | 'removeEventListener' | 'dispatchEvent'
    >();
    expectTypeOf<Session>().toExtend<EventTarget>();
    expectTypeOf<Session['restart']>().toEqualTypeOf<() => Promise<void>>();
    expectTypeOf<Session['threads']>().toEqualTypeOf<number>();
    expectTypeOf<Session['fallback']>().toEqualTypeOf<readonly FallbackAttempt[]>();
    expectTypeOf<Session['engine']>().toEqualTypeOf<Engine>();
    expectTypeOf<Engine>().toEqualTypeOf<'jsep' | 'native' | 'jspi' | 'wasm'>();
    expectTypeOf<FallbackAttempt>().toEqualTypeOf<{ readonly backend: 'webgpu' | 'wasm'; readonly engine?: Engine; readonly reason: string }>();
    expectTypeOf<Session['adapter']>().toEqualTypeOf<AdapterInfo | undefined>();
    expectTypeOf<keyof AdapterInfo>().toEqualTypeOf<
      'vendor' | 'architecture' | 'device' | 'description' | 'isFallbackAdapter' | 'features' | 'limits'
    >();
    expectTypeOf<AdapterInfo['features']>().toEqualTypeOf<readonly string[]>();
    expectTypeOf<AdapterLimits>().toEqualTypeOf<{ readonly maxBufferSize: number; readonly maxStorageBufferBindingSize: number }>();
    expectTypeOf<Session['selection']>().toEqualTypeOf<BackendSelection | undefined>();
    expectTypeOf<keyof BackendSelection>().toEqualTypeOf<'chosen' | 'engine' | 'reason' | 'timings' | 'engineTimings' | 'fromCache'>();
    expectTypeOf<BackendSelection['engine']>().toEqualTypeOf<Engine | undefined>();
    expectTypeOf<BackendSelection['engineTimings']>().toEqualTypeOf<EngineTimings | undefined>();
    expectTypeOf<EngineTimings>().toEqualTypeOf<{
      readonly jsep?: Readonly<Record<number, number>>; readonly native?: Readonly<Record<number, number>>;
      readonly jspi?: Readonly<Record<number, number>>; readonly wasm?: Readonly<Record<number, number>>;
    }>();
    expectTypeOf<BackendSelection['timings']>().toEqualTypeOf<BackendTimings>();
    expectTypeOf<BackendTimings>().toEqualTypeOf<{
      readonly webgpu?: Readonly<Record<number, number>>; readonly wasm?: Readonly<Record<number, number>>;
    }>();
    expectTypeOf<Session['model']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Session['inputs']>().toEqualTypeOf<readonly TensorInfo[]>();
    expectTypeOf<TensorInfo>().toEqualTypeOf<{ readonly name: string; readonly type: DType; readonly dims: readonly Dim[] }>();
    expectTypeOf<BatchingInfo>().toEqualTypeOf<{ readonly stacked: boolean; readonly reason: string }>();
    expectTypeOf<Session['stats']>().returns.resolves.toEqualTypeOf<SessionStats>();
    expectTypeOf<keyof SessionStats>().toEqualTypeOf<
      | 'requests' | 'rows' | 'meanRowsPerRun' | 'rejections' | 'runs' | 'rowsRun' | 'queueWaitMs' | 'runMs' | 'warmup'
      | 'calibration' | 'restarts' | 'pictures' | 'streams' | 'memory'
    >();
    expectTypeOf<SessionStats['streams']>().toEqualTypeOf<StreamStats>();
    expectTypeOf<keyof StreamStats>().toEqualTypeOf<'open' | 'steps' | 'runs' | 'rowsRun'>();
    expectTypeOf<SessionStats['memory']>().toEqualTypeOf<MemoryStats>();
    expectTypeOf<MemoryStats>().toEqualTypeOf<{
      readonly wasmHeapBytes: number;
      readonly gpuBufferBytes: number;
      readonly modelBytesKept: number;
    }>();
    expectTypeOf<SessionStats['calibration']>().toEqualTypeOf<CalibrationInfo | undefined>();
    expectTypeOf<CalibrationInfo>().toEqualTypeOf<{ readonly runs: number; readonly ms: number }>();
    expectTypeOf<SessionStats['restarts']>().toEqualTypeOf<Readonly<Record<RestartCause, number>>>();
    expectTypeOf<SessionStats['requests']>().toEqualTypeOf<Counts>();
    expectTypeOf<keyof Counts>().toEqualTypeOf<'submitted' | 'resolved' | 'rejected' | 'pending'>();
    expectTypeOf<SessionStats['runMs']>().toEqualTypeOf<Distribution>();
    expectTypeOf<keyof Distribution>().toEqualTypeOf<'count' | 'mean' | 'p50' | 'p95' | 'max'>();
  });

  it('should open streams as documented', () => {
    expectTypeOf<Session['openStream']>().toEqualTypeOf<(options: StreamOptions) => Stream>();
    expectTypeOf<keyof StreamOptions>().toEqualTypeOf<'carry' | 'initial' | 'dims' | 'outputs' | 'limits' | 'axes'>();
    expectTypeOf<StreamOptions['carry']>().toEqualTypeOf<Readonly<Record<string, string>>>();
    expectTypeOf<StreamOptions['initial']>().toEqualTypeOf<Readonly<Record<string, InitialValue>> | undefined>();
    expectTypeOf<InitialValue>().toEqualTypeOf<Tensor | { readonly dims: readonly number[] }>();
    expectTypeOf<keyof StepOptions>().toEqualTypeOf<'signal' | 'timeoutMs' | 'copy'>();
    expectTypeOf<keyof Stream>().toEqualTypeOf<
      'carry' | 'outputs' | 'steps' | 'step' | 'read' | 'reset' | 'listen' | 'close' | typeof Symbol.asyncDispose
    >();
    expectTypeOf<Stream['step']>().toEqualTypeOf<(feeds: Feeds, options?: StepOptions) => Promise<Record<string, Tensor>>>();
    expectTypeOf<Stream['read']>().toEqualTypeOf<(name: string) => Promise<Tensor>>();
    expectTypeOf<Stream['listen']>().toEqualTypeOf<(source: AudioSource, options: ListenOptions) => Promise<Listening>>();
    expectTypeOf<AudioSource>().toEqualTypeOf<MediaStreamTrack | MediaStream | HTMLMediaElement | AudioNode>();
    expectTypeOf<keyof ListenOptions>().toEqualTypeOf<
      'sampleRate' | 'frame' | 'hop' | 'input' | 'feeds' | 'behind' | 'maxWaiting' | 'onResult' | 'onError'
    >();
    expectTypeOf<ListenOptions['behind']>().toEqualTypeOf<'drop' | 'catch-up' | undefined>();
    expectTypeOf<Heard>().toEqualTypeOf<{ readonly frame: number; readonly time: number; readonly outputs: Record<string, Tensor> }>();
    expectTypeOf<keyof Listening>().toEqualTypeOf<'transport' | 'sourceRate' | 'stats' | 'pause' | 'resume' | 'stop'>();
    expectTypeOf<Listening['transport']>().toEqualTypeOf<'shared-memory' | 'messages'>();
    expectTypeOf<keyof ListenStats>().toEqualTypeOf<'frames' | 'dropped' | 'waiting' | 'samples' | 'resets'>();
  });

  it('should dispatch typed restart events', () => {
    expectTypeOf<RestartCause>().toEqualTypeOf<'worker-crashed' | 'device-lost' | 'session-failed' | 'requested'>();
    expectTypeOf<RestartDetail>().toEqualTypeOf<{
      readonly cause: RestartCause; readonly message: string; readonly backend: 'webgpu' | 'wasm'; readonly engine?: Engine;
      readonly restarts: number;
    }>();
    expectTypeOf<SessionEventMap['restart']>().toEqualTypeOf<CustomEvent<RestartDetail>>();
    const session = {} as Session;
    session.addEventListener('restart', (event) => {
      expectTypeOf(event.detail).toEqualTypeOf<RestartDetail>();
    });
  });

  it('should carry code, details and cause on errors', () => {
    expectTypeOf<TensorlaneError>().toExtend<Error>();
    expectTypeOf<TensorlaneError['name']>().toEqualTypeOf<'TensorlaneError'>();
    expectTypeOf<TensorlaneError['details']>().toEqualTypeOf<Readonly<Record<string, unknown>> | undefined>();
    expectTypeOf<keyof TensorlaneErrorOptions>().toEqualTypeOf<'cause' | 'details'>();
  });
});
