// `tensorlane-baseline`: another revision's tensorlane, built beside this one for `BASELINE=<rev> pnpm bench`
// (e2e/bench/baseline.ts), or this one when none is asked for (e2e/vite.config.ts). Its API is this one's, or older.
declare module 'tensorlane-baseline' {
  export * from 'tensorlane';
}
