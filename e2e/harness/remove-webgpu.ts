// navigator.gpu reads undefined from here on, in this worker.
Object.defineProperty(Object.getPrototypeOf(navigator), 'gpu', { get: () => undefined, configurable: true });
