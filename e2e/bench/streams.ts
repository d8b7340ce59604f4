// Streams: per step, the state carried in the worker (stream.step) against the same loop carrying it through the page
// (predict with the state in, out and back), small and large state, on WASM and WebGPU; and N streams stepped
// together (shared runs) against the same streams stepped one by one. Contenders take turns in one page.
import { formatSample, sampleOf } from './report.ts';
import { pick, withPage, type Section } from './harness.ts';

export const streams: Section = {
  id: 'streams',
  async run(bench) {
    const backends = pick(bench.mode, { full: ['wasm', 'webgpu'], quick: ['wasm'], smoke: ['wasm'] } as const);
    const rounds = pick(bench.mode, { full: 5, quick: 3, smoke: 1 });
    const count = pick(bench.mode, { full: 32, quick: 32, smoke: 4 });
    const rows: string[][] = [];
    const figures: Record<string, number> = {};
    await withPage(bench, false, async (page) => {
      for (const backend of backends) {
        for (const size of ['small', 'large'] as const) {
          // SwiftShader runs a step in tens of ms: fewer steps there.
          const steps = pick(bench.mode, { full: backend === 'webgpu' ? 10 : 50, quick: 20, smoke: 2 });
          const r = await page.evaluate((a) => window.harness.streams.benchStreams(a.backend, a.size, a.steps, a.rounds, a.count), { backend, size, steps, rounds, count });
          const [worker, onPage, together, alone] = (['worker', 'page', 'together', 'alone'] as const).map((k) => sampleOf(r.kept[k]!));
          const label = backend === 'webgpu' ? `webgpu (${r.adapter})` : 'wasm';
          const kib = ((r.width * 4) / 1024).toFixed(0);
          rows.push([
            label, `${kib} KiB`, formatSample(worker!, 3), formatSample(onPage!, 3), `${(onPage!.median / worker!.median).toFixed(1)}x`,
            formatSample(together!, 2), formatSample(alone!, 2), `${(alone!.median / together!.median).toFixed(1)}x`,
          ]);
          figures[`${backend}-${size}-carried`] = onPage!.median / worker!.median;
          figures[`${backend}-${size}-batched`] = alone!.median / together!.median;
        }
      }
    });
    return {
      id: 'streams',
      title: 'Streams: state in the worker',
      text:
        `A recurrent cell (\`test/models/stateful.ts\`: state_out = state × 0.5 + x, y = sum) with a state of 1 KiB ` +
        `or 1 MiB a row. Per step, ms, medians (min–max) of ${rounds} rounds taking turns: the state carried in the ` +
        `worker (\`stream.step\`, on WebGPU on the GPU) against the same loop carrying it on the page (\`predict\` with ` +
        `the state in and out); and a round of ${count} streams stepped together (their steps share runs) against the ` +
        `same streams stepped one by one, ms per round. WebGPU here is SwiftShader (software): compare ratios only.`,
      header: ['backend', 'state', 'step, in the worker', 'step, state on the page', 'page/worker', `${count} together`, `${count} one by one`, 'one by one/together'],
      rows,
      figures,
    };
  },
};
