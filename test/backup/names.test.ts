import { describe, expect, it } from 'vitest';
import { backupName, chooseFreeName, isDayStamped, minuteStamp, namesOf, parseBackupName, stemOf } from '../../src/backup/names.js';

const AT = Date.UTC(2026, 10, 25, 6, 5, 59);

describe('backup names', () => {
  it.each([
    ['/data/app.db', 'app'],
    ['/data/site.sqlite3', 'site'],
    ['/data/data', 'data'],
    ['/data/.hidden.db', '.hidden'],
    ['/data/a.b.db', 'a.b'],
  ])('the stem of %s is %s', (path, stem) => {
    expect(stemOf(path)).toBe(stem);
  });

  it('stamps the minute in UTC, whatever the local time zone', () => {
    expect(minuteStamp(AT)).toBe('2026-11-25-0605');
    expect(backupName('app', AT)).toBe('app-2026-11-25-0605.db');
    expect(backupName('app', AT, 3)).toBe('app-2026-11-25-0605-3.db');
  });

  it('a name is taken when any file of that backup exists, its temporary names included', () => {
    expect(chooseFreeName('app', AT, new Set())).toBe('app-2026-11-25-0605.db');
    expect(chooseFreeName('app', AT, new Set(['app-2026-11-25-0605.db']))).toBe('app-2026-11-25-0605-2.db');
    expect(chooseFreeName('app', AT, new Set(['app-2026-11-25-0605.db.partial']))).toBe('app-2026-11-25-0605-2.db');
    expect(chooseFreeName('app', AT, new Set(['app-2026-11-25-0605.db.json']))).toBe('app-2026-11-25-0605-2.db');
    expect(chooseFreeName('app', AT, new Set(['app-2026-11-25-0605.db', 'app-2026-11-25-0605-2.db.sha256.partial']))).toBe(
      'app-2026-11-25-0605-3.db',
    );
    expect(chooseFreeName('app', AT, new Set(['app-2026-11-25-0604.db', 'other-2026-11-25-0605.db']))).toBe('app-2026-11-25-0605.db');
  });

  it('lists every name one backup uses', () => {
    expect(namesOf('x.db')).toEqual([
      'x.db',
      'x.db.sha256',
      'x.db.json',
      'x.db.partial',
      'x.db.partial-journal',
      'x.db.sha256.partial',
      'x.db.json.partial',
    ]);
  });

  it('reads back only names of its own shape for the same stem', () => {
    expect(parseBackupName('app', 'app-2026-11-25-0605.db')).toEqual({ minuteMs: Date.UTC(2026, 10, 25, 6, 5), n: 1 });
    expect(parseBackupName('app', 'app-2026-11-25-0605-12.db')).toEqual({ minuteMs: Date.UTC(2026, 10, 25, 6, 5), n: 12 });
    expect(parseBackupName('app', 'app-2026-11-25.db')).toBeNull();
    expect(parseBackupName('app', 'app-2026-11-25-0605.db.partial')).toBeNull();
    expect(parseBackupName('app', 'tenant-app-2026-11-25-0605.db')).toBeNull();
    expect(parseBackupName('app', 'app-2026-02-30-0605.db')).toBeNull();
    expect(parseBackupName('app', 'app-2026-11-25-2460.db')).toBeNull();
    expect(parseBackupName('a.b', 'aXb-2026-11-25-0605.db')).toBeNull();
  });

  it.each([
    ['app-2026-11-25.db', true],
    ['/data/backups/backup_20261125.sqlite', true],
    ['site-data-2026-11-25.db', true],
    ['app-2026-11-25-0605.db', false],
    ['app-2026-11-25T0605.db', false],
    ['daily-1.db', false],
    ['app.db', false],
  ])('%s is day-stamped: %s', (name, expected) => {
    expect(isDayStamped(name)).toBe(expected);
  });
});
