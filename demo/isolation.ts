// Cross-origin isolation, which multi-threaded WASM needs (SharedArrayBuffer): from the server's COOP/COEP headers
// where the host sends them, else from coi-serviceworker, which adds them to every response of this site. The page
// registers it and reloads once; if that does not isolate the page, it runs on, single-threaded, and says why.

/** How the page came to be isolated, or why it is not. */
export type Isolation =
  | { readonly isolated: true; readonly by: 'headers' | 'service worker' }
  | { readonly isolated: false; readonly reason: string };

const SERVICE_WORKER = 'coi-serviceworker.js';
/** How long the service worker may take to start before the page gives up on it and runs without isolation. */
const START_TIMEOUT_MS = 5000;
/** Set just before the reload that should bring the service worker in, so that a failure cannot loop. */
const RELOADED = 'tensorlane-demo:coi-reload';

/**
 * The page's isolation. When a service worker could isolate it, registers one and reloads the page: the promise
 * then never settles.
 */
export async function ensureIsolation(): Promise<Isolation> {
  const controller = navigator.serviceWorker?.controller;
  if (crossOriginIsolated) {
    sessionStorage.removeItem(RELOADED);
    return { isolated: true, by: controller?.scriptURL.endsWith(SERVICE_WORKER) ? 'service worker' : 'headers' };
  }
  if (!isSecureContext) {
    return { isolated: false, reason: 'the page is not a secure context (https or localhost), so no service worker can isolate it' };
  }
  if (!('serviceWorker' in navigator)) {
    return { isolated: false, reason: 'the host sends no COOP/COEP headers and this browser offers no service worker here' };
  }
  if (sessionStorage.getItem(RELOADED) !== null) {
    sessionStorage.removeItem(RELOADED);
    return {
      isolated: false,
      reason: controller
        ? 'the service worker runs but the page is still not isolated (a resource without CORP?)'
        : 'the service worker did not take control of the page (a hard reload bypasses it: reload normally)',
    };
  }
  try {
    await navigator.serviceWorker.register(SERVICE_WORKER);
    // `ready` never settles when the browser registers the worker but will not run it (e.g. blocked by policy).
    const started = await Promise.race([
      navigator.serviceWorker.ready.then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), START_TIMEOUT_MS)),
    ]);
    if (!started) return { isolated: false, reason: `the service worker did not start within ${START_TIMEOUT_MS / 1000} s` };
  } catch (error) {
    return { isolated: false, reason: `the service worker could not be registered: ${error instanceof Error ? error.message : String(error)}` };
  }
  sessionStorage.setItem(RELOADED, '1');
  location.reload();
  return new Promise<never>(() => {});
}

/** One line for the page: whether WASM may use threads here, and why. */
export function describeIsolation(isolation: Isolation): string {
  return isolation.isolated
    ? `Cross-origin isolated (by the ${isolation.by === 'headers' ? "server's COOP/COEP headers" : 'coi-serviceworker, as this host sends no COOP/COEP headers'}): tensorlane runs WASM on one thread per core but one (the page keeps a core), up to 4.`
    : `Not cross-origin isolated: ${isolation.reason}. onnxruntime-web runs WASM on 1 thread.`;
}
