// The schema reader against files real SQLite wrote: every layout the b-tree can take for sqlite_schema, a -wal that
// holds the only copy of the tables, and proof that reading changes not one byte.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSchema, SchemaReadError } from '../../src/discovery/sqlite-schema.js';
import { readWalIndex, walChecksum } from '../../src/discovery/wal-index.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'disc-schema-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function reader(path: string) {
  return async (offset: number, length: number) => {
    const fd = openSync(path, 'r');
    try {
      const buffer = Buffer.alloc(length);
      return buffer.subarray(0, readSync(fd, buffer, 0, length, offset));
    } finally {
      closeSync(fd);
    }
  };
}

function read(path: string) {
  const wal = `${path}-wal`;
  return readSchema({
    readMain: reader(path),
    mainSize: statSync(path).size,
    ...(existsSync(wal) ? { readWal: reader(wal), walSize: statSync(wal).size } : {}),
  });
}

// What SQLite itself lists, as the in-container count does it.
function truth(db: Database.Database): string[] {
  const sql = "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
  return (db.prepare(sql).all() as Array<{ name: string }>).map((row) => row.name).sort();
}

function build(name: string, setup: (db: Database.Database) => void): { path: string; expected: string[] } {
  const path = join(dir, name);
  const db = new Database(path);
  setup(db);
  const expected = truth(db);
  db.close();
  return { path, expected };
}

const hash = (path: string) => (existsSync(path) ? createHash('sha256').update(readFileSync(path)).digest('hex') : 'absent');

describe('readSchema', () => {
  it.each([
    [
      'tables, an index, a view, a trigger and AUTOINCREMENT',
      (db: Database.Database) =>
        db.exec(
          'CREATE TABLE t(x); CREATE INDEX i ON t(x); CREATE VIEW v AS SELECT 1; CREATE TABLE s(id INTEGER PRIMARY KEY AUTOINCREMENT); ' +
            'CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END; INSERT INTO s DEFAULT VALUES;',
        ),
    ],
    [
      '300 tables on 512-byte pages (an interior page over many leaves)',
      (db: Database.Database) => {
        db.pragma('page_size = 512');
        for (let i = 0; i < 300; i += 1) db.exec(`CREATE TABLE "tab_${i}_${'x'.repeat(i % 40)}"(a, b, c)`);
      },
    ],
    [
      'a 3000-character table name (the row spills onto overflow pages)',
      (db: Database.Database) => {
        db.pragma('page_size = 512');
        db.exec(`CREATE TABLE "${'L'.repeat(3000)}"(x); CREATE TABLE short(x);`);
      },
    ],
    [
      'UTF-16be names',
      (db: Database.Database) => {
        db.pragma('encoding = "UTF-16be"');
        db.exec('CREATE TABLE "é名"(x); CREATE TABLE plain(x);');
      },
    ],
    [
      'UTF-16le names',
      (db: Database.Database) => {
        db.pragma('encoding = "UTF-16le"');
        db.exec('CREATE TABLE "ünï"(x);');
      },
    ],
    ['no tables at all', (db: Database.Database) => db.pragma('user_version = 3')],
  ])('%s: the same names SQLite lists', async (name, setup) => {
    const { path, expected } = build(`${name.replace(/\W+/g, '-')}.db`, setup);
    expect((await read(path)).tables).toEqual(expected);
  });

  it('tables that live only in the -wal are read from it, and reading leaves .db, -wal and -shm byte-for-byte as they were', async () => {
    const path = join(dir, 'live-wal.db');
    const writer = new Database(path);
    writer.pragma('journal_mode = WAL');
    writer.pragma('wal_autocheckpoint = 0');
    writer.exec('CREATE TABLE first(x); CREATE TABLE second(x); INSERT INTO first VALUES (1);');
    const expected = truth(writer);
    const before = [hash(path), hash(`${path}-wal`), hash(`${path}-shm`)];
    const schema = await read(path);
    expect(schema.tables).toEqual(expected);
    expect(schema.pagesFromWal).toBeGreaterThan(0);
    expect([hash(path), hash(`${path}-wal`), hash(`${path}-shm`)]).toEqual(before);
    writer.close();
  });

  it('frames after the last commit, or from an older generation, are not read', async () => {
    const path = join(dir, 'torn.db');
    const writer = new Database(path);
    writer.pragma('journal_mode = WAL');
    writer.pragma('wal_autocheckpoint = 0');
    writer.exec('CREATE TABLE kept(x);');
    const walPath = `${path}-wal`;
    const committed = statSync(walPath).size;
    writer.exec('CREATE TABLE added_later(x);');
    // A copy taken while the writer is open, its -wal torn in the last frame: only the first commit counts.
    const main = readFileSync(path);
    const wal = readFileSync(walPath);
    writer.close();
    const copy = join(dir, 'torn-copy.db');
    writeFileSync(copy, main);
    const torn = Buffer.from(wal);
    torn[torn.length - 10] ^= 0xff;
    writeFileSync(`${copy}-wal`, wal);
    expect((await read(copy)).tables).toEqual(['added_later', 'kept']);
    writeFileSync(`${copy}-wal`, torn);
    const fromTorn = await read(copy);
    expect(fromTorn.tables).toContain('kept');
    expect(fromTorn.tables).not.toContain('added_later');
    // Frames of an older generation carry other salts: the second commit's frames, re-salted, are not read either.
    const stale = Buffer.from(wal);
    const frameBytes = 24 + stale.readUInt32BE(8);
    for (let at = committed; at + frameBytes <= stale.length; at += frameBytes)
      stale.writeUInt32BE((stale.readUInt32BE(at + 8) ^ 1) >>> 0, at + 8);
    writeFileSync(`${copy}-wal`, stale);
    expect((await read(copy)).tables).toEqual(['kept']);
  });

  it('a -wal with a bad header checksum is ignored, as SQLite ignores it', async () => {
    const wal = Buffer.alloc(32);
    wal.writeUInt32BE(0x377f0682, 0);
    wal.writeUInt32BE(3007000, 4);
    wal.writeUInt32BE(4096, 8);
    const [s0, s1] = walChecksum(wal.subarray(0, 24), false, [0, 0]);
    wal.writeUInt32BE(s0, 24);
    wal.writeUInt32BE(s1, 28);
    expect(await readWalIndex(async (o, l) => wal.subarray(o, o + l), 32)).toMatchObject({ pageSize: 4096, frames: 0 });
    wal[28] ^= 1;
    expect(await readWalIndex(async (o, l) => wal.subarray(o, o + l), 32)).toBeNull();
  });

  it.each([
    ['a text file', () => Buffer.from('not a database '.repeat(40)), 'no SQLite header'],
    ['a header and nothing else', (good: Buffer) => good.subarray(0, 100), 'page 1 is cut short'],
    [
      'page 1 overwritten after the header',
      (good: Buffer) => Buffer.concat([good.subarray(0, 100), Buffer.alloc(good.length - 100, 0xab)]),
      'page 1 is no table b-tree page',
    ],
  ])('%s: a SchemaReadError that says where', async (_name, corrupt, message) => {
    const { path } = build(`good-${message.replace(/\W+/g, '-')}.db`, (db) => db.exec('CREATE TABLE t(x)'));
    const bad = join(dir, `bad-${message.replace(/\W+/g, '-')}.db`);
    writeFileSync(bad, corrupt(readFileSync(path)));
    const failure = await read(bad).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SchemaReadError);
    expect((failure as Error).message).toContain(message);
  });
});
