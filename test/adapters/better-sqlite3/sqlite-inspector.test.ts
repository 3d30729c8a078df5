import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createSqliteInspector } from '../../../src/adapters/better-sqlite3/index.js';
import { describeErrorCount, ERROR_LIMIT, type SqliteInspector } from '../../../src/ports/sqlite-inspector.js';
import {
  corruptBtreePage,
  makeAppDb,
  makeLocalCopyWithWalOnlyRows,
  overwriteHeader,
  sidecarHashes,
  truncate,
} from '../../support/sqlite-fixtures.js';

let dir: string;
let inspector: SqliteInspector;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlite-inspector-'));
  inspector = createSqliteInspector({ threads: 2 });
});
afterAll(async () => {
  await inspector.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const file = (name: string) => path.join(dir, name);

describe('check', () => {
  test('a healthy WAL-marked file without -wal: ok, and no -wal/-shm appears beside it', async () => {
    const db = makeAppDb(file('healthy.db'), { rows: 1000, seed: 1 }).path;
    const before = sidecarHashes(db);
    for (const mode of ['quick', 'full'] as const) {
      const started = Date.now();
      const result = await inspector.check(db, mode);
      expect(result).toMatchObject({
        path: db,
        ok: true,
        check: mode === 'quick' ? 'quick_check' : 'integrity_check',
        errors: [],
        errorCount: 0,
      });
      // The check's own time, measured in the worker: within what the call took here.
      expect(result.durationMs).toBeLessThanOrEqual(Date.now() - started);
    }
    expect(sidecarHashes(db)).toEqual(before);
    expect(Object.keys(before)).toEqual(['.db']);
  });

  test('a .db with a -wal and no -shm: sees the WAL-only rows, leaves .db and -wal as they were, no -shm', async () => {
    const db = makeLocalCopyWithWalOnlyRows(file('walcopy.db'), { rows: 1000, walRows: 100, seed: 2 }).path;
    const before = sidecarHashes(db);
    expect((await inspector.check(db, 'full')).ok).toBe(true);
    const stats = await inspector.stats(db);
    expect(stats.tables.events).toBe(1100);
    expect(stats.maxRowids.events).toBe(1100);
    expect(sidecarHashes(db)).toEqual(before);
    expect(Object.keys(before)).toEqual(['.db', '-wal']);
  });

  test('a database an app has open (live -wal and -shm): sees its uncheckpointed rows, changes neither file', async () => {
    const db = makeAppDb(file('live.db'), { rows: 500, seed: 3 }).path;
    const app = new Database(db);
    try {
      app.pragma('wal_autocheckpoint = 0');
      app.prepare("INSERT INTO events(at, note) VALUES ('2030-01-01T00:00:00.000Z', 'only in the wal')").run();
      const before = sidecarHashes(db);
      expect((await inspector.check(db, 'quick')).ok).toBe(true);
      expect((await inspector.stats(db)).tables.events).toBe(501);
      const after = sidecarHashes(db);
      expect(after['.db']).toBe(before['.db']);
      expect(after['-wal']).toBe(before['-wal']);
      expect(Object.keys(after)).toEqual(['.db', '-wal', '-shm']);
    } finally {
      app.close();
    }
  });

  test('a corrupt index leaf: SQLite throws, and that is an ok=false result', async () => {
    const db = makeAppDb(file('corrupt-index.db'), { rows: 3000, seed: 4 }).path;
    corruptBtreePage(db, { seed: 1, target: 'index' });
    const result = await inspector.check(db, 'full');
    expect(result.ok).toBe(false);
    expect(result.errorCount).toBeGreaterThan(1);
    // Error lines first (one a line, without SQLite's "*** in database main ***" heading), what it threw last.
    expect(result.errors[0]).toMatch(/^Tree \d+ page \d+ cell \d+: /);
    expect(result.errors.at(-1)).toBe('SQLITE_CORRUPT: database disk image is malformed');
    expect(result.errors.length).toBeLessThanOrEqual(20);
  });

  test('a corrupt table leaf: error rows, the first 20 kept and all of them counted', async () => {
    const db = makeAppDb(file('corrupt-table.db'), { rows: 3000, seed: 4 }).path;
    corruptBtreePage(db, { seed: 1, target: 'table' });
    const before = sidecarHashes(db);
    const result = await inspector.check(db, 'full');
    expect(result.ok).toBe(false);
    expect(result.errors.length).toBeGreaterThan(0);
    expect(result.errors.length).toBeLessThanOrEqual(20);
    expect(result.errorCount).toBeGreaterThanOrEqual(result.errors.length);
    expect(sidecarHashes(db)).toEqual(before);
  });

  test('counting stops at 100 error rows, as the sqlite3 CLI does: the file is judged long before', async () => {
    const db = file('many-errors.db');
    const conn = new Database(db);
    conn.exec('CREATE TABLE t(x TEXT, y TEXT); CREATE INDEX t_i ON t(x);');
    const insert = conn.prepare('INSERT INTO t VALUES (?, ?)');
    conn.transaction(() => {
      for (let i = 0; i < 300; i++) insert.run(`x${i}`, `y${i}`);
    })();
    // The index now claims to cover y while its entries hold x: every row is "row N missing from index t_i".
    conn.unsafeMode(true);
    conn.pragma('writable_schema = ON');
    conn.exec("UPDATE sqlite_schema SET sql = 'CREATE INDEX t_i ON t(y)' WHERE name = 't_i'");
    conn.close();

    const result = await inspector.check(db, 'full');
    expect(result.ok).toBe(false);
    expect(result.errors).toHaveLength(20);
    expect(result.errorCount).toBe(ERROR_LIMIT);
    expect(describeErrorCount(result.errorCount)).toBe('100 or more errors');
  });

  test('not a database, header overwritten, truncated, empty: ok=false with a clear text', async () => {
    const garbage = file('garbage.db');
    fs.writeFileSync(garbage, Buffer.alloc(8192, 0x42));
    const header = makeAppDb(file('header.db'), { rows: 200, seed: 5 }).path;
    overwriteHeader(header, { seed: 5 });
    const truncated = makeAppDb(file('truncated.db'), { rows: 3000, seed: 5 }).path;
    truncate(truncated);
    const empty = file('empty.db');
    fs.writeFileSync(empty, '');

    const results = await Promise.all([garbage, header, truncated, empty].map((p) => inspector.check(p, 'quick')));
    for (const result of results) {
      expect(result.ok).toBe(false);
      expect(result.errorCount).toBe(1);
    }
    expect(results[0].errors).toEqual(['SQLITE_NOTADB: file is not a database (not a SQLite database)']);
    expect(results[1].errors[0]).toMatch(/not a SQLite database/);
    expect(results[2].errors[0]).toMatch(/SQLITE_CORRUPT/);
    expect(results[3].errors).toEqual(['empty file (0 bytes): not a SQLite database']);
  });

  test('an empty .db beside a -wal is reported without opening it (SQLite would delete the -wal)', async () => {
    const empty = file('empty-with-wal.db');
    fs.writeFileSync(empty, '');
    fs.writeFileSync(`${empty}-wal`, Buffer.alloc(4152, 1));
    const before = sidecarHashes(empty);
    expect((await inspector.check(empty, 'full')).ok).toBe(false);
    expect(sidecarHashes(empty)).toEqual(before);
  });

  test('missing path and directory: rejects, naming the path and the problem', async () => {
    await expect(inspector.check(file('nope.db'), 'quick')).rejects.toThrow(`${file('nope.db')}: no such file`);
    fs.mkdirSync(file('dir.db'));
    await expect(inspector.check(file('dir.db'), 'quick')).rejects.toThrow(`${file('dir.db')}: is a directory`);
    await expect(inspector.stats(file('nope.db'))).rejects.toMatchObject({ name: 'SqliteInspectorError', kind: 'operator' });
  });
});

describe('stats', () => {
  test('counts per table sorted by name, max rowids of rowid tables only, header facts', async () => {
    const db = makeAppDb(file('stats.db'), { rows: 1234, seed: 6 }).path;
    const conn = new Database(db);
    conn.exec(`CREATE TABLE "odd ""name"" 'here'"(id INTEGER PRIMARY KEY, v); INSERT INTO "odd ""name"" 'here'"(id, v) VALUES (41, 1), (42, 2);
               CREATE TABLE shadowed(rowid TEXT, v); INSERT INTO shadowed VALUES ('x', 1);
               CREATE TABLE empty_table(v);
               CREATE VIEW recent AS SELECT * FROM events;`);
    conn.close();
    const before = sidecarHashes(db);
    const stats = await inspector.stats(db);
    expect(stats).toEqual({
      path: db,
      tables: { empty_table: 0, events: 1234, 'odd "name" \'here\'': 2, settings: 3, shadowed: 1, users: 124 },
      maxRowids: { empty_table: 0, events: 1234, 'odd "name" \'here\'': 42, shadowed: 1, users: 124 },
      journalMode: 'wal',
      pageSize: 4096,
      pageCount: expect.any(Number),
    });
    expect(Object.keys(stats.tables)).toEqual([...Object.keys(stats.tables)].sort());
    expect(stats.pageCount * stats.pageSize).toBe(fs.statSync(db).size);
    expect(sidecarHashes(db)).toEqual(before);
  });

  test('rejects on a corrupt file', async () => {
    const db = makeAppDb(file('stats-corrupt.db'), { rows: 100, seed: 6 }).path;
    overwriteHeader(db, { seed: 1 });
    await expect(inspector.stats(db)).rejects.toThrow(/SQLITE_NOTADB/);
    fs.writeFileSync(file('stats-empty.db'), '');
    await expect(inspector.stats(file('stats-empty.db'))).rejects.toThrow(/empty file/);
  });
});

describe('worker threads', () => {
  let big: string;
  beforeAll(() => {
    big = makeAppDb(file('big.db'), { rows: 330_000, seed: 8 }).path;
  });

  test('checks of a ~50 MB database run in parallel and the calling thread stays live', async () => {
    const mb = (fs.statSync(big).size / 1e6).toFixed(0);
    const timings: string[] = [];
    for (const threads of [1, 2]) {
      const pool = createSqliteInspector({ threads });
      try {
        let ticks = 0;
        const timer = setInterval(() => ticks++, 10);
        const started = performance.now();
        const results = await Promise.all([1, 2, 3, 4].map(() => pool.check(big, 'full')));
        const elapsed = performance.now() - started;
        clearInterval(timer);
        expect(results.every((r) => r.ok)).toBe(true);
        expect(ticks).toBeGreaterThan(3);
        timings.push(`${threads} thread(s): ${elapsed.toFixed(0)} ms (each ${results.map((r) => r.durationMs).join(', ')} ms)`);
      } finally {
        await pool.close();
      }
    }
    console.log(`4 integrity_checks of a ${mb} MB database — ${timings.join('; ')}`);
  }, 120_000);

  test('a closed inspector rejects new work', async () => {
    const pool = createSqliteInspector({ threads: 1 });
    await pool.close();
    await expect(pool.check(big, 'quick')).rejects.toThrow(/closed/);
  });
});
