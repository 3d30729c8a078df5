import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  cliIntegrityCheck,
  corruptBtreePage,
  makeAppDb,
  makeLocalCopyWithWalOnlyRows,
  overwriteHeader,
  sidecarHashes,
  tornCopy,
  truncate,
} from './sqlite-fixtures.js';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlite-fixtures-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const file = (name: string) => path.join(dir, name);

// What integrity_check says through better-sqlite3: its rows, or the error it threw.
function integrity(db: string): string[] {
  try {
    const conn = new Database(db, { readonly: true });
    try {
      const rows = conn.pragma('integrity_check', { simple: false }) as { integrity_check: string }[];
      return rows.map((row) => row.integrity_check);
    } finally {
      conn.close();
    }
  } catch (error) {
    return [`threw ${(error as { code?: string }).code}`];
  }
}

function headerJournalBytes(db: string): [number, number] {
  const header = fs.readFileSync(db).subarray(0, 100);
  return [header[18], header[19]];
}

describe('makeAppDb', () => {
  test('makes a checkpointed WAL-mode database with the app tables, the same bytes every run', () => {
    const a = makeAppDb(file('app-a.db'), { rows: 2000, seed: 7 });
    const b = makeAppDb(file('app-b.db'), { rows: 2000, seed: 7 });
    expect(a.counts).toEqual({ events: 2000, settings: 3, users: 200 });
    expect(a.maxEventId).toBe(2000);
    expect(headerJournalBytes(a.path)).toEqual([2, 2]);
    expect(Object.keys(sidecarHashes(a.path))).toEqual(['.db']);
    expect(sidecarHashes(a.path)['.db']).toBe(sidecarHashes(b.path)['.db']);
    expect(integrity(a.path)).toEqual(['ok']);
    expect(cliIntegrityCheck(a.path)).toBe('ok');
  });

  test('another seed gives other bytes; tables can be left out', () => {
    const a = makeAppDb(file('app-c.db'), { rows: 500, seed: 1, tables: [] });
    const b = makeAppDb(file('app-d.db'), { rows: 500, seed: 2, tables: [] });
    expect(a.counts).toEqual({ events: 500 });
    expect(sidecarHashes(a.path)['.db']).not.toBe(sidecarHashes(b.path)['.db']);
  });
});

describe('makeLocalCopyWithWalOnlyRows', () => {
  test('the newest rows live only in the -wal, and both files are the same bytes every run', () => {
    const a = makeLocalCopyWithWalOnlyRows(file('wal-a.db'), { rows: 1000, walRows: 150, seed: 3 });
    const b = makeLocalCopyWithWalOnlyRows(file('wal-b.db'), { rows: 1000, walRows: 150, seed: 3 });
    expect(a.rowsInDb).toBe(1000);
    expect(a.counts.events).toBe(1150);
    expect(a.maxEventId).toBe(1150);
    expect(Object.keys(sidecarHashes(a.path))).toEqual(['.db', '-wal']);
    expect(sidecarHashes(a.path)).toEqual(sidecarHashes(b.path));

    // Through its -wal (on a copy, so the fixture stays as made): every row, and healthy.
    const copy = file('wal-a-copy.db');
    fs.copyFileSync(a.path, copy);
    fs.copyFileSync(`${a.path}-wal`, `${copy}-wal`);
    const db = new Database(copy, { readonly: true });
    expect(db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(1150);
    expect(db.prepare('SELECT count(*) FROM users').pluck().get()).toBe(115);
    db.close();
    expect(integrity(copy)).toEqual(['ok']);
    expect(cliIntegrityCheck(a.path)).toBe('ok');
  });
});

describe('corruption recipes', () => {
  const fresh = (name: string, seed = 11) => makeAppDb(file(name), { rows: 3000, seed }).path;

  test.each(['index', 'table'] as const)('corruptBtreePage(%s) garbles one leaf so both checks fail, deterministically', (target) => {
    const a = fresh(`btree-${target}-a.db`);
    const b = fresh(`btree-${target}-b.db`);
    const pageA = corruptBtreePage(a, { seed: 5, target });
    const pageB = corruptBtreePage(b, { seed: 5, target });
    expect(pageA).toEqual(pageB);
    expect(target === 'index' ? ['events_at'] : ['events', 'users']).toContain(pageA.name);
    expect(sidecarHashes(a)).toEqual(sidecarHashes(b));
    expect(integrity(a)).not.toEqual(['ok']);
    expect(cliIntegrityCheck(a)).not.toBe('ok');
  });

  test('corruptBtreePage picks another page for another seed', () => {
    const pages = [1, 2, 3, 4].map((seed) => corruptBtreePage(fresh(`btree-seed-${seed}.db`), { seed }).pageNumber);
    expect(new Set(pages).size).toBeGreaterThan(1);
  });

  test('tornCopy of a database with a live -wal is corrupt, deterministically', () => {
    const copies = ['a', 'b'].map((tag) => {
      const src = makeLocalCopyWithWalOnlyRows(file(`torn-src-${tag}.db`), { rows: 3000, walRows: 300, seed: 9 }).path;
      const dest = file(`torn-${tag}.db`);
      tornCopy(src, dest);
      return dest;
    });
    expect(sidecarHashes(copies[0])).toEqual(sidecarHashes(copies[1]));
    expect(integrity(copies[0])).not.toEqual(['ok']);
    expect(cliIntegrityCheck(copies[0])).not.toBe('ok');
  });

  test('tornCopy refuses a source without -wal frames (the copy would be intact)', () => {
    expect(() => tornCopy(fresh('torn-nowal.db'), file('torn-nowal-copy.db'))).toThrow(/no -wal frames/);
  });

  test('overwriteHeader makes a file SQLite does not recognise', () => {
    const db = fresh('header.db');
    overwriteHeader(db, { seed: 1 });
    expect(integrity(db)).toEqual(['threw SQLITE_NOTADB']);
    expect(cliIntegrityCheck(db)).toMatch(/not a database/);
  });

  test('truncate cuts on a page boundary and the rest is missing', () => {
    const db = fresh('truncated.db');
    const size = fs.statSync(db).size;
    const kept = truncate(db);
    expect(kept % 4096).toBe(0);
    expect(kept).toBeLessThanOrEqual(size / 2);
    expect(fs.statSync(db).size).toBe(kept);
    expect(integrity(db)).not.toEqual(['ok']);
    expect(cliIntegrityCheck(db)).not.toBe('ok');
  });
});
