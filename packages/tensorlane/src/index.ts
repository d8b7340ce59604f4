// tensorlane: run ONNX models in a Web Worker, on WebGPU with WASM fallback. Importing this module has no side
// effects; the worker starts when createSession() is called.
export { createSession } from './client/create-session.js';
export { TensorlaneError, isTensorlaneError } from './errors.js';
export type { ErrorCode, TensorlaneErrorOptions } from './errors.js';
export { deleteCachedModels, listCachedModels } from './cache/model-cache.js';
export type { CachedModel } from './cache/model-cache.js';
export { deleteBackendChoices, listBackendChoices } from './cache/backend-choices.js';
export type { BackendChoice, BackendChoiceKey } from './cache/backend-choices.js';
export type { Backend, BackendOption, Engine, WebGpuEngine, WebGpuEngineOption } from './types/backends.js';
export type {
  BatchingMode, ExternalDataFile, OutputLocation, PredictBatchOptions, PredictOptions,
  SessionOptions, WarmupOptions,
} from './types/options.js';
export type { LoadPhase, LoadProgress } from './types/options.js';
export type {
  AdapterInfo, AdapterLimits, BackendSelection, BackendTimings, CalibrationInfo, CalibrationOptions, EngineTimings, FallbackAttempt,
  ModelVariant,
} from './types/backends.js';
export type { BatchingInfo, Counts, MemoryStats, SchedulerStats, Session, SessionStats, WarmupInfo } from './types/session.js';
export type { Distribution } from './types/stats.js';
export type { RestartCause, RestartDetail, SessionEventMap } from './types/session.js';
export type {
  AudioSource, Heard, InitialValue, Listening, ListenOptions, ListenStats, StepOptions, Stream, StreamOptions, StreamStats,
} from './types/streams.js';
export type { DataTypeMap, DType, Dim, Feeds, Outputs, Tensor, TensorData, TensorInfo } from './types/tensor.js';
export { imageTransforms, toSource } from './tensor/image-fit.js';
export type {
  ImageAlign, ImageFeeds, ImageFit, ImageInput, ImageInputOptions, ImageSource, ImageTransform, PictureStats, VideoStreamOptions,
  VideoStreamResult, VideoStreamStats, VideoSource, VideoStream,
} from './types/images.js';
