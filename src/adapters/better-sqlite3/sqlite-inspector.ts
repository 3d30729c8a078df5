// SqliteInspector over better-sqlite3, run in worker threads (see sqlite-worker.js): integrity checks and one-step
// backups block whichever thread runs them for seconds, and the TUI's thread must stay live.
import os from 'node:os';
import { ERROR_LIMIT, type CheckMode, type DbStats, type IntegrityResult, type SnapshotResult, type SqliteInspector } from '../../ports/sqlite-inspector.js';
import { RescueError, type ErrorKind } from '../../runbook/errors.js';
import { WorkerPool, type WorkerFailure } from './worker-pool.js';

/** A rejection from the inspector; `code` is SQLite's (SQLITE_CANTOPEN, ...) when SQLite raised it. */
export class SqliteInspectorError extends RescueError {
  readonly code?: string;

  constructor(failure: WorkerFailure) {
    const kind: ErrorKind = failure.kind === 'operator' || failure.kind === 'external' ? failure.kind : 'bug';
    super(failure.message, { kind });
    this.name = 'SqliteInspectorError';
    this.code = failure.code;
    if (kind === 'bug' && failure.stack) this.stack = failure.stack;
  }
}

export interface SqliteInspectorOptions {
  /** Worker threads at most; default os.availableParallelism(). */
  threads?: number;
}

export function createSqliteInspector(opts: SqliteInspectorOptions = {}): SqliteInspector {
  const threads = Math.max(1, opts.threads ?? os.availableParallelism());
  const pool = new WorkerPool(
    new URL('./sqlite-worker.js', import.meta.url),
    threads,
    (failure) => new SqliteInspectorError(failure),
  );
  return {
    check: (path: string, mode: CheckMode) => pool.run<IntegrityResult>('check', [path, mode, ERROR_LIMIT]),
    stats: (path: string) => pool.run<DbStats>('stats', [path]),
    snapshot: (src: string, dest: string) => pool.run<SnapshotResult>('snapshot', [src, dest]),
    close: () => pool.close(),
  };
}
