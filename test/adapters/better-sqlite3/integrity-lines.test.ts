// What one integrity_check line names, as SQLite 3.53 and 3.40 print them.
import { describe, expect, test } from 'vitest';
import { readLineTarget, splitErrorLines } from '../../../src/adapters/better-sqlite3/integrity-lines.js';

describe('readLineTarget', () => {
  test.each([
    ['Tree 7 page 749: btreeInitPage() returns error code 11', { root: 7, page: 749 }],
    ['Tree 3 page 23 cell 171: invalid page number 2147500032', { root: 3, page: 23 }],
    ['Tree 2 page 14 cell 0: Rowid 202 out of order', { root: 2, page: 14 }],
    ['On tree page 392 cell 60: Rowid 0 out of order', { page: 392 }],
    ['On page 2 at right child: invalid page number 9999', { page: 2 }],
    ['Page 586: btreeInitPage() returns error code 11', { page: 586 }],
    ['Page 4 is never used', { page: 4, harmless: true }],
    ['Page 4: never used', { page: 4, harmless: true }],
    ['Freelist: size is 3 but should be 2', { harmless: true }],
    ['row 65 missing from index t_a', { index: 't_a' }],
    ['wrong # of entries in index analytics_at', { index: 'analytics_at' }],
    ['non-unique entry in index sqlite_autoindex_users_1', { index: 'sqlite_autoindex_users_1' }],
    ['NULL value in posts.at', { table: 'posts' }],
    ['CHECK constraint failed in orders', { table: 'orders' }],
    ['SQLITE_CORRUPT: database disk image is malformed', {}],
    ['Error: stepping, database disk image is malformed (11)', {}],
  ])('%s', (line, target) => {
    expect(readLineTarget(line)).toEqual(target);
  });
});

test('splitErrorLines: one line per error, without the heading, "ok" or blank lines', () => {
  const rows = ['*** in database main ***\nTree 2 page 5: x\nTree 2 page 6: y', 'row 1 missing from index i', '', 'ok'];
  expect(splitErrorLines(rows)).toEqual(['Tree 2 page 5: x', 'Tree 2 page 6: y', 'row 1 missing from index i']);
});
