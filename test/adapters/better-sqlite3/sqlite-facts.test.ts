// The SQLite behaviour repair and salvage are built on (FACTS.md, "Measured for the second wave"), checked on this
// machine's SQLite: 3.40 in the Debian CLI, 3.53 in better-sqlite3. If one of these changes, the design must be looked at.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { leavesUnder, readPage, writeBytes } from '../../../src/drill/btree-pages.js';
import { DAMAGE_CASES, buildCase, buildShop } from '../../support/damage-cases.js';

let dir: string;
let shop: ReturnType<typeof buildShop>;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlite-facts-'));
  shop = buildShop(dir);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const damaged = (name: string) =>
  buildCase(
    dir,
    shop.pristine,
    DAMAGE_CASES.find((c) => c.name === name)!,
  ).file;
const cli = (file: string, sql: string) => spawnSync('/usr/bin/sqlite3', [file, sql], { encoding: 'utf8' });

function copy(file: string, name: string): string {
  const to = path.join(dir, name);
  fs.copyFileSync(file, to);
  return to;
}

test('versions: the CLI is 3.40, better-sqlite3 3.53', () => {
  expect(cli(':memory:', 'SELECT sqlite_version();').stdout.trim()).toMatch(/^3\.40\./);
  expect(new Database(':memory:').prepare('SELECT sqlite_version()').pluck().get()).toMatch(/^3\.53\./);
});

test('a garbled index leaf: REINDEX and DROP INDEX fail in both, so only a rebuild mends it', () => {
  const file = damaged('garbled-index-leaf');
  for (const sql of ['REINDEX analytics_at;', 'DROP INDEX analytics_at;']) {
    const run = cli(copy(file, 'cli.db'), sql);
    const malformed = 'Error: stepping, database disk image is malformed (11)';
    expect({ status: run.status, stderr: run.stderr.trim() }).toEqual({ status: 11, stderr: malformed });
    const db = new Database(copy(file, 'b3.db'));
    try {
      expect(() => db.exec(sql)).toThrow(expect.objectContaining({ code: 'SQLITE_CORRUPT' }));
    } finally {
      db.close();
    }
  }
});

test('integrity_check throws part-way in 3.53: iterating keeps the rows before the throw, .all() loses them', () => {
  const db = new Database(damaged('garbled-index-leaf'), { readonly: true });
  try {
    const rows: string[] = [];
    expect(() => {
      for (const [text] of db.prepare('PRAGMA integrity_check').raw().iterate() as IterableIterator<[string]>) rows.push(text);
    }).toThrow(expect.objectContaining({ code: 'SQLITE_CORRUPT' }));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows[0]).toMatch(/^\*\*\* in database main \*\*\*\nTree \d+ page \d+ cell \d+: /);
    expect(() => db.prepare('PRAGMA integrity_check').all()).toThrow(expect.objectContaining({ code: 'SQLITE_CORRUPT' }));
  } finally {
    db.close();
  }
});

test('the Debian CLI lists .recover but it fails (its libsqlite3 has no sqlite_dbpage)', () => {
  expect(cli(':memory:', '.help').stdout).toMatch(/^\.recover/m);
  const run = cli(copy(shop.pristine, 'recover.db'), '.recover');
  expect({ status: run.status, stderr: run.stderr.trim() }).toEqual({ status: 1, stderr: 'sql error: SQL logic error (1)' });
  expect(() => new Database(':memory:').prepare('SELECT * FROM sqlite_dbpage').all()).toThrow(/no such table: sqlite_dbpage/);
});

test('VACUUM INTO does not repair: it fails on a destroyed leaf, and copies a leaf whose rows are out of order', () => {
  const destroyed = new Database(copy(damaged('newest-table-leaves'), 'vacuum-src.db'));
  try {
    const vacuum = () => destroyed.exec(`VACUUM INTO '${path.join(dir, 'vacuumed-1.db')}'`);
    expect(vacuum).toThrow(expect.objectContaining({ code: 'SQLITE_CORRUPT' }));
  } finally {
    destroyed.close();
  }
  // Two cell pointers swapped on one analytics leaf: every cell reads, in the wrong order.
  const file = copy(shop.pristine, 'disorder.db');
  const reader = new Database(file, { readonly: true });
  const root = reader.prepare(`SELECT rootpage FROM sqlite_schema WHERE name = 'analytics'`).pluck().get() as number;
  reader.close();
  const leaf = leavesUnder(file, root)[10];
  const pointers = readPage(file, leaf.pageNumber).bytes.subarray(8, 12);
  writeBytes(file, Buffer.from([pointers[2], pointers[3], pointers[0], pointers[1]]), (leaf.pageNumber - 1) * 4096 + 8);
  const db = new Database(file);
  try {
    db.exec(`VACUUM INTO '${path.join(dir, 'vacuumed-2.db')}'`);
  } finally {
    db.close();
  }
  const copied = new Database(path.join(dir, 'vacuumed-2.db'), { readonly: true });
  try {
    expect(copied.prepare('PRAGMA integrity_check').pluck().all().join('\n')).toMatch(/Rowid \d+ out of order/);
  } finally {
    copied.close();
  }
});
