// Run by test/snapshot.spec.ts: goldens and outputs go to SNAPSHOT_DIR, a temporary directory of the outer test.
import { defineConfig } from '@playwright/test';

const dir = process.env['SNAPSHOT_DIR'];
if (!dir) throw new Error('SNAPSHOT_DIR is not set: test/snapshot.spec.ts runs this project');

export default defineConfig({
  testDir: '.',
  retries: 0,
  snapshotPathTemplate: `${dir}/{testFileName}-snapshots/{arg}{ext}`,
  outputDir: `${dir}/test-results`,
});
