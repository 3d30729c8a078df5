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

  /**
   * Damage per tree, read from integrity_check run here (iterated: the rows reported before a throw are kept) or from
   * `opts.reportedLines`, and mapped to table/index names: `Tree R …` (SQLite 3.44+, R = rootpage) directly, bare page
   * numbers (3.40) through the dbstat table. When the check throws part-way, every table is read through its b-tree
   * to tell whether the tables are whole. Never rejects for a damaged file (an unreadable schema is a result naming
   * it); rejects when the path is missing or unreadable.
   */
  diagnose(path: string, opts?: DiagnoseOptions): Promise<Diagnosis>;

  /**
   * A lossless repair of `src` into `dest`. Every table is read through its b-tree first; then REINDEX on a page copy
   * when that makes integrity_check pass, otherwise a rebuild
   * into a fresh file (tables from their schema SQL filled through their table b-trees, NOT INDEXED; then indexes,
   * triggers, views, sqlite_sequence, user_version, application_id; the journal mode and page size of src). Proven
   * with integrity_check and foreign_key_check (no violation src did not already have). Resolves `ok: false` (writes
   * nothing) when a table b-tree does not read whole, or a row breaks its own table's constraints: salvage's work.
   */
  repair(src: string, dest: string): Promise<RepairResult>;

  /**
   * Every readable row of every table of `src` into `dest`, keeping rowids and sqlite_sequence, on a schema rebuilt
   * from src's (indexes, triggers, views, user_version). Uses the local sqlite3's `.recover` when a probe on a scratch
   * database shows it works; otherwise reads each table in key order, finding the next seek that works past each
   * damaged range. Resolves with `noRowsReadable` rather than rejecting when nothing can be read (with dest null when
   * even the schema cannot be read); rejects on abort (AbortError: the worker stops reading, dest.tmp is removed).
   */
  salvage(src: string, dest: string, opts?: SalvageOptions): Promise<SalvageResult>;

  /**
   * `healthy` plus the rows of `salvaged` it lacks, by key (the INTEGER PRIMARY KEY rowid, else the declared primary
   * key), into `dest`: inserts only, never an update or a delete of a healthy row; the app's triggers do not fire. A
   * key in both with different content is a conflict, kept as healthy has it. A table without a stable key, or whose
   * columns differ between the two, is left as healthy has it and named. Proven like repair.
   */
  merge(healthy: string, salvaged: string, dest: string): Promise<MergeResult>;

  /**
   * Rows per table `candidate` holds and, per table, how many rows of `reference` (the best salvage) it lacks by key,
   * compared in SQL over both files attached to one read-only connection (streams; nothing per row is kept).
   */
  lossWindow(candidate: string, reference: string): Promise<LossWindow>;

  /** Ends the worker threads. */
  close(): Promise<void>;
}

// ---- damage, repair, salvage, merge (issue 13) ----
// Every method below runs in a worker thread, reads local files only and never changes an input: inputs are opened
// read-only (seeing their -wal) and a -wal/-shm that opening created is removed. Outputs are written as
// `dest + '.tmp'`, proven, fsynced and renamed to `dest`; a failure or cancellation leaves neither dest nor the .tmp.
// A dest that exists, or has a -wal/-shm beside it, is refused (never overwritten).

export type TreeType = 'table' | 'index';

export interface TreeDamage {
  name: string;
  type: TreeType;
  /** The table the tree belongs to (its own name for a table). */
  table: string;
  /** The first error lines attributed to this tree (at most 5). */
  errors: string[];
  errorCount: number;
  /** Distinct pages the errors name, sorted: for a table, the pages whose rows may be lost. */
  pages: number[];
}

export interface Diagnosis {
  path: string;
  /** integrity_check found nothing at all. */
  ok: boolean;
  /** Damaged trees: tables first, then indexes, each by name. */
  trees: TreeDamage[];
  damagedTables: string[];
  damagedIndexes: string[];
  /**
   * Damage was found and all of it is in indexes: every table b-tree is intact, so a repair loses nothing. False when
   * a table is damaged, or when an error could not be tied to a tree and the tables were not all read whole.
   */
  isIndexOnly: boolean;
  /** Lines no tree could be named for (a page no tree reaches, the freelist, what SQLite threw), first few. */
  unattributed: string[];
  /** integrity_check threw part-way (SQLITE_CORRUPT): the rows before the throw are kept, later trees were unchecked. */
  threw: boolean;
  /** When it threw: every table was then read whole through its b-tree (true), or some could not be (false). */
  tablesReadWhole: boolean | null;
  /** All error lines counted (stops at ERROR_LIMIT, as the pragma does). */
  errorCount: number;
  /** One line, in words: "3 indexes damaged, every table intact", "table analytics: 2 pages unreadable". */
  summary: string;
  durationMs: number;
}

