// Benchmark: how long a session takes to heal after each fault, per backend, in Chromium, through the built SDK and
// a worker with test hooks (e2e/harness/fault-worker.ts). Prints medians; asserts nothing.
//   pnpm bench:recovery              (5 fresh sessions per row)
// On a machine without a GPU, WebGPU runs on SwiftShader (software): its figures say nothing about real GPUs.
import { printTable, runBench } from './harness.ts';

const TRIALS = Number(process.env['TRIALS'] ?? 5);
const CASES = [
  { kind: 'throw', label: 'worker-crashed (uncaught error)', backends: ['webgpu', 'wasm'] },
  { kind: 'reject', label: 'worker-crashed (unhandled rejection)', backends: ['webgpu', 'wasm'] },
  { kind: 'destroy-device', label: 'device-lost (device.destroy())', backends: ['webgpu'] },
  { kind: 'session-failed', label: 'session-failed (native run failure)', backends: ['webgpu'] },
  { kind: 'restart()', label: 'requested (session.restart())', backends: ['webgpu', 'wasm'] },
] as const;

await runBench(async ({ browser, openPage }) => {
  const page = await openPage();
  console.log(`Chromium ${browser.version()}; median of ${TRIALS} fresh sessions per row (even-rows model); ms from the fault`);
  const rows: string[][] = [];
  for (const { kind, label, backends } of CASES) {
    for (const backend of backends) {
      const r = await page.evaluate(
        ({ kind, backend, trials }) => {
          const { measureRecovery, faultWorkers, injectFault } = window.harness;
          return measureRecovery(kind, backend, trials, faultWorkers(), injectFault as (fault: string) => void);
        },
        { kind, backend, trials: TRIALS },
      );
      rows.push([label, backend, r.toEvent.toFixed(0), r.toAnswer.toFixed(0)]);
      console.log(`${label} on ${backend}: ${r.toEvent.toFixed(0)} ms to the event, ${r.toAnswer.toFixed(0)} ms to the next answer`);
    }
  }
  printTable(['fault', 'backend', "to the 'restart' event", 'to the next answer'], rows);
});
