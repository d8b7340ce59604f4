// Loading a model in the worker: the files (from the cache, or streamed from the network), their integrity, the
// session, the metadata and the warm-up, with progress reported to the page along the way.
import { TensorlaneError, messageOf } from '../errors.js';
import { digestOf } from '../cache/integrity.js';
import { findCached, openModelCache, storeCached } from '../cache/model-cache.js';
import type { LoadReply, LoadRequest, ProgressSink } from '../wire/protocol.js';
import { decideBatching, toTensorInfo } from './metadata.js';
import type { BackendEnv } from './backend-table.js';
import { chooseFastest, type FastestBackend } from './choose-fastest.js';
import { prepareBackends, releaseBuilt, resolveBackend, type Built, type ModelFiles, type ResolvedBackend } from './resolve-backend.js';
import { selectVariant, type SingleModelRequest } from './select-variant.js';
import { decideThreads } from './threads.js';
import { checkNotHtml, readBody, startDownload } from './fetch-model.js';
import { COMPILED, createProgress, type Progress } from './progress.js';
import { warmUp } from './warmup.js';
import { heapBytes, watchWasmMemories, type WorkerMemory } from './memory.js';

/** The model loaded: its session built on one engine (see `Built`: `device` is the model's GPU device), and the reply. */
export interface LoadedModel extends Built {
  readonly reply: LoadReply;
  /** What onnxruntime-web holds in this worker's memory now. */
  memory(): WorkerMemory;
}

/** One file to load: the model or an external data file. */
interface ModelFile {
  /** How messages name it: `model "<url>"`, `the model`, `external data "<path>"`. */
  readonly label: string;
  readonly url: string | undefined;
  readonly integrity: string | undefined;
  bytes: Uint8Array | undefined;
  /** Set once the bytes' digest is known to equal `integrity`, or was computed to store them. */
  digest?: string;
  fromNetwork?: boolean;
}

function filesOf(request: SingleModelRequest): ModelFile[] {
  const file = (label: string, source: string | Uint8Array, integrity: string | undefined): ModelFile => ({
    label,
    url: typeof source === 'string' ? source : undefined,
    bytes: typeof source === 'string' ? undefined : source,
    integrity,
  });
  return [
    file(typeof request.model === 'string' ? `model "${request.model}"` : 'the model', request.model, request.integrity),
    ...(request.externalData ?? []).map((e) =>
      file(`external data "${typeof e.data === 'string' ? e.data : e.path}"`, e.data, e.integrity),
    ),
  ];
}

/** Reads what the cache holds of `files` (phase `cache`); entries that fail to read or to verify are dropped. */
async function readFromCache(cache: Cache, files: ModelFile[], progress: Progress): Promise<void> {
  const hits: { file: ModelFile; response: Response; bytes: number }[] = [];
  for (const file of files) {
    if (file.url === undefined) continue;
    const hit = await findCached(cache, file.url, file.integrity).catch(() => undefined);
    if (hit !== undefined) hits.push({ file, response: hit.response, bytes: hit.bytes });
  }
  if (hits.length === 0) return;
  const total = hits.reduce((sum, hit) => sum + hit.bytes, 0);
  let done = 0;
  progress.report({ phase: 'cache', loaded: 0, total }, true);
  for (const { file, response, bytes } of hits) {
    try {
      const read = await readBody(file.url!, response, bytes, (n) => progress.report({ phase: 'cache', loaded: done + n, total }));
      if (file.integrity !== undefined && (await digestOf(read)) !== file.integrity) throw new Error('corrupt entry');
      file.bytes = read;
      if (file.integrity !== undefined) file.digest = file.integrity;
    } catch {
      await cache.delete(file.url!).catch(() => undefined); // downloaded again below
    }
    done += bytes;
  }
  progress.report({ phase: 'cache', loaded: done, total }, true);
}

/** Downloads the files not yet read (phase `download`), all headers first so that `total` covers every file. */
async function download(files: ModelFile[], progress: Progress): Promise<void> {
  const missing = files.filter((file) => file.bytes === undefined);
  if (missing.length === 0) return;
  const started = await Promise.allSettled(missing.map((file) => startDownload(file.url!)));
  const failed = started.find((s) => s.status === 'rejected');
  if (failed !== undefined) {
    for (const s of started) if (s.status === 'fulfilled') void s.value.response.body?.cancel().catch(() => undefined);
    throw failed.reason;
  }
  const downloads = started.map((s) => (s as PromiseFulfilledResult<Awaited<ReturnType<typeof startDownload>>>).value);
  const totals = downloads.map((d) => d.total);
  const total = totals.every((t) => t !== undefined) ? totals.reduce((a, b) => a + b, 0) : undefined;
  const event = (loaded: number) => ({ phase: 'download' as const, loaded, ...(total === undefined ? {} : { total }) });
  let done = 0;
  progress.report(event(0), true);
  for (const [i, d] of downloads.entries()) {
    const bytes = await readBody(d.url, d.response, d.total, (n) => progress.report(event(done + n)));
    checkNotHtml(d, bytes);
    done += bytes.length;
    missing[i]!.bytes = bytes;
    missing[i]!.fromNetwork = true;
  }
  progress.report(event(done), true);
}

