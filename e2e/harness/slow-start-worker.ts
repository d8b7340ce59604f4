// A custom worker that does async set-up before it loads tensorlane: the page must not lose its first messages.
await new Promise((resolve) => setTimeout(resolve, 300));
await import('tensorlane/worker');
export {};
