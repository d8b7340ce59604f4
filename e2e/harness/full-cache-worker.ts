// A tensorlane worker whose Cache API is full: every put() rejects with QuotaExceededError, as a browser does when
// the origin's storage quota is used up. Reads and everything else are the real Cache API.
Cache.prototype.put = () => Promise.reject(new DOMException('the quota has been exceeded (simulated)', 'QuotaExceededError'));
await import('tensorlane/worker');
export {};
