// tensorlane: run ONNX models in a Web Worker, on WebGPU with WASM fallback. Importing this module has no side
// effects; the worker starts when createSession() is called.
export { createSession } from './client/create-session.js';
export type {
  Counts, Outputs, PredictBatchOptions, PredictOptions, Session, SessionOptions, SessionStats,
} from './client/create-session.js';
export { TensorlaneError, isTensorlaneError } from './errors.js';
export type { ErrorCode, TensorlaneErrorOptions } from './errors.js';
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
  Tensor,
  TensorData,
  TensorInfo,
} from './protocol.js';
