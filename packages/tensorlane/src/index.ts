// tensorlane: run ONNX models in a Web Worker, on WebGPU with WASM fallback. Importing this module has no side
// effects; the worker starts when createSession() is called.
export { createSession } from './client/create-session.js';
export type {
  Counts, ExternalDataFile, Outputs, PredictBatchOptions, PredictOptions, Session, SessionOptions, SessionStats,
  WarmupOptions,
} from './client/create-session.js';
export { TensorlaneError, isTensorlaneError } from './errors.js';
export type { ErrorCode, TensorlaneErrorOptions } from './errors.js';
export { deleteCachedModels, listCachedModels } from './model-cache.js';
export type { CachedModel } from './model-cache.js';
export type {
  AdapterInfo,
  Backend,
  BatchingInfo,
  BatchingMode,
  DataTypeMap,
  Distribution,
  DType,
  Dim,
  FallbackAttempt,
  Feeds,
  SchedulerStats,
  LoadPhase,
  LoadProgress,
  OutputLocation,
  Tensor,
  TensorData,
  TensorInfo,
  WarmupInfo,
} from './protocol.js';
