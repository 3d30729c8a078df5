import { describe, expect, it } from 'vitest';
import { quoteForDisplay, shellLine } from '../../src/runbook/shell-line.js';

describe('quoteForDisplay', () => {
  it.each([
    ['/data/app.db', '/data/app.db'],
    ['user@host:2222', 'user@host:2222'],
    ['a b', "'a b'"],
    ["it's", "'it'\\''s'"],
    ['$(rm -rf /)', "'$(rm -rf /)'"],
    ['`id`', "'`id`'"],
    ['*.db', "'*.db'"],
    ['PRAGMA integrity_check;', "'PRAGMA integrity_check;'"],
    ['', "''"],
  ])('%j → %s', (value, expected) => {
    expect(quoteForDisplay(value)).toBe(expected);
  });
});

describe('shellLine', () => {
  it.each([
    [['docker', 'stop', '-t', '30', 'app'], 'docker stop -t 30 app'],
    [['sqlite3', '-readonly', '/data/app.db', 'PRAGMA integrity_check;'], "sqlite3 -readonly /data/app.db 'PRAGMA integrity_check;'"],
    [['mv', '/data/my db.db', '/q/'], "mv '/data/my db.db' /q/"],
    [['echo', "'; rm -rf / #"], "echo ''\\''; rm -rf / #'"],
    [[], ''],
  ])('%j', (argv, expected) => {
    expect(shellLine(argv)).toBe(expected);
  });
});
