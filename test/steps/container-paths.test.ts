import { describe, expect, it } from 'vitest';
import { globToRegExp, quarantineDir, sidecars, stagedPath } from '../../src/steps/container-paths.js';

describe('globToRegExp', () => {
  it.each([
    ['*.db', 'app.db', true],
    ['*.db', 'app.db-wal', false],
    ['*.db', '.hidden.db', true],
    ['*.db', 'sub/app.db', false],
    ['app-????-??-??.db', 'app-2025-01-01.db', true],
    ['app-????-??-??.db', 'app-2025-1-01.db', false],
    ['backup-[0-9].db', 'backup-7.db', true],
    ['backup-[0-9].db', 'backup-x.db', false],
    ['backup-[!0-9].db', 'backup-x.db', true],
    ['backup-[!0-9].db', 'backup-7.db', false],
    ['a.db', 'axdb', false],
    ['a+b(1).db', 'a+b(1).db', true],
    ['$x^.db', '$x^.db', true],
    ['[oops.db', '[oops.db', true],
    ['*', 'anything', true],
  ])('%s ~ %s → %s', (pattern, name, expected) => {
    expect(globToRegExp(pattern).test(name)).toBe(expected);
  });
});

describe('paths beside the database', () => {
  it('sidecars, staged name and quarantine folder', () => {
    expect(sidecars('/data/app.db')).toEqual({ wal: '/data/app.db-wal', shm: '/data/app.db-shm' });
    expect(stagedPath('/data/app.db', '20250101T020000Z')).toBe('/data/.app.db.rescue-20250101T020000Z.incoming');
    expect(quarantineDir('/data/app.db', '20250101T020000Z')).toBe('/data/rescue-quarantine/20250101T020000Z');
  });
});
