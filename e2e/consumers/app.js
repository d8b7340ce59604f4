// A user's app, the same in every consumer fixture: import tensorlane, create a session, predict. No bundler config,
// no copied files. e2e/consumer.spec.ts copies a fixture (vite/, webpack/, no-bundler/) out of the repo, puts this
// file where the fixture's entry is, points `tensorlane` at the packed tarball and adds the model beside the page.
// Runs the MLP once on the backend named by `?backend=` (default 'auto'), on `?threads=` WASM threads if given (else
// numThreads 'auto'), with onnxruntime-web's files from `?wasmPaths=` if given, and publishes the result as
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

async function run(backend, wasmPaths, numThreads) {
  const t0 = performance.now();
  // A page may name its own worker script (the no-bundler fixture does; see its README).
  const workerUrl = document.querySelector('meta[name="tensorlane-worker"]')?.content;
  const worker = workerUrl ? () => new Worker(workerUrl, { name: 'tensorlane' }) : undefined;
  const session = await createSession({ model: 'mlp.onnx', backend, worker, wasmPaths, numThreads });
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
      threads: session.threads,
      warnings: session.warnings,
      isolated: crossOriginIsolated,
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
  result.violations = violations;
  window.consumerResult = result;
  const pre = document.getElementById('result');
  pre.textContent = JSON.stringify(result, null, 2);
  pre.dataset.status = result.ok ? 'done' : 'error';
}

// Content-Security-Policy violations on the page, published with the result (the CSP check expects none).
const violations = [];
document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective}: ${e.blockedURI}`));

const params = new URLSearchParams(location.search);
const threads = params.get('threads');
run(params.get('backend') ?? 'auto', params.get('wasmPaths') ?? undefined, threads ? Number(threads) : undefined).then(publish, (error) => publish({ ok: false, code: error?.code ?? null, message: String(error?.message ?? error) }));
