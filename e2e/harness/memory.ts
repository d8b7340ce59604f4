// What a session's stats().memory says as what it holds changes: a small model, then a large one given as bytes, a
// run of one row, a run of many, and a restart. Every answer is checked against the table it looks up.
import { createSession, type Backend, type MemoryStats, type Session } from 'tensorlane';
import { buildTable } from '../../test/models/zoo.ts';
import { lookupCall } from './stress.ts';

/** The table model's size: 8192 rows of 1024 values, 32 MiB of weights. */
const ROWS = 8192;
const WIDTH = 1024;

/**
 * Memory at each step, on `backend` with `numThreads`: the lookup model (a URL, a few bytes of weights); the table
 * model (32 MiB, given as bytes) once loaded, after a run of 1 row and after a run of `bigBatch` rows; after restart().
 */
export async function memorySteps(backend: Backend, numThreads: number, bigBatch: number) {
  const memory = async (session: Session): Promise<MemoryStats> => (await session.stats()).memory;
  const small = await createSession({ model: 'models/lookup.onnx', backend, numThreads });
  await small.predict(lookupCall(1, 0).feeds);
  const smallModel = await memory(small);
  await small.dispose();

  const { model, table } = buildTable(ROWS, WIDTH);
  const modelBytes = model.byteLength;
  const session = await createSession({ model, backend, numThreads });
  let wrong = 0;
  const rowOf = (r: number) => (r * 7919) % ROWS;
  const lookUp = async (rows: number) => {
    const indices = BigInt64Array.from({ length: rows }, (_, r) => BigInt(rowOf(r)));
    const y = (await session.predict({ i: { type: 'int64', data: indices, dims: [rows] } }))['y']!.data as Float32Array;
    for (const r of [0, rows - 1]) {
      const row = rowOf(r);
      for (let c = 0; c < WIDTH; c += 97) if (y[r * WIDTH + c] !== table[row * WIDTH + c]) wrong++;
    }
  };
  const loaded = await memory(session);
  await lookUp(1);
  const afterOneRow = await memory(session);
  await lookUp(bigBatch);
  const afterBigBatch = await memory(session);
  await session.restart();
  const restarted = await memory(session);
  await lookUp(1);
  const { threads } = session;
  await session.dispose();
  return { threads, modelBytes, weightBytes: 4 * ROWS * WIDTH, smallModel, loaded, afterOneRow, afterBigBatch, restarted, wrong };
}
