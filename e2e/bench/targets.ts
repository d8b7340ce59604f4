// The performance targets of issues 11 and 22, read from the sections' figures. A target whose figure this run did not
// measure (a quick run, a section left out) is reported as not measured, never as met.
import type { SectionResult, TargetResult } from './report.ts';

interface Target {
  readonly target: string;
  readonly goal: string;
  readonly section: string;
  readonly figure: string;
  readonly met: (x: number) => boolean;
  readonly format: (x: number) => string;
  readonly note: string;
  /**
   * The figure of this run that bounds what any design could measure here, where the bench measures one: the
   * leanest form of the design, side by side (a target past it cannot be met on this machine, whatever tensorlane does).
   */
  readonly cap?: { readonly figure: string; readonly label: string };
}

const ratio = (x: number) => `${x.toFixed(2)}×`;

const TARGETS: readonly Target[] = [
  // Issue 22: throughput at the limit.
  { target: 'saturated one-row calls vs the floor, MLP, WASM', goal: '≥ 0.90×', section: 'saturated', figure: 'mlp.ratio', met: (x) => x >= 0.9, format: ratio, note: 'section 1–2', cap: { figure: 'mlp.byHandRatio', label: 'by hand' } },
  { target: 'saturated one-row calls vs the floor, MLP, WebGPU', goal: '≥ 0.90×', section: 'saturated', figure: 'mlp.webgpu.ratio', met: (x) => x >= 0.9, format: ratio, note: 'section 1–2 (SwiftShader)', cap: { figure: 'mlp.webgpu.byHandRatio', label: 'by hand' } },
  { target: 'batched vs onnxruntime-web main thread, serial calls, MLP', goal: '≥ 1.5×', section: 'batching', figure: 'mlp.wasm.a/d', met: (x) => x >= 1.5, format: ratio, note: 'section 5, a/d' },
  { target: 'one call alone vs hand-written worker, MLP batch 1', goal: '≤ 1.25×', section: 'overhead', figure: 'mlp.1.ratio', met: (x) => x <= 1.25, format: ratio, note: 'section 3' },
  { target: 'one call alone vs hand-written worker, MLP batch 64', goal: '≤ 1.00×', section: 'overhead', figure: 'mlp.64.ratio', met: (x) => x <= 1.0, format: ratio, note: 'section 3' },
  { target: 'batching speed-up vs its cap, MLP (a/b over the cap)', goal: '≥ 0.90', section: 'batching', figure: 'mlp.wasm.a/b of cap', met: (x) => x >= 0.9, format: (x) => x.toFixed(2), note: 'section 5, a/b and its cap' },
  // Issue 11.
  { target: 'per-call path under load, tiny model', goal: '≤ 10 µs', section: 'saturated', figure: 'identity.pathMicrosPerCall', met: (x) => x <= 10, format: (x) => `${x.toFixed(1)} µs`, note: 'section 1–2, path µs/call' },
  { target: 'batched vs maxBatchSize 1, tiny model', goal: '≥ 3×', section: 'batching', figure: 'identity.wasm.a/b', met: (x) => x >= 3, format: ratio, note: 'section 5, a/b' },
  { target: 'batched vs maxBatchSize 1, MLP', goal: '≥ 5×', section: 'batching', figure: 'mlp.wasm.a/b', met: (x) => x >= 5, format: ratio, note: 'section 5, a/b' },
  { target: 'batched vs onnxruntime-web main thread, conv net, 1 thread each', goal: '≥ 1.2×', section: 'batching', figure: 'convnet.wasm.a/d', met: (x) => x >= 1.2, format: ratio, note: 'section 5, a/d' },
  { target: "batched vs onnxruntime-web main thread, conv net, each with its defaults (numThreads 'auto')", goal: '≥ 1.2×', section: 'batching', figure: 'convnet.wasm.e/d', met: (x) => x >= 1.2, format: ratio, note: 'section 5, e/d' },
  { target: 'boundary at 64 MiB vs a bare transfer', goal: '≤ 1.2×', section: 'boundary', figure: '64.vsTransfer', met: (x) => x <= 1.2, format: ratio, note: 'section 4, tensorlane/transfer' },
  { target: 'boundary at 64 MiB vs the hand-written worker', goal: '≤ 1.2×', section: 'boundary', figure: '64.vsRaw', met: (x) => x <= 1.2, format: ratio, note: 'section 4, tensorlane/hand-written' },
  { target: 'main-thread long tasks from tensorlane, conv net', goal: '0', section: 'smoothness', figure: 'convnet.tensorlane.longTasks', met: (x) => x === 0, format: (x) => String(x), note: 'section 6, most in any round' },
  { target: 'copies of a 64-row batch at the peak', goal: '≤ 3', section: 'memory', figure: 'copies', met: (x) => x <= 3, format: (x) => x.toFixed(2), note: 'section 8' },
];

/** Each target with its figure from `sections`, met or not. */
export function checkTargets(sections: readonly SectionResult[]): TargetResult[] {
  return TARGETS.map((t) => {
    const figures = sections.find((s) => s.id === t.section)?.figures;
    const value = figures?.[t.figure];
    if (value === undefined) return { target: t.target, goal: t.goal, measured: 'not measured', met: false, note: `${t.note} (not in this run)` };
    const cap = t.cap && figures?.[t.cap.figure];
    return {
      target: t.target, goal: t.goal, measured: t.format(value), met: t.met(value), note: t.note,
      ...(cap === undefined ? {} : { cap: `${t.format(cap)} (${t.cap!.label})` }),
    };
  });
}
