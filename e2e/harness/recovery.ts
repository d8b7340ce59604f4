// How long a session takes to recover from each fault, in the page: from the fault to the 'restart' event (the new
// worker serves), and to the first answer after it. For `pnpm bench:recovery`.
import { createSession, type Backend, type Session } from 'tensorlane';
import { sampleOf } from '../bench/report.ts';
import { faultWorkers, type Fault, type LossPoint } from './fault-workers.ts';

/** A fault: injected at once, a device lost mid-run (at a point of the run in flight), a failed session, restart(). */
export type FaultKind = Fault | `destroy-device at ${LossPoint}` | 'session-failed' | 'restart()';

/** How long a fault may take to bring the 'restart' event before the bench gives up on it. */
const RESTART_TIMEOUT_MS = 30_000;

/** The time of `session`'s next 'restart' event; rejects, naming the fault, when none comes in time. */
function nextRestart(session: Session, kind: FaultKind, backend: Backend): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`fault ${kind} on ${backend}: no 'restart' event within ${RESTART_TIMEOUT_MS / 1000} s`)),
      RESTART_TIMEOUT_MS,
    );
    session.addEventListener('restart', () => {
      clearTimeout(timer);
      resolve(performance.now());
    }, { once: true });
  });
}

/** Over `trials` fresh sessions on the even-rows model (y = x), each in a worker with test hooks (fault-workers.ts). */
export async function measureRecovery(kind: FaultKind, backend: Backend, trials: number) {
  const toEvent: number[] = [];
  const toAnswer: number[] = [];
  const worker = faultWorkers();
  for (let t = 0; t < trials; t++) {
    const session = await createSession({ model: 'models/even-rows.onnx', backend, worker });
    const rows = (n: number) => ({ x: { type: 'float32' as const, data: new Float32Array(n * 3).fill(1), dims: [n, 3] } });
    await session.predict(rows(2)); // warm: the fault hits a session that has run
    const restarted = nextRestart(session, kind, backend);
    const started = performance.now();
    if (kind === 'restart()') void session.restart();
    else if (kind === 'session-failed') void session.predict(rows(1)).catch(() => undefined);
    else if (kind.startsWith('destroy-device at ')) {
      // The run this call starts meets the loss; the call itself is answered by replay.
      worker.inject('destroy-device', { at: kind.slice('destroy-device at '.length) as LossPoint });
      void session.predict(rows(2));
    } else worker.inject(kind as Fault);
    try {
      const event = await restarted;
      await session.predict(rows(2));
      toEvent.push(event - started);
      toAnswer.push(performance.now() - started);
    } finally {
      await session.dispose();
    }
  }
  return { toEvent: sampleOf(toEvent), toAnswer: sampleOf(toAnswer) };
}
