// One verdict type for every integrity check of a run, whoever ran it, and the one triage that decides "corrupt or
// not" at the least cost: quick_check first (every page and b-tree, several times faster), integrity_check only
// when quick_check passes (it also cross-checks every index against its table, which quick_check does not).
import type { IntegrityResult } from '../ports/sqlite-inspector.js';

export type CheckPragma = 'quick_check' | 'integrity_check';

/** Who ran the check, so the record can say it. */
export type CheckRunner = 'sqlite3 in the container' | 'sqlite3 in a helper container' | 'SQLite on this machine';

export interface CheckVerdict {
  /** ok: exactly "ok"; corrupt: damage reported; no-verdict: the check was killed before it could answer. */
  verdict: 'ok' | 'corrupt' | 'no-verdict';
  check: CheckPragma;
  /** The first error lines (at most 20). */
  errors: string[];
  errorCount: number;
  ranBy: CheckRunner;
  /** True when it ran on a copy taken out of the container (not a consistent snapshot while the app writes). */
  onCopy: boolean;
}

export const isHealthy = (verdict: CheckVerdict): boolean => verdict.verdict === 'ok';

/** quick_check, then integrity_check when it passes. `run` resolves null when it cannot run at all (no sqlite3). */
export async function triage(run: (check: CheckPragma) => Promise<CheckVerdict | null>): Promise<CheckVerdict | null> {
  const quick = await run('quick_check');
  if (quick === null || quick.verdict !== 'ok') return quick;
  return run('integrity_check');
}

/** The verdict of a check SQLite ran on this machine. */
export function fromInspector(result: IntegrityResult, onCopy: boolean): CheckVerdict {
  return {
    verdict: result.ok ? 'ok' : 'corrupt',
    check: result.check,
    errors: result.errors,
    errorCount: result.errorCount,
    ranBy: 'SQLite on this machine',
    onCopy,
  };
}

/** "integrity_check by sqlite3 in the container", "quick_check by SQLite on this machine, on a copy". */
export function describeVerdictSource(verdict: CheckVerdict): string {
  return `${verdict.check} by ${verdict.ranBy}${verdict.onCopy ? ', on a copy' : ''}`;
}
