// `backend: 'fastest'`: build the session on every engine that runs here, time this model on each (calibrate.ts),
// keep the faster and release the others, and remember the choice (backend-choices.ts) so that the next load of the
// same model on the same device builds one session and measures nothing.
import { engineLabel } from '../types/backends.js';
import { findChoice, storeChoice, type BackendChoiceKey } from '../cache/backend-choices.js';
import { TensorlaneError, messageOf } from '../errors.js';
import { CALIBRATION_DEFAULTS, type LoadRequest } from '../wire/protocol.js';
import type { BackendSelection, CalibrationInfo } from '../types/backends.js';
import { toTensorInfo } from './metadata.js';
import { ORT_VERSION, VERSION } from '../wire/version.js';
import { AttemptFailed, type BackendEnv } from './backend-table.js';
import { calibrate, type Calibration } from './calibrate.js';
import { COMPILED, type Progress } from './progress.js';
import {
  attempt, buildSession, describeAttempts, noBackend, releaseBuilt, resolveBackend, type Built, type Candidates, type ModelFiles,
  type ResolvedBackend,
} from './resolve-backend.js';
import { runFeed, warmupFeeds } from './warmup.js';

/** The session kept by `'fastest'`, how it was chosen, what measuring cost, and what went less well. */
export interface FastestBackend extends ResolvedBackend {
  readonly selection: BackendSelection;
  readonly calibration: CalibrationInfo;
  readonly warnings: readonly string[];
}

const NOTHING_RUN: CalibrationInfo = { runs: 0, ms: 0 };

