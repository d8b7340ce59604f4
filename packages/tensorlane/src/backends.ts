// The backends tensorlane can run on: one list, in the order `backend: 'auto'` tries them. The `Backend` type and
// the option check derive from it; worker/backends.ts holds one entry per name (how to import, attempt and guard
// it). Adding a backend is a name here plus an entry there.

/** Every backend, in the order `'auto'` tries them. */
export const BACKENDS = ['webgpu', 'wasm'] as const;

/**
 * The backends tensorlane can run on: `'webgpu'` or `'wasm'`.
 * @example
 * ```ts
 * import type { Backend } from 'tensorlane';
 *
 * const backend: Backend = session.backend; // 'webgpu' or 'wasm'
 * ```
 */
export type Backend = (typeof BACKENDS)[number];

/**
 * How a backend is chosen, beside naming one: `'auto'` takes the first of {@link BACKENDS} that runs here;
 * `'fastest'` measures this model on each one that runs here and keeps the faster.
 */
export const BACKEND_MODES = ['auto', 'fastest'] as const;

/** What `createSession`'s `backend` option takes: a backend, or a way to choose one. */
export type BackendOption = (typeof BACKEND_MODES)[number] | Backend;

