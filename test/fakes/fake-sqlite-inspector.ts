// SqliteInspector over the fake local disk: health and row counts come from the file's bytes (see fake-db.ts).
import type {
  CheckMode,
  DbStats,
  Diagnosis,
  DiagnoseOptions,
  IntegrityResult,
  LossWindow,
  MergeResult,
  MergedTable,
  RepairResult,
  SalvageOptions,
  SalvageResult,
  SalvagedTable,
  SnapshotResult,
  SqliteInspector,
  TreeDamage,
} from '../../src/ports/sqlite-inspector.js';
import { checkRows, fakeDb, readFakeDb, type FakeDbState } from './fake-db.js';
import type { FakeLocalFiles } from './fake-local-files.js';

/** An inclusive range of keys. */
export type KeyRange = [from: number, to: number];

/**
 * A fake database whose rows are keys: table t holds the keys 1…(tables[t] + the keys in its gaps), less its gaps, so
 * that salvage, merge and the loss window can be counted exactly. Carried in the file's bytes like FakeDbState.
 */
export interface FakeRowsState extends FakeDbState {
  /** Keys a table lacks (a salvage's lost rows; an old copy is simply shorter). */
  gaps?: Record<string, KeyRange[]>;
  /** Keys a table holds that cannot be read (destroyed pages): a repair refuses, a salvage skips them. */
  unreadable?: Record<string, KeyRange[]>;
  /** Damaged index → its table. */
  damagedIndexes?: Record<string, string>;
}

/** The bytes of a fake database with keyed rows and damage (see FakeRowsState). */
export function fakeRowsDb(state: FakeRowsState): Buffer {
  return fakeDb(state);
}

type Method = 'check' | 'stats' | 'snapshot' | 'diagnose' | 'repair' | 'salvage' | 'merge' | 'lossWindow';

const size = (ranges: KeyRange[] = []) => ranges.reduce((n, [a, b]) => n + b - a + 1, 0);

/** The keys of one table as sorted, disjoint ranges. */
function keysOf(db: FakeRowsState, table: string): KeyRange[] {
  const gaps = [...(db.gaps?.[table] ?? [])].sort((a, b) => a[0] - b[0]);
  const max = (db.tables[table] ?? 0) + size(gaps);
  const keys: KeyRange[] = [];
  let next = 1;
  for (const [a, b] of gaps) {
    if (a > next) keys.push([next, a - 1]);
    next = b + 1;
  }
  if (next <= max) keys.push([next, max]);
  return keys;
}

function subtract(keys: KeyRange[], minus: KeyRange[]): KeyRange[] {
  let out = keys;
  for (const [c, d] of minus) {
    out = out.flatMap(([a, b]): KeyRange[] => {
      if (d < a || c > b) return [[a, b]];
      const parts: KeyRange[] = [];
      if (c > a) parts.push([a, c - 1]);
      if (d < b) parts.push([d + 1, b]);
      return parts;
    });
  }
  return out;
}

/** Gaps that make `keys` the table's key set (keys start at 1). */
function gapsFor(keys: KeyRange[]): KeyRange[] {
  const gaps: KeyRange[] = [];
  let next = 1;
  for (const [a, b] of [...keys].sort((x, y) => x[0] - y[0])) {
    if (a > next) gaps.push([next, a - 1]);
    next = Math.max(next, b + 1);
  }
  return gaps;
}

function union(a: KeyRange[], b: KeyRange[]): KeyRange[] {
  const all = [...a, ...b].sort((x, y) => x[0] - y[0]);
  const out: KeyRange[] = [];
  for (const [c, d] of all) {
    const last = out.at(-1);
    if (last && c <= last[1] + 1) last[1] = Math.max(last[1], d);
    else out.push([c, d]);
  }
  return out;
}

function abortError(): Error {
  const error = new Error('aborted by the caller');
  error.name = 'AbortError';
  return error;
}

