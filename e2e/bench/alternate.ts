// How every bench comparison takes its turns, in one page (e2e/harness/perf.ts) or across pages (smoothness.ts).
import { sampleOf, type Sample } from './report.ts';

/** What one run of a variant measured, by name. */
export type Figures = Readonly<Record<string, number>>;

/**
 * The order of the variants in round `round` (-1 for the warm-up): rotated by one every two rounds and reversed in every
 * other round, so that each variant goes first as often as the others and none always runs right after the same one.
 * A burst leaves the page's heap and the machine's caches to whatever follows it; with rotation alone, section 1–2 ran
 * tensorlane right after the hand-written batching in 8 rounds of 10, and that right after the page that allocates.
 */
export function orderOf<K>(names: readonly K[], round: number): K[] {
  const start = Math.floor(Math.max(0, round) / 2) % names.length;
  const rotated = [...names.slice(start), ...names.slice(0, start)];
  return round % 2 === 1 ? rotated.reverse() : rotated;
}

/**
 * Runs every variant once per round, after one warm-up round that is not kept, in the order {@link orderOf} gives;
 * returns each figure of each variant over the rounds.
 */
export async function alternate<K extends string>(
  rounds: number,
  variants: Record<K, () => Promise<Figures>>,
): Promise<Record<K, Record<string, Sample>>> {
  const names = Object.keys(variants) as K[];
  const kept = new Map<K, Map<string, number[]>>(names.map((n) => [n, new Map()]));
  for (let round = -1; round < rounds; round++) {
    for (const name of orderOf(names, round)) {
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
