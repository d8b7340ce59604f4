// The peer the bench holds tensorlane against: the smallest worker a careful developer would write by hand around
// onnxruntime-web. One session, postMessage with transfer lists both ways, no validation, no queue, no batching.
import * as wasmOrt from 'onnxruntime-web/wasm';
import type { RawReply, RawRequest } from './raw.ts';

/** The WASM build, or onnxruntime-web's default (JSEP) build for WebGPU, as tensorlane runs them. */
let ort: typeof wasmOrt = wasmOrt;
let session: wasmOrt.InferenceSession | undefined;
const post = (reply: RawReply, transfer: Transferable[] = []) => postMessage(reply, { transfer });

async function handle(request: RawRequest): Promise<void> {
  switch (request.kind) {
    case 'load': {
      if (request.backend === 'webgpu') ort = (await import('onnxruntime-web')) as unknown as typeof wasmOrt;
      ort.env.wasm.numThreads = request.threads;
      const bytes = new Uint8Array(await (await fetch(request.model)).arrayBuffer());
      session = await ort.InferenceSession.create(bytes, { executionProviders: [request.backend] });
      return post({ id: request.id });
    }
    case 'floor': {
      // The floor: session.run alone, its input already in the worker, timed here.
      const feeds = { [session!.inputNames[0]!]: new ort.Tensor('float32', new Float32Array(request.size).fill(0.5), request.dims) };
      await session!.run(feeds);
      const start = performance.now();
      for (let i = 0; i < request.runs; i++) await session!.run(feeds);
      return post({ id: request.id, ms: (performance.now() - start) / request.runs });
    }
    case 'posts': {
      // What postMessage costs this thread: an empty message, posted while the page's thread is awake (back to back) or
      // after a pause long enough for it to fall asleep (spaced), so that the post must wake it.
      let total = 0;
      for (let i = 0; i < request.count; i++) {
        if (request.spaced) for (const until = performance.now() + 1; performance.now() < until; );
        const start = performance.now();
        postMessage({ id: -1 });
        total += performance.now() - start;
      }
      return post({ id: request.id, ms: total / request.count });
    }
    case 'run': {
      const start = performance.now();
      const results = await session!.run({ [session!.inputNames[0]!]: new ort.Tensor('float32', request.data, request.dims) });
      const ms = performance.now() - start;
      const data = results[session!.outputNames[0]!]!.data as Float32Array;
      return post({ id: request.id, data, ms }, [data.buffer]);
    }
    case 'echo':
      return post({ id: request.id, data: request.data }, request.transfer ? [request.data.buffer] : []);
  }
}

// onnxruntime-web may start its threads from this file (named 'em-pthread'): those must not answer the page.
if ((self as { name?: string }).name !== 'em-pthread') {
  // One request at a time: onnxruntime-web runs one run of a session at a time, and a WebGPU run awaits its read-back.
  let last = Promise.resolve();
  self.addEventListener('message', (event: MessageEvent<RawRequest>) => void (last = last.then(() => handle(event.data))));
}
