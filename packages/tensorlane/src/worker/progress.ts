import { releaseProxy } from 'comlink';
import type { LoadProgress, ProgressSink } from '../protocol.js';

/** Sends load progress to the page at most every 50 ms (20 per second), plus the events that must not be lost. */
export interface Progress {
  /** Reports `progress`; dropped if the last event went out less than 50 ms ago, unless `final` or a new phase. */
  report(progress: LoadProgress, final?: boolean): void;
  /** Resolves once the page has handled every event sent, so that none arrives after the load settles. */
  flush(): Promise<void>;
  /** Lets go of the page's callback. */
  close(): void;
}

export const PROGRESS_INTERVAL_MS = 50;

export function createProgress(sink: ProgressSink | undefined): Progress {
  let phase: string | undefined;
  let last = -Infinity;
  let delivered: Promise<unknown> = Promise.resolve();
  return {
    report(progress, final = false) {
      if (sink === undefined) return;
      const now = performance.now();
      if (!final && progress.phase === phase && now - last < PROGRESS_INTERVAL_MS) return;
      phase = progress.phase;
      last = now;
      // A page that stopped listening must not fail the load.
      delivered = Promise.resolve(sink(progress)).catch(() => undefined);
    },
    flush: () => delivered.then(() => undefined),
    close() {
      (sink as { [releaseProxy]?: () => void } | undefined)?.[releaseProxy]?.();
    },
  };
}