export interface DiagnoseOptions {
  /**
   * integrity_check lines printed elsewhere (the container's sqlite3, e.g. 3.40 with bare page numbers) to map onto
   * this file's trees instead of running the check here. The file must be a copy of the database that printed them.
   */
  reportedLines?: string[];
}

/** What an output file was proven with before it was renamed into place. */
export interface OutputProof {
  integrity: 'ok';
  /**
   * foreign_key_check rows in the output. repair and merge never leave more than their input had (they fail instead);
   * a salvage keeps a row whose parent row was lost, and counts it here.
   */
  foreignKeyViolations: number;
}

export type RepairResult =
  | {
      ok: true;
      dest: string;
      /** reindex: REINDEX on a copy was enough; rebuild: a fresh file built from the schema and the table b-trees. */
      method: 'reindex' | 'rebuild';
      /** Rows per table in dest (equal to the rows of every table in src: a repair loses nothing). */
      tables: Record<string, number>;
      proof: OutputProof;
      durationMs: number;
    }
  | {
      ok: false;
      /** Why no repair is possible, in words, naming the table: "table analytics does not read whole: …". */
      reason: string;
      /** Tables whose b-tree could not be read to its end. */
      unreadableTables: string[];
      durationMs: number;
    };

/** Rows a salvage could not read: every key strictly between `after` and `before` (null: from the start / to the end). */
export interface SkippedRange {
  after: number | string | null;
  before: number | string | null;
}

export interface SalvagedTable {
  rowsRead: number;
  /** Rows read but refused by the rebuilt table (a UNIQUE or NOT NULL constraint the damaged copy no longer kept). */
  rowsRejected: number;
  /** Unreadable key ranges, in key order; empty when the table read whole. null when .recover ran (it does not say). */
  skipped: SkippedRange[] | null;
  /** SQLITE_CORRUPT errors met while reading. */
  errors: number;
}

export interface SalvageResult {
  /** null when nothing was written: src's schema could not be read, so no table is known (see noRowsReadable). */
  dest: string | null;
  /** sql-scan: each table read in key order through SQLite, bisecting around damage; recover: the sqlite3 CLI's. */
  method: 'recover' | 'sql-scan';
  /** Why .recover was not used (probed on a scratch database first), or null when it ran. */
  recoverUnavailable: string | null;
  tables: Record<string, SalvagedTable>;
  totalRows: number;
  /**
   * Not one row could be read although the file has damage (or an unreadable schema): said, not thrown. False for a
   * healthy file whose tables are all empty.
   */
  noRowsReadable: boolean;
  /** When noRowsReadable, why: "the schema cannot be read: …", "… every table is unreadable from its first row". */
  note: string | null;
  /** null when dest is null. */
  proof: OutputProof | null;
  durationMs: number;
}

export interface SalvageProgress {
  table: string;
  tablesDone: number;
  tablesTotal: number;
  /** Rows read so far, all tables. */
  rowsRead: number;
  skippedRanges: number;
}

export interface SalvageOptions {
  onProgress?: (progress: SalvageProgress) => void;
  /** Aborting stops the worker's reading at once; the promise rejects with a SqliteInspectorError named AbortError. */
  signal?: AbortSignal;
}

export interface MergedTable {
  rowsFromHealthy: number;
  rowsAdded: number;
  /** Keys present in both with different content: kept as the healthy copy has them. */
  conflicts: number;
  /** The first few conflicting keys (a rowid, or the primary-key values joined by ', '). */
  conflictKeys: string[];
  /** Salvaged rows refused by a UNIQUE constraint or a foreign key of the healthy copy: not added. */
  rowsRefused: number;
  /** Set when the table was left exactly as the healthy copy has it, and why. */
  leftAsHealthy: string | null;
}

export interface MergeResult {
  dest: string;
  tables: Record<string, MergedTable>;
  totalAdded: number;
  proof: OutputProof;
  durationMs: number;
}

export interface TableLoss {
  /** Rows the candidate holds. */
  rows: number;
  /** Rows the reference holds. */
  referenceRows: number;
  /** Rows of the reference whose key the candidate lacks; null when the table has no stable key to compare by. */
  missing: number | null;
  key: 'rowid' | 'primary key' | null;
}

export interface LossWindow {
  candidate: string;
  reference: string;
  /** Every table of either file, sorted by name; a table the candidate lacks counts all reference rows as missing. */
  tables: Record<string, TableLoss>;
  /** Sum of `missing` over the tables that have a key. */
  totalMissing: number;
  durationMs: number;
}
