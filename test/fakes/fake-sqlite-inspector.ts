// SqliteInspector over the fake local disk: health and row counts come from the file's bytes (see fake-db.ts).
import type { CheckMode, DbStats, IntegrityResult, SnapshotResult, SqliteInspector } from '../../src/ports/sqlite-inspector.js';
import { checkRows, fakeDb, readFakeDb } from './fake-db.js';
import type { FakeLocalFiles } from './fake-local-files.js';

export class FakeSqliteInspector implements SqliteInspector {
  readonly calls: Array<{ method: 'check' | 'stats' | 'snapshot'; args: string[] }> = [];

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
    const errors = db === null ? ['SQLITE_NOTADB: file is not a database'] : db.fatal ? [`SQLITE_CORRUPT: ${db.fatal}`] : checkRows(db, check);
    return { path, ok: errors.length === 0, check, errors: errors.slice(0, 20), errorCount: db?.fatal || db === null ? 1 : errors.length, durationMs: 3 };
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

  async close(): Promise<void> {}
}
