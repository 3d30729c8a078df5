// SqliteInspector over better-sqlite3, run in worker threads (see sqlite-worker.js): integrity checks, backups,
// repairs and salvages block whichever thread runs them for seconds, and the TUI's thread must stay live.
import fs from 'node:fs';
import os from 'node:os';
import { ERROR_LIMIT, type SqliteInspector } from '../../ports/sqlite-inspector.js';
import { RescueError, type ErrorKind } from '../../runbook/errors.js';
import { WorkerPool, type WorkerFailure } from './worker-pool.js';

/**
 * A rejection from the inspector; `code` is SQLite's (SQLITE_CANTOPEN, ...) when SQLite raised it. An aborted job
 * rejects with one named AbortError.
 */
export class SqliteInspectorError extends RescueError {
  readonly code?: string;

  constructor(failure: WorkerFailure) {
    const aborted = failure.kind === 'aborted';
    const kind: ErrorKind = failure.kind === 'external' ? 'external' : failure.kind === 'operator' || aborted ? 'operator' : 'bug';
    super(failure.message, { kind, exitCode: aborted ? 3 : 1 });
    this.name = aborted ? 'AbortError' : 'SqliteInspectorError';
    this.code = failure.code;
    if (kind === 'bug' && failure.stack) this.stack = failure.stack;
  }
}

export interface SqliteInspectorOptions {
  /** Worker threads at most; default os.availableParallelism(). */
  threads?: number;
  /** The sqlite3 CLI whose `.recover` salvage probes and uses if it works; default `sqlite3` on PATH; null: never. */
  sqlite3?: string | null;
}

/**
 * The worker's file. Beside this module in both layouts: src/adapters/better-sqlite3/ under vitest (which runs this
 * file from its TypeScript source, while Node loads the worker, plain JavaScript, by itself) and
 * dist/adapters/better-sqlite3/ after `tsc -p tsconfig.build.json` (allowJs copies the worker and its helpers there).
 */
export const WORKER_URL = new URL('./sqlite-worker.js', import.meta.url);

export function createSqliteInspector(opts: SqliteInspectorOptions = {}): SqliteInspector {
  const threads = Math.max(1, opts.threads ?? os.availableParallelism());
  const sqlite3 = opts.sqlite3 === undefined ? 'sqlite3' : opts.sqlite3;
  const pool = new WorkerPool(WORKER_URL, threads, (failure) => new SqliteInspectorError(failure));
  return {
    check: (path, mode) => pool.run('check', [path, mode, ERROR_LIMIT]),
    stats: (path) => pool.run('stats', [path]),
    snapshot: (src, dest) => pool.run('snapshot', [src, dest]),
    diagnose: (path, diagnoseOpts = {}) => pool.run('diagnose', [path, diagnoseOpts, ERROR_LIMIT]),
    repair: (src, dest) => pool.run('repair', [src, dest]),
    salvage: (src, dest, salvageOpts = {}) =>
      pool.run('salvage', [src, dest, sqlite3], salvageOpts).catch((error: unknown) => {
        // A worker terminated past its grace period could not remove its own temporary file.
        if (error instanceof SqliteInspectorError && error.name === 'AbortError') removeTemporaries(`${dest}.tmp`);
        throw error;
      }),
    merge: (healthy, salvaged, dest) => pool.run('merge', [healthy, salvaged, dest]),
    lossWindow: (candidate, reference) => pool.run('lossWindow', [candidate, reference]),
    close: () => pool.close(),
  };
}

function removeTemporaries(tmp: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(tmp + suffix, { force: true });
}
