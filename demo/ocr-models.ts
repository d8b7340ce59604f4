// The demo's three OCR sessions: loading them (one tensorlane session, so one worker, per model), the model cache,
// and the recognizer's dictionary.
import {
  createSession, deleteCachedModels, listCachedModels, type BackendOption, type ImageInputOptions, type LoadProgress, type Session,
} from 'tensorlane';
import { OCR_MODELS, type ModelFile } from 'virtual:ocr-models';
import { parseDictionary } from './ocr/ctc.ts';
import { DETECTION_IMAGE } from './ocr/detect.ts';
import { LINE_IMAGE } from './ocr/line-input.ts';
import type { OcrSessions, StageName } from './ocr/pipeline.ts';

/**
 * The onnxruntime-web log level of every session the demo makes: errors only. Its warnings (e.g. that WebGPU leaves
 * shape ops to the CPU, which is by design) reach the console through console.error.
 */
export const QUIET_ORT = 3;

/** The name PaddleOCR's exporter gives each model's one input, the picture. */
export const OCR_INPUT = 'x';

/** How each stage's model takes its pictures (tensorlane converts them in the worker). */
export const STAGE_IMAGES: Readonly<Record<StageName, ImageInputOptions>> = {
  detection: DETECTION_IMAGE,
  direction: LINE_IMAGE,
  recognition: LINE_IMAGE,
};

/** The stages in pipeline order. */
export const STAGES: readonly StageName[] = ['detection', 'direction', 'recognition'];

/** How each stage is named on the page, and its model. */
export const STAGE_INFO: Readonly<Record<StageName, { readonly title: string; readonly short: string; readonly model: string }>> = {
  detection: { title: 'Text detection', short: 'Detection', model: 'PP-OCRv4 det' },
  direction: { title: 'Text direction', short: 'Direction', model: 'PP-OCR mobile v2.0 cls' },
  recognition: { title: 'Text recognition', short: 'Recognition', model: 'PP-OCRv4 rec' },
};

/** The backend controls' choice. */
export interface LoadChoice {
  readonly backend: BackendOption;
  readonly allowSoftwareAdapter: boolean;
}

/**
 * The input sizes `backend: 'fastest'` measures each model at, and warm-ups shape their inputs by (its symbolic dims:
 * height and width of the image or the line): a mid-sized photo for detection, the line widths the pipeline pads to.
 */
export const MEASURED_SIZES: Readonly<Record<StageName, Readonly<Record<string, number>>>> = {
  detection: { 'p2o.DynamicDimension.1': 480, 'p2o.DynamicDimension.2': 640 },
  direction: { 'p2o.DynamicDimension.1': 48, 'p2o.DynamicDimension.2': 192 },
  recognition: { 'p2o.DynamicDimension.1': 320 },
};

/** The model file of a stage. */
export function modelFile(stage: StageName): ModelFile {
  return OCR_MODELS[stage];
}

/** The absolute URL tensorlane fetches and caches a file under (relative URLs resolve against the page). */
export function absoluteUrl(file: ModelFile): string {
  return new URL(file.url, document.baseURI).href;
}

/** Which stages' models are in tensorlane's model cache, or why the cache cannot be read. */
export async function cachedStages(): Promise<ReadonlySet<StageName> | { readonly unavailable: string }> {
  try {
    const cached = new Set((await listCachedModels()).map((entry) => entry.url));
    return new Set(STAGES.filter((stage) => cached.has(absoluteUrl(modelFile(stage)))));
  } catch (error) {
    return { unavailable: error instanceof Error ? error.message : String(error) };
  }
}

/** Deletes the demo's models from the cache; resolves to the number of files deleted. */
export async function clearModelCache(): Promise<number> {
  let deleted = 0;
  for (const stage of STAGES) deleted += await deleteCachedModels(absoluteUrl(modelFile(stage)));
  return deleted;
}

/**
 * Loads the three sessions at once. If one fails, the loads still under way are aborted, the sessions already
 * loaded are disposed, and that first error is thrown (not the ABORTED of the loads it stopped).
 * @param onProgress - each model's loading events.
 * @param onLoaded - each session as soon as it is ready.
 */
export async function loadOcrSessions(
  choice: LoadChoice,
  signal: AbortSignal,
  onProgress: (stage: StageName, progress: LoadProgress) => void,
  onLoaded: (stage: StageName, session: Session) => void,
): Promise<OcrSessions> {
  const stop = new AbortController();
  const either = AbortSignal.any([signal, stop.signal]);
  let failure: { readonly error: unknown } | undefined;
  const settled = await Promise.allSettled(
    STAGES.map(async (stage) => {
      const file = modelFile(stage);
      try {
        const session = await createSession({
          model: file.url,
          integrity: file.integrity,
          backend: choice.backend,
          allowSoftwareAdapter: choice.allowSoftwareAdapter,
          // The line models' exporter named dim 0 differently in and out (p2o.DynamicDimension.0 / .3), so 'auto'
          // would not stack; it is the batch in both. The detector takes one image of its own size per call.
          batching: stage === 'detection' ? 'auto' : 'stack',
          logSeverityLevel: QUIET_ORT,
          images: { [OCR_INPUT]: STAGE_IMAGES[stage] },
          // 'fastest' measures on inputs shaped as the warm-up shapes them, so the warm-up must size the image dims.
          ...(choice.backend === 'fastest' ? { warmup: { batchSizes: [1], freeDimensions: MEASURED_SIZES[stage] } } : {}),
          signal: either,
          onProgress: (progress) => onProgress(stage, progress),
        });
        onLoaded(stage, session);
        return session;
      } catch (error) {
        // The first failure stops the other loads: theirs would only say ABORTED.
        if (failure === undefined) {
          failure = { error };
          stop.abort(error);
        }
        throw error;
      }
    }),
  );
  if (failure !== undefined) {
    for (const result of settled) if (result.status === 'fulfilled') void result.value.dispose();
    throw failure.error;
  }
  const [detection, direction, recognition] = settled.map((result) => (result as PromiseFulfilledResult<Session>).value);
  return { detection: detection!, direction: direction!, recognition: recognition! };
}

/** The recognizer's characters, checked against the digest the build recorded. */
export async function loadDictionary(): Promise<string[]> {
  const file = OCR_MODELS.dictionary;
  const response = await fetch(file.url, { integrity: file.integrity });
  if (!response.ok) throw new Error(`could not fetch the dictionary "${file.url}": HTTP ${response.status}`);
  return parseDictionary(await response.text());
}
