// The snapshot's full integrity_check, the slowest check of a run (it cross-checks every index against its table:
// about half a minute a GB). snapshot-source starts it and hands it on; it runs off the main thread while the
// operator confirms the copy and while the snapshot travels under its temporary name. stage-in-container cannot
// succeed, so the swap cannot happen, until it has passed. A dry-run awaits it in snapshot-source itself.
import type { IntegrityResult } from '../ports/sqlite-inspector.js';
import type { StepIO } from '../runbook/engine.js';
import { RescueError } from '../runbook/errors.js';
import type { Deps } from './deps.js';

/** A check under way. `settled` never rejects, so a run that ends before anyone awaits it cannot crash on it. */
export interface PendingCheck {
  path: string;
  startedAt: number;
  isDone: boolean;
  settled: Promise<{ result: IntegrityResult } | { error: unknown }>;
}

export function startSnapshotCheck(deps: Deps, path: string): PendingCheck {
  const pending: PendingCheck = { path, startedAt: deps.clock.now(), isDone: false, settled: Promise.resolve({ error: undefined }) };
  pending.settled = deps.sqlite.check(path, 'full').then(
    (result) => ({ result }),
    (error: unknown) => ({ error }),
  ).finally(() => {
    pending.isDone = true;
  });
  deps.facts.snapshotCheck = pending;
  return pending;
}

/**
 * Waits for the snapshot's integrity_check (starting it if this process has none under way: a resumed run) and
 * records it. Throws when the snapshot fails it: that source must not be used.
 */
/** A line for the operator while the step waits on the check, or undefined when it is already done. */
export function stillChecking(deps: Deps): string | undefined {
  const pending = deps.facts.snapshotCheck;
  if (!pending || pending.isDone) return undefined;
  return `integrity_check of the snapshot still running (${((deps.clock.now() - pending.startedAt) / 1000).toFixed(0)} s so far; about half a minute a GB)`;
}

export async function requireSnapshotIntegrity(io: StepIO, deps: Deps, path: string, sourcePath: string): Promise<IntegrityResult> {
  const pending = deps.facts.snapshotCheck?.path === path ? deps.facts.snapshotCheck : startSnapshotCheck(deps, path);
  const settled = await pending.settled;
  // Only a pass is kept: a retry after anything else checks again.
  if (!('result' in settled) || !settled.result.ok) deps.facts.snapshotCheck = undefined;
  if ('error' in settled) throw settled.error;
  const check = settled.result;
  io.command({ argv: ['sqlite3', path, 'PRAGMA integrity_check;'], where: 'local', exitCode: check.ok ? 0 : 1, durationMs: check.durationMs });
  if (!check.ok) {
    throw new RescueError(`the snapshot of ${sourcePath} fails integrity_check: ${check.errors[0]}`, {
      hint: 'this copy must not be restored; the live database is untouched. Choose another source: retry from choose-source',
    });
  }
  return check;
}
