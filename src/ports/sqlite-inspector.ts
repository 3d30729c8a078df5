// SQLite on this machine: the operator's local copy, files copied out of a container, our own snapshots.
// Every method runs off the caller's thread (the TUI must stay live) and never changes the file it inspects.

export type CheckMode = 'quick' | 'full';

/** quick_check and integrity_check stop after this many errors, as SQLite and its CLI do by default. */
export const ERROR_LIMIT = 100;

/** "3 errors", "1 error", "100 or more errors" (the check stopped counting). */
export function describeErrorCount(count: number): string {
  if (count >= ERROR_LIMIT) return `${ERROR_LIMIT} or more errors`;
  return `${count} error${count === 1 ? '' : 's'}`;
}

export interface IntegrityResult {
  path: string;
  ok: boolean;
  /** Which pragma ran: say it, always. */
  check: 'integrity_check' | 'quick_check';
  /** The first error rows (at most 20), or the error SQLite threw (SQLITE_CORRUPT, SQLITE_NOTADB, ...). */
  errors: string[];
  /**
   * Error rows counted, or 1 when SQLite threw. The check stops after ERROR_LIMIT errors (SQLite's default, as the
   * sqlite3 CLI runs it), so a count at the limit means "at least" (see describeErrorCount).
   */
  errorCount: number;
  durationMs: number;
}

export interface DbStats {
  path: string;
  /** Row count per table (sqlite_% internal tables excluded), tables sorted by name. */
  tables: Record<string, number>;
  /** Largest rowid per rowid table: a copy with fewer or older rows shows here. */
  maxRowids: Record<string, number>;
  journalMode: string;
  pageSize: number;
  pageCount: number;
}

export interface SnapshotResult {
  dest: string;
  bytes: number;
  durationMs: number;
}

export interface SqliteInspector {
  /**
   * PRAGMA quick_check or integrity_check through a read-only connection that sees the -wal. The .db and its -wal
   * stay byte-for-byte the same, and no -wal/-shm is left beside a file that had none. Never rejects for a corrupt
   * or non-SQLite file (that is a result with ok=false); rejects when the path is missing or unreadable.
   */
  check(path: string, mode: CheckMode): Promise<IntegrityResult>;

  /** Row counts per table through a read-only connection, same guarantees as check. Rejects on a corrupt file. */
  stats(path: string): Promise<DbStats>;

  /**
   * A consistent copy of `src` (WAL content included) written to `dest` through SQLite's backup API in one step, so
   * it finishes under a steady writer. Writes `dest + '.tmp'` then renames; the copy is a standalone file (its own
   * -wal checkpointed and gone). `src` is opened read-only and left unchanged.
   */
  snapshot(src: string, dest: string): Promise<SnapshotResult>;

  /** Ends the worker threads. */
  close(): Promise<void>;
}
