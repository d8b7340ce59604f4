// A server component: imports tensorlane on the server (at build time or per request) and shows that calling it
// there fails with a clear error. The prediction runs in the client component below, in the browser.
import * as tensorlane from 'tensorlane';
import Predict from './predict.jsx';

async function serverError() {
  try {
    await tensorlane.createSession({ model: '/mlp.onnx' });
    return 'no error';
  } catch (error) {
    return `${error.code}: ${error.message}`;
  }
}

export default async function Page() {
  return (
    <main>
      <h1>tensorlane consumer: next</h1>
      <p id="server-exports">exports: {Object.keys(tensorlane).sort().join(', ')}</p>
      <p id="server-error">{await serverError()}</p>
      <Predict />
    </main>
  );
}
