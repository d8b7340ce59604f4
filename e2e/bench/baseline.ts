// `BASELINE=<git rev> pnpm bench`: that revision's tensorlane, built in a worktree under node_modules and bundled
// into the harness as `tensorlane-baseline` (e2e/vite.config.ts), so that a section can run it beside this tree's
// in the same page, taking turns round by round (section 1–2 does). The worktree goes once the harness is built.
import { execFileSync } from 'node:child_process';
import { rmSync, symlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));

/** The revision asked for, if any. */
export const BASELINE: string | undefined = process.env['BASELINE'] || undefined;

/** Runs `build` with the baseline's tensorlane built and aliased, when one is asked for. */
export async function withBaseline<T>(build: () => Promise<T>): Promise<T> {
  if (BASELINE === undefined) return build();
  const tree = `${repo}node_modules/.bench-baseline/`;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'ignore' });
  rmSync(tree, { recursive: true, force: true });
  git('worktree', 'prune');
  git('worktree', 'add', '--detach', '--force', tree, BASELINE);
  try {
    // The baseline resolves its dependencies where this tree does: same lockfile family, nothing to install.
    symlinkSync(`${repo}node_modules`, `${tree}node_modules`);
    symlinkSync(`${repo}packages/tensorlane/node_modules`, `${tree}packages/tensorlane/node_modules`);
    execFileSync(`${repo}node_modules/.bin/tsc`, ['-b', 'packages/tensorlane/tsconfig.build.json'], { cwd: tree, stdio: 'inherit' });
    process.env['TENSORLANE_BASELINE_DIST'] = `${tree}packages/tensorlane/dist/index.js`;
    return await build();
  } finally {
    delete process.env['TENSORLANE_BASELINE_DIST'];
    git('worktree', 'remove', '--force', tree);
  }
}