/** @throws TensorlaneError `MODEL_INVALID` (empty model), `INTEGRITY_MISMATCH`. */
async function verify(files: ModelFile[]): Promise<void> {
  if (files[0]!.bytes!.length === 0) throw new TensorlaneError('MODEL_INVALID', `${files[0]!.label} is empty (0 bytes)`);
  for (const file of files) {
    if (file.integrity === undefined || file.digest !== undefined) continue;
    const actual = await digestOf(file.bytes!);
    if (actual !== file.integrity) {
      throw new TensorlaneError('INTEGRITY_MISMATCH', `${file.label} has digest ${actual} but integrity expects ${file.integrity}`, {
        details: { ...(file.url === undefined ? {} : { url: file.url }), expected: file.integrity, actual },
      });
    }
    file.digest = actual;
  }
}

/** Stores the downloaded files; resolves to a warning per file that could not be stored. Never rejects. */
function store(cache: Cache | undefined, files: ModelFile[]): Promise<string[]> {
  if (cache === undefined) return Promise.resolve([]);
  return Promise.all(
    files
      .filter((file) => file.fromNetwork)
      .map(async (file) => {
        try {
          await storeCached(cache, file.url!, file.bytes!, file.digest ?? (await digestOf(file.bytes!)));
          return undefined;
        } catch (error) {
          const why =
            error instanceof Error && error.name === 'QuotaExceededError'
              ? `the storage quota is exceeded (QuotaExceededError: ${messageOf(error)})`
              : messageOf(error);
          return `${file.label} was not cached: ${why}; it loaded from the network and will download again next time`;
        }
      }),
  ).then((warnings) => warnings.filter((w) => w !== undefined));
}

/**
 * Loads the model `request` names (of its variants, the first the device supports): reads its files from the cache or
 * downloads them, checks their integrity, builds the session on the backend `request.backend` chooses (measuring them
 * for `'fastest'`), reads the metadata and warms up. Reports progress to `onProgress`,
 * delivered before this resolves.
 * @throws TensorlaneError `MODEL_FETCH_FAILED`, `INTEGRITY_MISMATCH`, `MODEL_INVALID`, `BACKEND_UNAVAILABLE`,
 * `INVALID_OPTIONS` (warm-up shapes), `RUN_FAILED` (warm-up runs).
 */
export async function loadModel(request: LoadRequest, env: BackendEnv, onProgress: ProgressSink | undefined): Promise<LoadedModel> {
  const progress = createProgress(onProgress);
  try {
    const prepared = await prepareBackends(request, env);
    const single = selectVariant(request, prepared);
    const files = filesOf(single);
    const warnings: string[] = [];
    const { isolated, cores } = env.threading();
    const { threads, warning } = decideThreads(request.numThreads, isolated, cores);
    if (warning !== undefined) warnings.push(warning);
    let cache: Cache | undefined;
    if (request.cache && files.some((file) => file.url !== undefined)) {
      cache = await openModelCache().catch((error: unknown) => {
        warnings.push(`models are not cached: ${messageOf(error)}`);
        return undefined;
      });
    }
    if (cache !== undefined) await readFromCache(cache, files, progress);
    await download(files, progress);
    await verify(files);

    progress.report({ phase: 'compile', loaded: 0, total: 1 }, true);
    const [model, ...externalData] = files;
    const modelFiles: ModelFiles = {
      bytes: model!.bytes!,
      externalData: externalData.map((file, i) => ({ path: single.externalData![i]!.path, data: file.bytes! })),
      label: model!.label,
    };
    if (single.backend === 'fastest') model!.digest ??= await digestOf(model!.bytes!); // the stored choice's key
    // Every build of onnxruntime-web a session was built on keeps its heap, and every WebGPU device its buffers, for
    // the worker's life: memory() counts them all.
    const memories = new Set<WebAssembly.Memory>();
    const resolved: ResolvedBackend & Partial<FastestBackend> = await watchWasmMemories(memories, () =>
      single.backend === 'fastest'
        ? chooseFastest({ ...modelFiles, digest: model!.digest! }, single, env, threads, prepared, progress)
        : resolveBackend(modelFiles, single, env, threads, prepared),
    );
    const memory = (): WorkerMemory => ({
      wasmHeapBytes: heapBytes(memories),
      gpuBufferBytes: prepared.candidates.reduce((sum, { prepared }) => sum + (prepared.gpuBufferBytes?.() ?? 0), 0),
    });
    if (single.backend !== 'fastest') progress.report(COMPILED, true);
    const { ort, session, backend, engine, fallback, adapter, device } = resolved;
    // Stored only once onnxruntime-web accepted the bytes, while the metadata is read and the warm-up runs.
    const stored = store(cache, files);
    try {
      const inputs = session.inputMetadata.map((m) => toTensorInfo(m, 'input'));
      const outputs = session.outputMetadata.map((m) => toTensorInfo(m, 'output'));
      const batching = decideBatching(inputs, outputs, request.batching);
      const warmup =
        request.warmup &&
        (await warmUp(ort, session, inputs, request.warmup, request.sessionOptions?.freeDimensionOverrides ?? {}, progress));
      warnings.push(...(resolved.warnings ?? []), ...(await stored));
      const { selection, calibration } = resolved;
      const reply: LoadReply = {
        backend, engine, fallback, adapter, selection, model: model!.url, inputs, outputs, batching, threads, warnings,
        ...(calibration ? { calibration } : {}), ...(warmup ? { warmup } : {}),
      };
      await progress.flush();
      return { ort, session, backend, engine, ...(adapter ? { adapter } : {}), ...(device ? { device } : {}), reply, memory };
    } catch (error) {
      await releaseBuilt(resolved); // the error that ended the load is the one to report
      throw error;
    }
  } finally {
    progress.close();
  }
}
