import { releaseProxy } from 'comlink';
import type { LoadProgress } from '../types/options.js';
import type { ProgressSink } from '../wire/protocol.js';

/** Sends load progress to the page at most every 50 ms (20 per second), plus the events that must not be lost. */
export interface Progress {
  /**
   * Reports `progress`. Within 50 ms of the last event sent it is held back, and sent when the 50 ms are up unless a
   * newer one replaced it; a `final` event, or the first of a new phase, goes at once.
   */
  report(progress: LoadProgress, final?: boolean): void;
  /** Resolves once the page has handled every event sent, so that none arrives after the load settles. */
  flush(): Promise<void>;
  /** Drops any held-back event and lets go of the page's callback. */
  close(): void;
}

export const PROGRESS_INTERVAL_MS = 50;

/** The event that ends the `compile` phase: every session is built. */
export const COMPILED: LoadProgress = { phase: 'compile', loaded: 1, total: 1 };

export function createProgress(sink: ProgressSink | undefined): Progress {
  let phase: string | undefined;
  let last = -Infinity;
  let held: LoadProgress | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let delivered: Promise<unknown> = Promise.resolve();

  function send(progress: LoadProgress): void {
    clearTimeout(timer);
    timer = undefined;
    held = undefined;
    phase = progress.phase;
    last = performance.now();
    // A page that stopped listening must not fail the load.
    delivered = Promise.resolve(sink!(progress)).catch(() => undefined);
  }

  return {
    report(progress, final = false) {
      if (sink === undefined) return;
      const wait = last + PROGRESS_INTERVAL_MS - performance.now();
      if (final || progress.phase !== phase || wait <= 0) return send(progress);
      held = progress;
      timer ??= setTimeout(() => held && send(held), wait);
    },
    flush: () => delivered.then(() => undefined),
    close() {
      clearTimeout(timer);
      held = undefined;
      (sink as { [releaseProxy]?: () => void } | undefined)?.[releaseProxy]?.();
    },
  };
}
