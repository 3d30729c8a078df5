import { describe, expect, it } from 'vitest';
import { parseSqliteHeader } from '../../src/discovery/sqlite-header.js';
import { sqliteBytes } from './sqlite-bytes.js';

function withBytes(base: Buffer, edits: Array<[number, number]>): Buffer {
  const copy = Buffer.from(base);
  for (const [offset, value] of edits) copy[offset] = value;
  return copy;
}

describe('parseSqliteHeader', () => {
  it.each([
    [
      'WAL (18/19 = 2)',
      sqliteBytes({ journal: 'wal' }),
      { journalMode: 'wal', pageSize: 4096, pageCount: 1, textEncoding: 'utf8', reservedBytes: 0 },
    ],
    [
      'rollback journal (18/19 = 1)',
      sqliteBytes({ journal: 'rollback', pageSize: 1024, size: 4096 }),
      { journalMode: 'rollback', pageSize: 1024, pageCount: 4 },
    ],
    ['page size 1 means 65536', sqliteBytes({ pageSize: 65536 }), { pageSize: 65536 }],
    [
      'mixed versions are unknown',
      withBytes(sqliteBytes(), [
        [18, 1],
        [19, 2],
      ]),
      { journalMode: 'unknown' },
    ],
    ['a page count SQLite does not vouch for is null', withBytes(sqliteBytes(), [[95, 9]]), { pageCount: null }],
    ['UTF-16be', withBytes(sqliteBytes(), [[59, 3]]), { textEncoding: 'utf16be' }],
    ['reserved bytes', withBytes(sqliteBytes(), [[20, 32]]), { reservedBytes: 32 }],
    ['a header cut at 20 bytes still says its mode', sqliteBytes().subarray(0, 20), { journalMode: 'wal', pageCount: null }],
  ])('%s', (_name, bytes, expected) => {
    expect(parseSqliteHeader(bytes)).toMatchObject(expected);
  });

  it.each([
    ['a text file named app.db', Buffer.from('not a database, only named like one')],
    ['the magic without its NUL', Buffer.from('SQLite format 3 and more text')],
    ['15 bytes of the magic', Buffer.from('SQLite format 3')],
    ['empty', Buffer.alloc(0)],
    ['a -wal file', Buffer.from([0x37, 0x7f, 0x06, 0x82, 0, 0x2d, 0xe2, 0x18])],
  ])('%s is no database', (_name, bytes) => {
    expect(parseSqliteHeader(bytes)).toBeNull();
  });
});
