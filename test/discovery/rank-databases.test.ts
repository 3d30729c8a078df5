import { describe, expect, it } from 'vitest';
import type { Mount } from '../../src/ports/container-runtime.js';
import { classifyFiles, mountOf } from '../../src/discovery/classify-files.js';
import type { WalkedFile } from '../../src/discovery/parse-walk-output.js';
import { copyLook, rankDatabases, unambiguousChoice } from '../../src/discovery/rank-databases.js';
import { sqliteBytes } from './sqlite-bytes.js';

const data: Mount = { type: 'volume', name: 'app-data', source: '/var/lib/docker/volumes/app-data/_data', destination: '/data', rw: true };
const uploads: Mount = { type: 'bind', source: '/srv/uploads', destination: '/data/uploads', rw: true };

function file(path: string, head: Buffer | null = sqliteBytes(), mtime = '2026-11-25T10:00:00.000Z'): WalkedFile {
  return { path, size: head?.length ?? 10, mtime, head };
}

function classify(files: WalkedFile[], open: Record<string, number[]> | null = {}, quarantine: string[] = []) {
  return classifyFiles({
    mounts: [data, uploads],
    files,
    quarantine,
    open: open ? { byPath: new Map(Object.entries(open)), complete: true } : null,
  });
}

describe('classifyFiles', () => {
  it('a database is what its header says, whatever its name', () => {
    const { databases } = classify([
      file('/data/app.db'),
      file('/data/notes.txt'),
      file('/data/decoy.db', Buffer.from('this file is named like a database')),
      file('/data/site.sqlite', sqliteBytes({ journal: 'rollback' })),
      file('/data/empty.db', Buffer.alloc(0)),
      file('/data/unread.db', null),
    ]);
    expect(databases.map((db) => [db.path, db.journalMode])).toEqual([
      ['/data/app.db', 'wal'],
      ['/data/notes.txt', 'wal'],
      ['/data/site.sqlite', 'rollback'],
    ]);
  });

  it('-wal and -shm are matched by name, and carry no header of their own', () => {
    const { databases } = classify([
      file('/data/app.db'),
      file('/data/app.db-wal', Buffer.from([0x37, 0x7f, 0x06, 0x82])),
      file('/data/app.db-shm', Buffer.alloc(100)),
    ]);
    expect(databases).toHaveLength(1);
    expect(databases[0]).toMatchObject({ wal: { path: '/data/app.db-wal' }, shm: { path: '/data/app.db-shm' } });
  });

  it('the mount is the longest mount point holding the file', () => {
    expect(mountOf([data, uploads], '/data/uploads/x.db')).toBe(uploads);
    expect(mountOf([data, uploads], '/data/uploadsx.db')).toBe(data);
    expect(mountOf([data], '/srv/x.db')).toBeUndefined();
  });

  it('our staged copies and quarantine folders are set aside', () => {
    const { databases, ignored } = classify([file('/data/.app.db.rescue-20250101T020000Z.incoming'), file('/data/app.db')], {}, [
      '/data/rescue-quarantine',
    ]);
    expect(databases.map((db) => db.path)).toEqual(['/data/app.db']);
    expect(ignored).toEqual([
      { path: '/data/.app.db.rescue-20250101T020000Z.incoming', why: 'staged copy' },
      { path: '/data/rescue-quarantine', why: 'quarantine folder' },
    ]);
  });

  it.each([
    ['open files seen, file open', { '/data/app.db': [1] }, true, [1]],
    ['open files seen, file not open', { '/data/other.db': [1] }, false, []],
    ['open files unknown', null, null, []],
  ])('%s', (_name, open, openByApp, openBy) => {
    expect(classify([file('/data/app.db')], open).databases[0]).toMatchObject({ openByApp, openBy });
  });

  it('a file found open is open even when some processes could not be read; one not found is unknown', () => {
    const partial = { byPath: new Map([['/data/a.db', [7]]]), complete: false };
    const { databases } = classifyFiles({ mounts: [data], files: [file('/data/a.db'), file('/data/b.db')], quarantine: [], open: partial });
    expect(databases.map((db) => db.openByApp)).toEqual([true, null]);
  });
});

describe('copyLook', () => {
  it.each([
    ['/data/app.db', null],
    ['/data/backups/app.db', 'its folder "backups" looks like backups'],
    ['/data/x/snapshot/app.db', 'its folder "snapshot" looks like backups'],
    ['/data/app.db.bak', 'its name "app.db.bak" looks like a backup'],
    ['/data/app-old.db', 'its name "app-old.db" looks like a backup'],
    ['/data/site-data-2026-11-25.db', 'its name "site-data-2026-11-25.db" carries a date'],
    ['/data/site-20261125.db', 'its name "site-20261125.db" carries a date'],
    ['/data/bold.db', null],
    ['/data/tenants/acme.db', null],
  ])('%s', (path, expected) => {
    expect(copyLook(path, '/data')).toBe(expected);
  });
});

describe('rankDatabases', () => {
  const order = (files: WalkedFile[], open: Record<string, number[]> | null = {}) =>
    rankDatabases(classify(files, open).databases).map((db) => db.path);

  it.each([
    [
      'the one the app has open first, even older and deeper',
      [file('/data/new.db', sqliteBytes(), '2026-12-01T00:00:00.000Z'), file('/data/x/live.db', sqliteBytes(), '2020-01-01T00:00:00.000Z')],
      { '/data/x/live.db': [1] },
      ['/data/x/live.db', '/data/new.db'],
    ],
    [
      'with nothing open: one with a -wal before one without',
      [file('/data/a.db'), file('/data/b.db'), file('/data/b.db-wal', Buffer.alloc(0))],
      {},
      ['/data/b.db', '/data/a.db'],
    ],
    [
      'a backup-looking name after a plain one',
      [
        file('/data/app-2026-11-25.db', sqliteBytes(), '2026-12-01T00:00:00.000Z'),
        file('/data/app.db', sqliteBytes(), '2026-01-01T00:00:00.000Z'),
      ],
      null,
      ['/data/app.db', '/data/app-2026-11-25.db'],
    ],
    ['shallower before deeper', [file('/data/a/b/deep.db'), file('/data/top.db')], {}, ['/data/top.db', '/data/a/b/deep.db']],
    [
      'then newest first, the -wal counting',
      [file('/data/a.db', sqliteBytes(), '2026-01-01T00:00:00.000Z'), file('/data/b.db', sqliteBytes(), '2026-02-01T00:00:00.000Z')],
      {},
      ['/data/b.db', '/data/a.db'],
    ],
  ])('%s', (_name, files, open, expected) => {
    expect(order(files, open)).toEqual(expected);
  });

  it('says why, for the operator', () => {
    const [first] = rankDatabases(
      classify([file('/data/app.db'), file('/data/app.db-wal', Buffer.alloc(0))], { '/data/app.db': [1, 12] }).databases,
    );
    expect(first.reasons).toEqual(['the app has it open (pid 1, 12)', '-wal beside it', 'WAL mode']);
  });

  it('--yes may take only a single open database', () => {
    const one = rankDatabases(classify([file('/data/a.db'), file('/data/b.db')], { '/data/a.db': [1] }).databases);
    const two = rankDatabases(classify([file('/data/a.db'), file('/data/b.db')], { '/data/a.db': [1], '/data/b.db': [1] }).databases);
    const none = rankDatabases(classify([file('/data/a.db')], null).databases);
    expect(unambiguousChoice(one)?.path).toBe('/data/a.db');
    expect(unambiguousChoice(two)).toBeNull();
    expect(unambiguousChoice(none)).toBeNull();
  });
});
