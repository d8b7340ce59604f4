// How many threads onnxruntime-web's WebAssembly runtime runs: threads share memory through SharedArrayBuffer, which
// a browser gives only to cross-origin isolated pages and their workers.

/**
 * `numThreads: 'auto'` runs one thread per core but one, up to this many: the page's own thread keeps a core. On the
 * 2-core bench machine, under load (2,000 one-row calls fired at once, README "Performance", section 5, (e) against
 * (a)), 2 threads served 0.60-0.76x the rows of 1 thread on the conv net and 0.70-1.09x on the MLP (four runs; two
 * 1-thread sessions there came out 0.77-1.27x apart): the page issuing calls and onnxruntime-web's second thread took
 * turns on the one core left. On an idle page 2 threads ran the conv net at batch 64 1.2-1.3x as fast as 1 (section
 * 7, three runs); `numThreads: 2` still asks for that. onnxruntime-web's own default is half the cores. Past 4 we have
 * no machine to measure on, and onnxruntime-web caps its own default at 4.
 */
export const MAX_AUTO_THREADS = 4;

/** The threads `numThreads: 'auto'` runs on a cross-origin isolated page with `cores` cores. */
const autoThreads = (cores: number): number => Math.max(1, Math.min(cores - 1, MAX_AUTO_THREADS));

/** The threads to run, and why fewer than asked, if so. */
export interface Threads {
  readonly threads: number;
  readonly warning?: string;
}

/**
 * Decides the thread count from the option, whether this worker is cross-origin isolated, and its core count.
 * Never more than 1 thread where it is not isolated: onnxruntime-web would warn and fall back to 1 itself.
 */
export function decideThreads(asked: 'auto' | number, isolated: boolean, cores: number): Threads {
  if (asked === 'auto') return { threads: isolated ? autoThreads(cores) : 1 };
  if (asked === 1 || isolated) return { threads: asked };
  return {
    threads: 1,
    warning: `numThreads: ${asked} was asked, but the page is not cross-origin isolated, so WebAssembly runs on 1 thread: serve the page (and its scripts) with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp (or credentialless); see the README, "Threads"`,
  };
}
