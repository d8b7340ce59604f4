// Staying awake for a message due: how long, and when not at all. The clock is the test's: each reading of it is one
// more task spent awake (createAwake reads it once a task), and moves it on by 0.1 ms.
import { describe, expect, it } from 'vitest';
import { createAwake } from './awake.js';

/** An awake on a clock that moves 0.1 ms at each reading, and how many readings (tasks awake) it took. */
function clocked(ms: number) {
  const clock = { t: 0, readings: 0 };
  const awake = createAwake(() => {
    clock.readings++;
    return (clock.t += 0.1);
  });
  awake.ms = ms;
  return { awake, clock };
}

/** Resolves once the awake's tasks have stopped: its clock not read for 20 ms (5 s at most). */
async function settled(clock: { readings: number }): Promise<void> {
  for (let i = 0, last = -1; i < 250 && clock.readings !== last; i++) {
    last = clock.readings;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('staying awake for a message', () => {
  it('should stay awake until the message is due at most, then sleep', async () => {
    const { awake, clock } = clocked(2);
    awake.wait();
    await settled(clock);
    // 2 ms of clock at 0.1 ms a task: about 20 tasks, and none once it ran out.
    expect(clock.readings).toBeGreaterThanOrEqual(15);
    expect(clock.readings).toBeLessThanOrEqual(25);
    const spent = clock.readings;
    await settled(clock);
    expect(clock.readings).toBe(spent);
  });

  it('should stop when the message comes', async () => {
    const { awake, clock } = clocked(2);
    awake.wait();
    awake.came();
    await settled(clock);
    expect(clock.readings).toBeLessThanOrEqual(4);
  });

  it('should never stay awake at 0 ms', async () => {
    const { awake, clock } = clocked(0);
    awake.wait();
    await settled(clock);
    expect(clock.readings).toBe(1); // the wait's own reading
  });

  it('should wait asleep after a wait that ran out, and awake again once a message came in time', async () => {
    const { awake, clock } = clocked(2);
    awake.wait();
    await settled(clock); // ran out: nothing came
    const before = clock.readings;
    awake.wait();
    await settled(clock);
    expect(clock.readings - before).toBe(1); // asleep: the wait's own reading
    awake.came(); // 0.1 ms after the wait: in time
    awake.wait();
    await settled(clock);
    expect(clock.readings - before).toBeGreaterThanOrEqual(15);
  });
});
