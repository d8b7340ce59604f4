// `pnpm bench:calls` keeps working: each way it measures makes its calls, and its profile names where the time went.
// No time is asserted.
import { expect, it } from 'vitest';
import { openWays } from '../e2e/bench/calls-in-node.ts';

it('should make the calls of every way pnpm bench:calls measures, one after another and at once, and profile them', async () => {
  const ways = await openWays(1);
  try {
    for (const make of Object.values(ways.ways)) await make(3);
    const lines = await ways.profile('tensorlane', 3);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(/^ +\d+\.\d\d µs {2}\S/);
  } finally {
    await ways.close();
  }
});
