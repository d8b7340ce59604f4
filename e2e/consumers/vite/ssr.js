// A server render in Node: the module graph of a page that uses tensorlane is imported on the server (as an SSR
// framework does), the page's HTML is rendered, and calling tensorlane there fails with a clear error.
// e2e/consumer.spec.ts runs `node ssr.js` in the installed app and reads the JSON it prints.
const globalsBefore = Object.getOwnPropertyNames(globalThis).sort();
const tensorlane = await import('tensorlane');
await import('tensorlane/worker');
const added = Object.getOwnPropertyNames(globalThis).filter((name) => !globalsBefore.includes(name));

const html = `<!doctype html><title>ssr</title><p>exports: ${Object.keys(tensorlane).sort().join(', ')}</p>`;

let error = null;
try {
  await tensorlane.createSession({ model: '/mlp.onnx' });
} catch (e) {
  error = { name: e.name, code: e.code, message: e.message, isTensorlaneError: tensorlane.isTensorlaneError(e) };
}
console.log(JSON.stringify({ html, added, error }));
