import { TensorlaneError } from '../errors.js';
import type { LoadRequest } from '../wire/protocol.js';
import { describeAdapter } from './webgpu-device.js';
import { describeAttempts, type Candidates } from './resolve-backend.js';

/** A load request for one model: its variants, if it had any, narrowed to the one chosen. */
export type SingleModelRequest = LoadRequest & { readonly model: string | Uint8Array };

/**
 * The request for the first variant whose `requires` the WebGPU adapter among the candidates offers, or `request`
 * as it is when it names one model.
 * @throws TensorlaneError `BACKEND_UNAVAILABLE` when no variant fits, naming what each one lacks
 * (`details.variants`).
 */
export function selectVariant(request: LoadRequest, prepared: Candidates): SingleModelRequest {
  if (!Array.isArray(request.model)) return request as SingleModelRequest;
  const variants = request.model as Exclude<LoadRequest['model'], string | Uint8Array>;
  const adapter = prepared.candidates.find((c) => c.prepared.adapter)?.prepared.adapter;
  const misfits: { url: string; missing: string[] }[] = [];
  for (const { model, requires, integrity, externalData } of variants) {
    const missing = requires.filter((feature) => !adapter?.features.includes(feature));
    if (missing.length === 0) {
      // The page sends integrity and external data per variant, never beside variants.
      return { ...request, model, ...(integrity ? { integrity } : {}), ...(externalData ? { externalData } : {}) };
    }
    misfits.push({ url: model, missing });
  }
  const webgpu = prepared.fallback.find((a) => a.backend === 'webgpu');
  const lacking = adapter
    ? `, which the WebGPU adapter (${describeAdapter(adapter)}) lacks`
    : `, but no WebGPU adapter is in use (${webgpu ? describeAttempts([webgpu]) : `backend: '${request.backend}'`})`;
  const each = misfits.map(({ url, missing }, i) => `variant ${i} ("${url}") requires ${missing.join(', ')}`).join('; ');
  throw new TensorlaneError('BACKEND_UNAVAILABLE', `no model variant fits this device: ${each}${lacking}`, {
    details: { variants: misfits },
  });
}
