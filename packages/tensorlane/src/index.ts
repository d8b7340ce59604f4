// tensorlane: run ONNX models in a Web Worker, on WebGPU with WASM fallback. Importing this module has no side
// effects; the worker starts when createSession() is called.
export { createSession } from './client/create-session.js';
export { TensorlaneError, isTensorlaneError } from './errors.js';
export type { ErrorCode, TensorlaneErrorOptions } from './errors.js';
export { deleteCachedModels, listCachedModels } from './model-cache.js';
export type { CachedModel } from './model-cache.js';
export { deleteBackendChoices, listBackendChoices } from './backend-choices.js';
export type { BackendChoice, BackendChoiceKey } from './backend-choices.js';
export type { Backend } from './backends.js';
export type {
  BatchingMode, ExternalDataFile, OutputLocation, PredictBatchOptions, PredictOptions,
  SessionOptions, WarmupOptions,
} from './options.js';
export type { LoadPhase, LoadProgress } from './load-progress.js';
export type {
  AdapterInfo, AdapterLimits, BackendSelection, BackendTimings, CalibrationInfo, CalibrationOptions, FallbackAttempt,
  ModelVariant,
} from './choice-types.js';
export type {
  BatchingInfo, Counts, Distribution, Outputs, SchedulerStats, Session,
  SessionStats, WarmupInfo,
} from './session-types.js';
export type { RestartCause, RestartDetail, SessionEventMap } from './restart-types.js';
export type { DataTypeMap, DType, Dim, Feeds, Tensor, TensorData, TensorInfo } from './tensor/types.js';
