// Local copies on a real disk, read through the real node-fs adapter, made by real SQLite.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalFiles } from '../../src/adapters/node-fs/local-files.js';
import { discoverLocalCopies, sameTables } from '../../src/discovery/local-copies.js';

const files = createLocalFiles();
let cwd: string;
let liveWriter: Database.Database;

function makeDb(path: string, tables: string[], mtime: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  const db = new Database(path);
  for (const table of tables) db.exec(`CREATE TABLE "${table}"(id INTEGER PRIMARY KEY, v TEXT)`);
  db.close();
  utimesSync(path, new Date(mtime), new Date(mtime));
}

const hash = (path: string) => (existsSync(path) ? createHash('sha256').update(readFileSync(path)).digest('hex') : 'absent');

beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'disc-local-'));
  makeDb(join(cwd, 'app.db'), ['events', 'users'], '2026-11-20T00:00:00Z');
  makeDb(join(cwd, 'data/app-copy.sqlite'), ['users', 'events'], '2026-11-24T00:00:00Z');
  makeDb(join(cwd, 'backend/data/nested/site.db'), ['events', 'users'], '2026-11-22T00:00:00Z');
  makeDb(join(cwd, 'data/other-app.db'), ['orders'], '2026-11-25T00:00:00Z');
  makeDb(join(cwd, 'elsewhere/app.db'), ['events', 'users'], '2026-11-26T00:00:00Z');
  makeDb(join(cwd, 'node_modules/pkg/data/app.db'), ['events', 'users'], '2026-11-26T00:00:00Z');
  makeDb(join(cwd, 'data/a/b/c/too-deep.db'), ['events', 'users'], '2026-11-26T00:00:00Z');
  writeFileSync(join(cwd, 'data/notes.db'), 'not sqlite, just named so '.repeat(10));
  writeFileSync(join(cwd, 'data/broken.db'), Buffer.concat([readFileSync(join(cwd, 'app.db')).subarray(0, 100), Buffer.alloc(4000, 0xee)]));
  // A live copy: its tables only in the -wal, the file newest by its -wal.
  liveWriter = new Database(join(cwd, 'data/live.db'));
  liveWriter.pragma('journal_mode = WAL');
  liveWriter.pragma('wal_autocheckpoint = 0');
  liveWriter.exec('CREATE TABLE events(id INTEGER PRIMARY KEY); CREATE TABLE users(id INTEGER PRIMARY KEY);');
  utimesSync(join(cwd, 'data/live.db'), new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'));
  utimesSync(join(cwd, 'data/live.db-wal'), new Date('2026-11-27T00:00:00Z'), new Date('2026-11-27T00:00:00Z'));
});

afterAll(() => {
  liveWriter.close();
  rmSync(cwd, { recursive: true, force: true });
});

describe('discoverLocalCopies', () => {
  it('finds copies with production tables in cwd and its data/ folders, newest first, and changes nothing', async () => {
    const before = ['data/live.db', 'data/live.db-wal', 'data/live.db-shm', 'app.db', 'data/app-copy.sqlite'].map((name) =>
      hash(join(cwd, name)),
    );
    const found = await discoverLocalCopies(files, cwd, ['events', 'users'], { maxDepth: 3 });
    expect(found.matches.map((copy) => copy.path.slice(cwd.length + 1))).toEqual([
      'data/live.db',
      'data/app-copy.sqlite',
      'backend/data/nested/site.db',
      'app.db',
    ]);
    expect(found.matches[0]).toMatchObject({
      lastWrite: '2026-11-27T00:00:00.000Z',
      mtime: '2026-01-01T00:00:00.000Z',
      journalMode: 'wal',
      wal: { size: expect.any(Number) },
    });
    expect(found.others.map((copy) => [copy.path.slice(cwd.length + 1), copy.tables, copy.schemaError ?? null])).toEqual([
      ['data/broken.db', null, 'page 1 is no table b-tree page (type 238)'],
      ['data/other-app.db', ['orders'], null],
    ]);
    expect(found.stoppedEarly).toEqual([
      {
        reason: 'depth',
        detail: `1 folder(s) 3 levels down were not entered: ${join(cwd, 'data/a/b/c')}`,
      },
    ]);
    expect(
      ['data/live.db', 'data/live.db-wal', 'data/live.db-shm', 'app.db', 'data/app-copy.sqlite'].map((name) => hash(join(cwd, name))),
    ).toEqual(before);
    expect(existsSync(join(cwd, 'app.db-wal')) || existsSync(join(cwd, 'app.db-shm'))).toBe(false);
  });

  it('production tables unknown: every readable SQLite file is a candidate', async () => {
    const found = await discoverLocalCopies(files, cwd, null, { maxDepth: 3 });
    expect(found.matches.map((copy) => copy.path.slice(cwd.length + 1))).toContain('data/other-app.db');
    expect(found.others.map((copy) => copy.path.slice(cwd.length + 1))).toEqual(['data/broken.db']);
  });

  it('a file count limit stops and says so', async () => {
    const found = await discoverLocalCopies(files, cwd, ['events', 'users'], { maxFiles: 2 });
    expect(found.stoppedEarly[0]).toEqual({ reason: 'files', detail: 'looked at 2 files, the limit; the rest were not looked at' });
  });

  it('a working directory that does not exist finds nothing', async () => {
    expect(await discoverLocalCopies(files, join(cwd, 'missing'), ['events'])).toEqual({
      matches: [],
      others: [],
      searched: [],
      stoppedEarly: [],
    });
  });

  it.each([
    [['a', 'B'], ['b', 'A'], true],
    [['a'], ['a', 'b'], false],
    [[], [], true],
  ])('sameTables(%j, %j) = %s (SQLite names ignore case)', (a, b, expected) => {
    expect(sameTables(a, b)).toBe(expected);
  });
});
