// How every bench comparison takes its turns, in one page (e2e/harness/perf.ts) or across pages (smoothness.ts).
import { sampleOf, type Sample } from './report.ts';

/** What one run of a variant measured, by name. */
export type Figures = Readonly<Record<string, number>>;

/**
 * Runs every variant once per round, after one warm-up round that is not kept, rotating which goes first; returns
 * each figure of each variant over the rounds.
 */
export async function alternate<K extends string>(
  rounds: number,
  variants: Record<K, () => Promise<Figures>>,
): Promise<Record<K, Record<string, Sample>>> {
  const names = Object.keys(variants) as K[];
  const kept = new Map<K, Map<string, number[]>>(names.map((n) => [n, new Map()]));
  for (let round = -1; round < rounds; round++) {
    const start = Math.max(0, round) % names.length;
    for (const name of [...names.slice(start), ...names.slice(0, start)]) {
      const figures = await variants[name]();
      if (round < 0) continue;
      for (const [key, value] of Object.entries(figures)) {
        const list = kept.get(name)!.get(key) ?? [];
        list.push(value);
        kept.get(name)!.set(key, list);
      }
    }
  }
  return Object.fromEntries(
    names.map((n) => [n, Object.fromEntries([...kept.get(n)!].map(([key, xs]) => [key, sampleOf(xs)]))]),
  ) as Record<K, Record<string, Sample>>;
}
