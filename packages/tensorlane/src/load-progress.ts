// The progress loading reports to createSession's onProgress, phase by phase.

/**
 * Where loading is: `download` (bytes from the network), `cache` (bytes read from the model cache), `compile`
 * (onnxruntime-web builds the session), `calibrate` (`backend: 'fastest'` times the model on each backend) or
 * `warmup` (the warm-up runs).
 * @example
 * ```ts
 * import { createSession, type LoadPhase } from 'tensorlane';
 *
 * const labels: Record<LoadPhase, string> = {
 *   download: 'Downloading', cache: 'Reading cache', compile: 'Compiling', calibrate: 'Measuring', warmup: 'Warming up',
 * };
 * await createSession({ model: '/models/net.onnx', onProgress: ({ phase }) => console.log(labels[phase]) });
 * ```
 */
export type LoadPhase = 'download' | 'cache' | 'compile' | 'calibrate' | 'warmup';

/**
 * A loading progress event. For `download` and `cache`, `loaded` and `total` count bytes over all files (the model
 * and its external data); `total` is absent when a server sends no Content-Length. For `compile` they count steps
 * (0 of 1, then 1 of 1); for `calibrate`, measuring runs out of those planned; for `warmup`, batch sizes run out of
 * those listed.
 * @example
 * ```ts
 * import { createSession, type LoadProgress } from 'tensorlane';
 *
 * const onProgress = ({ phase, loaded, total }: LoadProgress) =>
 *   console.log(phase, total ? `${Math.round((100 * loaded) / total)}%` : `${loaded} B`);
 * const session = await createSession({ model: '/models/net.onnx', onProgress });
 * ```
 */
export interface LoadProgress {
  /** Which step of loading this event is about. */
  readonly phase: LoadPhase;
  /** Bytes (download, cache) or steps (compile, calibrate, warmup) done so far in this phase. */
  readonly loaded: number;
  /** The bytes or steps this phase will take, when known. */
  readonly total?: number;
}
