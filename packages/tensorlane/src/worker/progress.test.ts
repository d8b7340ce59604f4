import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LoadProgress } from '../types/options.js';
import { createProgress } from './progress.js';

describe('createProgress', () => {
  afterEach(() => vi.useRealTimers());

  it('should send at most one event per 50 ms, the latest held back one when the 50 ms are up', () => {
    vi.useFakeTimers();
    const sent: LoadProgress[] = [];
    const progress = createProgress((p) => void sent.push(p));
    for (let loaded = 0; loaded <= 100; loaded += 10) {
      progress.report({ phase: 'download', loaded, total: 1000 });
      vi.advanceTimersByTime(10);
    }
    // t = 0 sent; 10..40 held, 40 sent at 50; 50..90 held, 90 sent at 100; 100 held, sent at 150
    expect(sent.map((p) => p.loaded)).toEqual([0, 40, 90]);
    vi.advanceTimersByTime(50);
    expect(sent.map((p) => p.loaded)).toEqual([0, 40, 90, 100]);
  });

  it('should send final events and a new phase at once, dropping what was held back', () => {
    vi.useFakeTimers();
    const sent: LoadProgress[] = [];
    const progress = createProgress((p) => void sent.push(p));
    progress.report({ phase: 'download', loaded: 0, total: 2 });
    progress.report({ phase: 'download', loaded: 1, total: 2 });
    progress.report({ phase: 'download', loaded: 2, total: 2 }, true);
    progress.report({ phase: 'compile', loaded: 0, total: 1 });
    vi.advanceTimersByTime(100);
    expect(sent).toEqual([
      { phase: 'download', loaded: 0, total: 2 },
      { phase: 'download', loaded: 2, total: 2 },
      { phase: 'compile', loaded: 0, total: 1 },
    ]);
  });
});