function keyOf(model: ModelFiles & { digest: string }, request: LoadRequest, prepared: Candidates, batchSizes: readonly number[], threads: number): BackendChoiceKey {
  const adapter = prepared.candidates.find((c) => c.prepared.adapter)?.prepared.adapter;
  return {
    model: model.digest,
    adapter: adapter && { vendor: adapter.vendor, architecture: adapter.architecture, device: adapter.device, description: adapter.description },
    browser: (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent ?? 'unknown',
    batchSizes,
    threads,
    webgpuEngine: request.webgpuEngine,
    tensorlane: VERSION,
    onnxruntime: ORT_VERSION,
  };
}

async function release(built: Built, pending: Promise<unknown> | undefined): Promise<void> {
  await pending;
  await releaseBuilt(built);
}

/** Times the built sessions side by side on the warm-up inputs. */
async function measure(built: readonly Built[], request: LoadRequest, batchSizes: readonly number[], progress: Progress): Promise<Calibration> {
  const inputs = built[0]!.session.inputMetadata.map((m) => toTensorInfo(m, 'input'));
  const warmup = { batchSizes, ...(request.warmup?.freeDimensions ? { freeDimensions: request.warmup.freeDimensions } : {}) };
  const overrides = request.sessionOptions?.freeDimensionOverrides ?? {};
  const contenders = built.map(({ ort, session, engine }) => {
    const feeds = warmupFeeds(ort, inputs, warmup, overrides);
    return { engine, run: (index: number) => runFeed(session, feeds[index]!) };
  });
  const { budgetMs, runs } = request.calibration ?? CALIBRATION_DEFAULTS;
  const total = contenders.length * batchSizes.length * (runs + 1);
  progress.report({ phase: 'calibrate', loaded: 0, total }, true);
  const calibration = await calibrate(contenders, { budgetMs, runs, batchSizes }, (done) => progress.report({ phase: 'calibrate', loaded: done, total }));
  // The phase is over, also when the budget cut it short.
  progress.report({ phase: 'calibrate', loaded: total, total }, true);
  return calibration;
}

/**
 * Chooses the faster backend for `model` on this device: the stored choice when there is one, else builds the
 * session on every candidate and measures. Never fails where `'auto'` would have loaded: a backend that cannot build
 * or run is left out (`fallback`, the reason), and when nothing could be measured the session `'auto'` would pick
 * is kept, unless `warmup` was asked for and every measuring run failed (`RUN_FAILED`, as `'auto'`'s warm-up would).
 * @param threads - the WebAssembly threads every session runs on (see `buildSession`).
 * @throws TensorlaneError `BACKEND_UNAVAILABLE`, `MODEL_INVALID`, `RUN_FAILED` as above.
 */
export async function chooseFastest(
  model: ModelFiles & { digest: string },
  request: LoadRequest,
  env: BackendEnv,
  threads: number,
  prepared: Candidates,
  progress: Progress,
): Promise<FastestBackend> {
  const { remember } = request.calibration ?? CALIBRATION_DEFAULTS;
  const batchSizes = request.warmup?.batchSizes ?? [1];
  const only = (resolved: ResolvedBackend, why: string): FastestBackend => ({
    ...resolved,
    selection: { chosen: resolved.backend, engine: resolved.engine, reason: `${engineLabel(resolved.engine)}: ${why}`, timings: {}, fromCache: false },
    calibration: NOTHING_RUN,
    warnings: [],
  });
  if (prepared.candidates.length < 2) {
    const resolved = await resolveBackend(model, request, env, threads, prepared);
    progress.report(COMPILED, true);
    return only(resolved, `the only engine that can run here (${describeAttempts(prepared.fallback)})`);
  }

  const warnings: string[] = [];
  const fallback = [...prepared.fallback];
  let candidates = prepared.candidates;
  const key = keyOf(model, request, prepared, batchSizes, threads);
  const stored = remember ? await findChoice(key).catch(() => undefined) : undefined;
  const storedCandidate = stored && candidates.find((c) => c.engine === stored.engine);
  if (stored !== undefined && storedCandidate !== undefined) {
    try {
      const built = await buildSession(storedCandidate, model, request, env, threads);
      progress.report(COMPILED, true);
      const { chosen, engine, reason, timings, engineTimings } = stored;
      const selection = { chosen, engine: engine ?? storedCandidate.engine, reason, timings, ...(engineTimings ? { engineTimings } : {}), fromCache: true };
      return { ...built, fallback, selection, calibration: NOTHING_RUN, warnings };
    } catch (error) {
      if (!(error instanceof AttemptFailed)) throw error;
      fallback.push(attempt(storedCandidate.engine, error.reason));
      candidates = candidates.filter((c) => c !== storedCandidate);
    }
  }

  const built: Built[] = [];
  try {
    for (const candidate of candidates) {
      try {
        built.push(await buildSession(candidate, model, request, env, threads));
      } catch (error) {
        if (!(error instanceof AttemptFailed)) throw error;
        fallback.push(attempt(candidate.engine, error.reason));
      }
    }
  } catch (error) {
    await Promise.all(built.map((b) => release(b, undefined)));
    throw error;
  }
  if (built.length === 0) throw noBackend(model, fallback);
  progress.report(COMPILED, true);
  if (built.length === 1) return only({ ...built[0]!, fallback }, `the only engine that could build the session (${describeAttempts(fallback)})`);

  let calibration: Calibration;
  try {
    calibration = await measure(built, request, batchSizes, progress);
  } catch (error) {
    // The warm-up inputs cannot be shaped (a dim nothing sizes): keep what 'auto' would have, and say why.
    const [kept, ...others] = built;
    await Promise.all(others.map((b) => release(b, undefined)));
    for (const other of others) fallback.push(attempt(other.engine, `not measured: ${messageOf(error)}`));
    return only({ ...kept!, fallback }, `kept as 'auto' would: the model could not be measured (${messageOf(error)})`);
  }

  const { chosen, failed, pending } = calibration;
  const winner = chosen === undefined ? built.find((b) => !failed.has(b.engine)) ?? built[0]! : built.find((b) => b.engine === chosen)!;
  if (chosen === undefined && failed.size === built.length && request.warmup !== undefined) {
    await Promise.all(built.map((b) => release(b, pending.get(b.engine))));
    const error = failed.get(winner.engine);
    throw new TensorlaneError('RUN_FAILED', `the measuring run failed on every backend: ${calibration.reason}`, { cause: error });
  }
  // A loser's run still going is left to finish before its session goes; the winner's is awaited (its session serves next).
  for (const b of built) if (b !== winner) void release(b, pending.get(b.engine));
  await pending.get(winner.engine);
  for (const b of built) {
    if (b === winner) continue;
    fallback.push(attempt(b.engine, chosen === undefined ? `not used: ${calibration.reason}` : `slower: ${calibration.reason}`));
  }
  const reason =
    chosen === undefined ? `${engineLabel(winner.engine)}: kept as 'auto' would, nothing was measured (${calibration.reason})` : calibration.reason;
  const selection: BackendSelection = {
    chosen: winner.backend, engine: winner.engine, reason, timings: calibration.backendTimings, engineTimings: calibration.timings, fromCache: false,
  };
  if (chosen !== undefined && remember) {
    await storeChoice(key, selection).catch((error: unknown) => warnings.push(`the backend choice was not stored: ${messageOf(error)}; the next load measures again`));
  }
  return { ...winner, fallback, selection, calibration: { runs: calibration.runs, ms: calibration.ms }, warnings };
}
