// How long a session takes to heal after each fault, per backend, through the built SDK and a worker with test hooks
// (e2e/harness/fault-worker.ts). On a machine without a GPU, WebGPU runs on SwiftShader (software): its figures say
// nothing about real GPUs.
import type { Backend } from 'tensorlane';
import type { FaultKind } from '../harness/recovery.ts';
import { pick, withPage, type Section } from './harness.ts';
import { formatSample } from './report.ts';

const CASES: ReadonlyArray<{ kind: FaultKind; label: string; backends: readonly Backend[] }> = [
  { kind: 'throw', label: 'worker-crashed (uncaught error)', backends: ['webgpu', 'wasm'] },
  { kind: 'reject', label: 'worker-crashed (unhandled rejection)', backends: ['webgpu', 'wasm'] },
  { kind: 'destroy-device', label: 'device-lost (device.destroy())', backends: ['webgpu'] },
  { kind: 'destroy-device at read-back', label: 'device-lost mid-run (during the read-back)', backends: ['webgpu'] },
  { kind: 'session-failed', label: 'session-failed (native run failure)', backends: ['webgpu'] },
  { kind: 'restart()', label: 'requested (session.restart())', backends: ['webgpu', 'wasm'] },
];

export const recovery: Section = {
  id: 'recovery',
  async run(bench) {
    const trials = pick(bench.mode, { full: 5, quick: 2, smoke: 1 });
    // Quick and smoke runs leave out WebGPU (SwiftShader takes seconds a session), smoke all but the first fault.
    const backends = pick<readonly Backend[]>(bench.mode, { full: ['webgpu', 'wasm'], quick: ['wasm'], smoke: ['wasm'] });
    const cases = CASES.slice(0, bench.mode === 'smoke' ? 1 : CASES.length).map((c) => ({
      ...c,
      backends: c.backends.filter((b) => backends.includes(b)),
    }));
    const rows: string[][] = [];
    await withPage(bench, false, async (page) => {
      for (const { kind, label, backends } of cases) {
        for (const backend of backends) {
          const r = await page.evaluate((args) => window.harness.measureRecovery(args.kind, args.backend, args.trials), { kind, backend, trials });
          rows.push([label, backend, formatSample(r.toEvent), formatSample(r.toAnswer)]);
        }
      }
    });
    return {
      id: 'recovery',
      title: 'Recovery: healing after a fault',
      text:
        `How long a session takes to heal after each fault: ms from the fault to the \`'restart'\` event and to the ` +
        `next answer, medians (min–max) of ${trials} fresh sessions per row (even-rows model), on a page that is not ` +
        `cross-origin isolated.`,
      header: ['fault', 'backend', "to the 'restart' event", 'to the next answer'],
      rows,
      figures: {},
    };
  },
};