export class FakeSqliteInspector implements SqliteInspector {
  readonly calls: Array<{ method: Method; args: string[] }> = [];

  constructor(private readonly disk: FakeLocalFiles) {}

  private held: Promise<void> | undefined;

  /** Full checks wait until the returned function is called: a slow integrity_check, as on a large database. */
  holdFullChecks(): () => void {
    let release = () => {};
    this.held = new Promise((resolve) => (release = resolve));
    return release;
  }

  async check(path: string, mode: CheckMode): Promise<IntegrityResult> {
    this.calls.push({ method: 'check', args: [path, mode] });
    if (mode === 'full') await this.held;
    const db = readFakeDb(this.disk.read(path));
    const check = mode === 'full' ? 'integrity_check' : 'quick_check';
    const errors =
      db === null ? ['SQLITE_NOTADB: file is not a database'] : db.fatal ? [`SQLITE_CORRUPT: ${db.fatal}`] : checkRows(db, check);
    return {
      path,
      ok: errors.length === 0,
      check,
      errors: errors.slice(0, 20),
      errorCount: db?.fatal || db === null ? 1 : errors.length,
      durationMs: 3,
    };
  }

  async stats(path: string): Promise<DbStats> {
    this.calls.push({ method: 'stats', args: [path] });
    const db = readFakeDb(this.disk.read(path));
    if (db === null || db.fatal || checkRows(db, 'quick_check').length > 0) throw new Error(`SQLITE_CORRUPT: cannot count rows of ${path}`);
    const tables = Object.fromEntries(Object.entries(db.tables).sort(([a], [b]) => a.localeCompare(b)));
    return { path, tables, maxRowids: { ...tables }, journalMode: 'wal', pageSize: 4096, pageCount: 2 };
  }

  // A snapshot is a standalone copy of the same data: same tables, no note, so its bytes differ from a noted source.
  async snapshot(src: string, dest: string): Promise<SnapshotResult> {
    this.calls.push({ method: 'snapshot', args: [src, dest] });
    const db = readFakeDb(this.disk.read(src));
    if (db === null || db.fatal) throw new Error(`SQLITE_NOTADB: cannot back up ${src}`);
    const content = fakeDb({ tables: db.tables, errors: db.errors, indexErrors: db.indexErrors, note: 'snapshot' });
    this.disk.put(dest, content, '2025-01-01T02:00:00.000Z');
    return { dest, bytes: content.length, durationMs: 7 };
  }

  private rows(path: string): FakeRowsState {
    const db = readFakeDb(this.disk.read(path)) as FakeRowsState | null;
    if (db === null || db.fatal) throw new Error(`SQLITE_NOTADB: cannot read ${path}`);
    return db;
  }

  private write(dest: string, state: FakeRowsState): void {
    if (this.disk.files.has(dest)) throw new Error(`${dest} exists: choose another destination or move it away`);
    this.disk.put(dest, fakeRowsDb(state), '2025-01-01T02:00:00.000Z');
  }

