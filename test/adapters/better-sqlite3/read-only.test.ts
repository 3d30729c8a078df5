// withReadOnlyDb: SQLite's 2 MB page cache instead of better-sqlite3's 16 MB, without changing what a damaged file
// reports or where.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { PAGE_CACHE_KIB, withReadOnlyDb } from '../../../src/adapters/better-sqlite3/read-only.js';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'read-only-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('the connection fn gets has a 2 MB page cache and reads the file', async () => {
  const file = path.join(dir, 'ok.db');
  const db = new Database(file);
  db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1), (2);');
  db.close();
  const seen = await withReadOnlyDb(file, (conn: Database.Database) => ({
    cacheSize: conn.pragma('cache_size', { simple: true }),
    rows: conn.prepare('SELECT count(*) FROM t').pluck().get(),
  }));
  expect(seen).toEqual({ cacheSize: -PAGE_CACHE_KIB, rows: 2 });
});

test('on a file that is not a database, fn still runs and its own statement reports it', async () => {
  const file = path.join(dir, 'garbage.db');
  fs.writeFileSync(file, Buffer.alloc(8192, 0x5a));
  let ran = false;
  await expect(
    withReadOnlyDb(file, (conn: Database.Database) => {
      ran = true;
      return conn.prepare('PRAGMA quick_check').all();
    }),
  ).rejects.toMatchObject({ code: 'SQLITE_NOTADB' });
  expect(ran).toBe(true);
});
