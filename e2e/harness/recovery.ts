// How long a session takes to recover from each fault, in the page: from the fault to the 'restart' event (the new
// worker serves), and to the first answer after it. For `pnpm bench:recovery`.
import { createSession, type Backend } from 'tensorlane';

export type FaultKind = 'throw' | 'reject' | 'destroy-device' | 'session-failed' | 'restart()';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Median ms over `trials` fresh sessions on the even-rows model (y = x), from a worker made by `worker`. */
export async function measureRecovery(kind: FaultKind, backend: Backend, trials: number, worker: () => Worker, inject: (fault: string) => void) {
  const toEvent: number[] = [];
  const toAnswer: number[] = [];
  for (let t = 0; t < trials; t++) {
    const session = await createSession({ model: 'models/even-rows.onnx', backend, worker });
    const rows = (n: number) => ({ x: { type: 'float32' as const, data: new Float32Array(n * 3).fill(1), dims: [n, 3] } });
    await session.predict(rows(2)); // warm: the fault hits a session that has run
    const restarted = new Promise<number>((resolve) => session.addEventListener('restart', () => resolve(performance.now()), { once: true }));
    const started = performance.now();
    if (kind === 'restart()') void session.restart();
    else if (kind === 'session-failed') void session.predict(rows(1)).catch(() => undefined);
    else inject(kind);
    const event = await restarted;
    await session.predict(rows(2));
    toEvent.push(event - started);
    toAnswer.push(performance.now() - started);
    await session.dispose();
  }
  return { toEvent: median(toEvent), toAnswer: median(toAnswer) };
}