  // Damage per tree from the file: unreadable keys make a damaged table (a page per range), damagedIndexes the indexes.
  async diagnose(path: string, opts: DiagnoseOptions = {}): Promise<Diagnosis> {
    this.calls.push({ method: 'diagnose', args: opts.reportedLines ? [path, ...opts.reportedLines] : [path] });
    const db = readFakeDb(this.disk.read(path)) as FakeRowsState | null;
    if (db === null || db.fatal) {
      const reason = `the schema cannot be read: SQLITE_NOTADB: file is not a database`;
      const nothing = { trees: [], damagedTables: [], damagedIndexes: [], isIndexOnly: false, tablesReadWhole: null };
      return { path, ok: false, ...nothing, unattributed: [reason], threw: true, errorCount: 1, summary: reason, durationMs: 4 };
    }
    const trees: TreeDamage[] = [];
    for (const [table, ranges] of Object.entries(db.unreadable ?? {}).sort()) {
      const pages = ranges.map((_, i) => 100 + i);
      const errors = pages.map((p) => `Tree 2 page ${p}: btreeInitPage() returns error code 11`);
      trees.push({ name: table, type: 'table', table, errors, errorCount: pages.length, pages });
    }
    for (const [index, table] of Object.entries(db.damagedIndexes ?? {}).sort()) {
      trees.push({ name: index, type: 'index', table, errors: [`wrong # of entries in index ${index}`], errorCount: 1, pages: [] });
    }
    const damagedTables = trees.filter((t) => t.type === 'table').map((t) => t.name);
    const damagedIndexes = trees.filter((t) => t.type === 'index').map((t) => t.name);
    const isIndexOnly = damagedTables.length === 0 && damagedIndexes.length > 0;
    const ok = trees.length === 0 && checkRows(db, 'integrity_check').length === 0;
    const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
    const tableWords = trees
      .filter((t) => t.type === 'table')
      .map((t) => `table ${t.name}: ${plural(t.pages.length, 'page', 'pages')} unreadable`);
    const indexWords = damagedIndexes.length === 0 ? [] : [plural(damagedIndexes.length, 'index damaged', 'indexes damaged')];
    const words = [...tableWords, ...indexWords].join('; ') || 'damage outside any table or index';
    const summary = ok ? 'no damage found' : isIndexOnly ? `${indexWords[0]}, every table intact` : words;
    const errorCount = trees.reduce((n, t) => n + t.errorCount, 0) + (trees.length === 0 && !ok ? 1 : 0);
    const rest = { unattributed: [], threw: false, tablesReadWhole: null, errorCount, summary, durationMs: 4 };
    return { path, ok, trees, damagedTables, damagedIndexes, isIndexOnly, ...rest };
  }

  // Lossless when no table has unreadable keys: the same rows, every index mended.
  async repair(src: string, dest: string): Promise<RepairResult> {
    this.calls.push({ method: 'repair', args: [src, dest] });
    const db = this.rows(src);
    const unreadableTables = Object.keys(db.unreadable ?? {})
      .filter((t) => size(db.unreadable?.[t]) > 0)
      .sort();
    if (unreadableTables.length > 0) {
      const reason = `table ${unreadableTables[0]} does not read whole: a repair would lose rows, salvage them instead`;
      return { ok: false, reason, unreadableTables, durationMs: 5 };
    }
    this.write(dest, { tables: db.tables, gaps: db.gaps, note: 'repaired' });
    const method = Object.keys(db.damagedIndexes ?? {}).length > 0 || (db.indexErrors ?? []).length > 0 ? 'rebuild' : 'reindex';
    return { ok: true, dest, method, tables: { ...db.tables }, proof: { integrity: 'ok', foreignKeyViolations: 0 }, durationMs: 5 };
  }

  private heldSalvage: Promise<void> | undefined;

  /** Salvages wait, after their first progress event, until the returned function is called: a long salvage. */
  holdSalvages(): () => void {
    let release = () => {};
    this.heldSalvage = new Promise((resolve) => (release = resolve));
    return release;
  }

