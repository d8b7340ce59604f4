// How many threads onnxruntime-web's WebAssembly runtime runs: threads share memory through SharedArrayBuffer, which
// a browser gives only to cross-origin isolated pages and their workers.

/**
 * `numThreads: 'auto'` runs one thread per core up to this many. On the 2-core bench machine 2 threads ran the conv
 * net at batch 64 about 1.4x as fast as 1 and the MLP 1.1-1.3x, while 4 threads (more than the cores) ran slower than 1
 * (README, "Performance", section 7); onnxruntime-web's own default is half the cores, which is 1 there. Past 4 we
 * have no machine to measure on, and onnxruntime-web caps its own default at 4.
 */
export const MAX_AUTO_THREADS = 4;

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
  if (asked === 'auto') return { threads: isolated ? Math.max(1, Math.min(cores, MAX_AUTO_THREADS)) : 1 };
  if (asked === 1 || isolated) return { threads: asked };
  return {
    threads: 1,
    warning: `numThreads: ${asked} was asked, but the page is not cross-origin isolated, so WebAssembly runs on 1 thread: serve the page (and its scripts) with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp (or credentialless); see the README, "Threads"`,
  };
}
