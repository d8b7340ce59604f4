// A user's app: import tensorlane, create a session, predict. No Vite config, no copied files.
// e2e/consumer.spec.ts copies this template out of the repo, points `tensorlane` at the packed tarball and adds
// public/mlp.onnx.
// Runs the MLP once on the backend named by `?backend=` (default 'auto') and publishes the result as
// `window.consumerResult` and as JSON in #result (data-status="done" or "error").
import { createSession } from 'tensorlane';

const ROWS = 2;
const FEATURES = 256;

/** A deterministic input, published with the result so that the test can compute the expected output. */
function makeInput() {
  const x = new Float32Array(ROWS * FEATURES);
  for (let i = 0; i < x.length; i++) x[i] = (((i * 7919) % 1000) - 500) / 512;
  return x;
}

async function run(backend) {
  const t0 = performance.now();
  const session = await createSession({ model: '/mlp.onnx', backend });
  const t1 = performance.now();
  try {
    const x = makeInput();
    const input = Array.from(x); // predict() transfers x's buffer to the worker, detaching it here
    const { y } = await session.predict({ x: { type: 'float32', data: x, dims: [ROWS, FEATURES] } });
    const t2 = performance.now();
    return {
      ok: true,
      backend: session.backend,
      fallback: session.fallback,
      adapter: session.adapter ?? null,
      input,
      dims: y.dims,
      output: Array.from(y.data),
      timings: { loadMs: t1 - t0, predictMs: t2 - t1 },
    };
  } finally {
    await session.dispose();
  }
}

function publish(result) {
  window.consumerResult = result;
  const pre = document.getElementById('result');
  pre.textContent = JSON.stringify(result, null, 2);
  pre.dataset.status = result.ok ? 'done' : 'error';
}

const backend = new URLSearchParams(location.search).get('backend') ?? 'auto';
run(backend).then(publish, (error) => publish({ ok: false, code: error?.code ?? null, message: String(error?.message ?? error) }));