  // Every readable key: the unreadable ranges become gaps of the output.
  async salvage(src: string, dest: string, opts: SalvageOptions = {}): Promise<SalvageResult> {
    this.calls.push({ method: 'salvage', args: [src, dest] });
    const db = readFakeDb(this.disk.read(src)) as FakeRowsState | null;
    const recoverUnavailable = 'sqlite3 3.40.1: .recover fails on a scratch database (sql error: SQL logic error (1))';
    if (db === null || db.fatal) {
      const note = 'the schema cannot be read: SQLITE_NOTADB: file is not a database';
      const nothing = { tables: {}, totalRows: 0, noRowsReadable: true, note, proof: null, durationMs: 6 };
      return { dest: null, method: 'sql-scan', recoverUnavailable, ...nothing };
    }
    const names = Object.keys(db.tables).sort();
    const tables: Record<string, SalvagedTable> = {};
    const out: FakeRowsState = { tables: {}, gaps: {}, note: 'salvaged' };
    let rowsRead = 0;
    for (const [done, name] of names.entries()) {
      if (opts.signal?.aborted) throw abortError();
      opts.onProgress?.({ table: name, tablesDone: done, tablesTotal: names.length, rowsRead, skippedRanges: 0 });
      if (this.heldSalvage && !opts.signal?.aborted) {
        await Promise.race([this.heldSalvage, new Promise((resolve) => opts.signal?.addEventListener('abort', resolve, { once: true }))]);
      }
      if (opts.signal?.aborted) throw abortError();
      const lost = db.unreadable?.[name] ?? [];
      const keys = subtract(keysOf(db, name), lost);
      const read = size(keys);
      out.tables[name] = read;
      out.gaps![name] = gapsFor(keys);
      rowsRead += read;
      const skipped = lost.map(([a, b]) => ({ after: a - 1 || null, before: b + 1 }));
      tables[name] = { rowsRead: read, rowsRejected: 0, skipped, errors: lost.length };
    }
    const noRowsReadable = rowsRead === 0 && Object.keys(db.unreadable ?? {}).length > 0;
    this.write(dest, out);
    return {
      dest,
      method: 'sql-scan',
      recoverUnavailable,
      tables,
      totalRows: rowsRead,
      noRowsReadable,
      note: noRowsReadable ? 'no row of any table can be read: every table is unreadable from its first row' : null,
      proof: { integrity: 'ok', foreignKeyViolations: 0 },
      durationMs: 6,
    };
  }

  // The healthy keys plus the salvage's keys it lacks; a fake row's content is its key, so there are no conflicts.
  async merge(healthy: string, salvaged: string, dest: string): Promise<MergeResult> {
    this.calls.push({ method: 'merge', args: [healthy, salvaged, dest] });
    const h = this.rows(healthy);
    const s = this.rows(salvaged);
    const out: FakeRowsState = { tables: {}, gaps: {}, note: 'merged' };
    const tables: Record<string, MergedTable> = {};
    // A table only the salvage has is added whole, as the real merge does.
    for (const name of [...new Set([...Object.keys(h.tables), ...Object.keys(s.tables)])].sort()) {
      const mine = h.tables[name] === undefined ? [] : keysOf(h, name);
      const added = s.tables[name] === undefined ? [] : subtract(keysOf(s, name), mine);
      const keys = union(mine, added);
      out.tables[name] = size(keys);
      out.gaps![name] = gapsFor(keys);
      const leftAsHealthy = s.tables[name] === undefined ? 'the salvage has no such table' : null;
      tables[name] = { rowsFromHealthy: size(mine), rowsAdded: size(added), conflicts: 0, conflictKeys: [], rowsRefused: 0, leftAsHealthy };
    }
    this.write(dest, out);
    const totalAdded = Object.values(tables).reduce((n, t) => n + t.rowsAdded, 0);
    return { dest, tables, totalAdded, proof: { integrity: 'ok', foreignKeyViolations: 0 }, durationMs: 7 };
  }

  async lossWindow(candidate: string, reference: string): Promise<LossWindow> {
    this.calls.push({ method: 'lossWindow', args: [candidate, reference] });
    const c = this.rows(candidate);
    const r = this.rows(reference);
    const tables: LossWindow['tables'] = {};
    let totalMissing = 0;
    for (const name of [...new Set([...Object.keys(c.tables), ...Object.keys(r.tables)])].sort()) {
      const theirs = r.tables[name] === undefined ? [] : keysOf(r, name);
      const missing = c.tables[name] === undefined ? size(theirs) : size(subtract(theirs, keysOf(c, name)));
      totalMissing += missing;
      tables[name] = { rows: c.tables[name] ?? 0, referenceRows: r.tables[name] ?? 0, missing, key: 'rowid' };
    }
    return { candidate, reference, tables, totalMissing, durationMs: 3 };
  }

  async close(): Promise<void> {}
}
