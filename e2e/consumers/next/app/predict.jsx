'use client';
// The client component: runs app.js (the prediction shared by every consumer fixture) in the browser once mounted.
import { useEffect } from 'react';

export default function Predict() {
  useEffect(() => {
    void import('./app.js');
  }, []);
  return (
    <pre id="result" data-status="running">
      running…
    </pre>
  );
}
