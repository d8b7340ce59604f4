// Resampling audio as it streams in, in the worker: from the audio's own rate (44.1 or 48 kHz) to the model's (16 kHz,
// say), with a windowed-sinc low-pass so that what lies above the new Nyquist rate does not fold back. Samples are
// counted from the start of listening, at both rates, so that each output sample knows its time in the audio.

/** Output of one push: samples at the target rate, the first being sample `start` (counted at the target rate). */
export interface Resampled {
  readonly start: number;
  readonly samples: Float32Array;
}

export interface Resampler {
  /**
   * Takes the samples from source sample `at` on; a gap since the last push (samples that never arrived) starts
   * afresh after it. Returns what can be computed so far.
   */
  push(at: number, samples: Float32Array): Resampled;
}

/** Taps on each side of a target sample, per source sample per target sample (more when shrinking more). */
const TAPS = 8;
/** Fractional positions the filter is tabulated at, at most. */
const MAX_PHASES = 4096;

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** A resampler from `from` Hz to `to` Hz (integers); the same rate passes samples through as they are. */
export function createResampler(from: number, to: number): Resampler {
  let expected = 0;
  if (from === to) {
    return {
      push(at, samples) {
        expected = at + samples.length;
        return { start: at, samples };
      },
    };
  }
  const g = gcd(from, to);
  /** Target sample n sits at source position n * step / phases. */
  const step = from / g;
  const phases = to / g;
  const tabulated = Math.min(phases, MAX_PHASES);
  const half = Math.ceil(TAPS * Math.max(1, from / to));
  const cutoff = 0.5 * Math.min(1, to / from) * 0.95;
  // table[p][j]: the weight of source sample center - half + 1 + j for a target at center + p / tabulated.
  const table = Array.from({ length: tabulated }, (_, p) => {
    const weights = new Float64Array(2 * half);
    let sum = 0;
    for (let j = 0; j < 2 * half; j++) {
      const d = p / tabulated + half - 1 - j;
      const x = 2 * cutoff * d;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      const w = Math.abs(d) >= half ? 0 : sinc * 0.5 * (1 + Math.cos((Math.PI * d) / half));
      weights[j] = w;
      sum += w;
    }
    return weights.map((w) => w / sum);
  });

  /** Source samples kept, the first being source sample `first`. */
  let history = new Float32Array(0);
  let first = 0;
  /** The next target sample to compute. */
  let next = 0;

  return {
    push(at, samples) {
      if (at !== expected) {
        history = new Float32Array(0);
        first = at;
        next = Math.ceil((at * phases) / step);
      }
      expected = at + samples.length;
      const joined = new Float32Array(history.length + samples.length);
      joined.set(history);
      joined.set(samples, history.length);
      history = joined;
      const end = first + history.length;
      const start = next;
      const out: number[] = [];
      for (;;) {
        const position = next * step;
        const center = Math.floor(position / phases);
        if (center + half >= end) break;
        const weights = table[Math.floor(((position % phases) * tabulated) / phases)]!;
        let sum = 0;
        for (let j = 0, k = center - half + 1 - first; j < weights.length; j++, k++) if (k >= 0) sum += history[k]! * weights[j]!;
        out.push(sum);
        next++;
      }
      const keep = Math.max(0, Math.floor((next * step) / phases) - half + 1 - first);
      history = history.slice(keep);
      first += keep;
      return { start, samples: Float32Array.from(out) };
    },
  };
}
