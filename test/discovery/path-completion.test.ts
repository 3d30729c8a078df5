import { describe, expect, it } from 'vitest';
import type { LocalDirEntry } from '../../src/ports/local-files.js';
import { completeFromListing, completePath, resolveTypedFolder, splitTypedPath } from '../../src/discovery/path-completion.js';
import { FakeLocalFiles } from '../fakes/fake-local-files.js';

const entry = (name: string, kind: LocalDirEntry['kind'] = 'file'): LocalDirEntry => ({
  name,
  kind,
  isSymlink: false,
  size: 0,
  mtime: '2026-01-01T00:00:00.000Z',
});
const listing = [
  entry('app.db'),
  entry('app.db-wal'),
  entry('backups', 'directory'),
  entry('backend', 'directory'),
  entry('.hidden.db'),
  entry('notes.txt'),
];

describe('splitTypedPath', () => {
  it.each([
    ['', { folder: '', prefix: '' }],
    ['ap', { folder: '', prefix: 'ap' }],
    ['data/ap', { folder: 'data/', prefix: 'ap' }],
    ['/srv/', { folder: '/srv/', prefix: '' }],
    ['~/x', { folder: '~/', prefix: 'x' }],
  ])('%j', (typed, expected) => {
    expect(splitTypedPath(typed)).toEqual(expected);
  });
});

describe('completeFromListing', () => {
  it.each([
    ['one file', 'no', { value: 'notes.txt', matches: [] }],
    ['one folder gets its slash', 'backu', { value: 'backups/', matches: [] }],
    ['several: the common part, and the choices', 'ba', { value: 'back', matches: ['backend/', 'backups/'] }],
    ['several with nothing more in common', 'b', { value: 'back', matches: ['backend/', 'backups/'] }],
    ['a file and its -wal', 'app', { value: 'app.db', matches: ['app.db', 'app.db-wal'] }],
    ['nothing matches: the text stays', 'zzz', { value: 'zzz', matches: [] }],
    ['hidden only when asked for', '.h', { value: '.hidden.db', matches: [] }],
    ['empty text lists the visible entries', '', { value: '', matches: ['app.db', 'app.db-wal', 'backend/', 'backups/', 'notes.txt'] }],
    ['the folder part is kept', 'data/no', { value: 'data/notes.txt', matches: [] }],
  ])('%s', (_name, typed, expected) => {
    expect(completeFromListing(typed, listing)).toEqual(expected);
  });
});

describe('completePath', () => {
  it('lists the typed folder through the port: relative to cwd, ~ under home, absolute as is', async () => {
    const files = new FakeLocalFiles();
    files.put('/work/proj/data/app.db', 'x');
    files.put('/home/op/copies/site.db', 'x');
    files.put('/srv/backups/a.db', 'x');
    expect(await completePath(files, '/work/proj', 'data/a', '/home/op')).toEqual({ value: 'data/app.db', matches: [] });
    expect(await completePath(files, '/work/proj', '~/copies/s', '/home/op')).toEqual({ value: '~/copies/site.db', matches: [] });
    expect(await completePath(files, '/work/proj', '/srv/b', '/home/op')).toEqual({ value: '/srv/backups/', matches: [] });
    expect(await completePath(files, '/work/proj', 'missing/x', '/home/op')).toEqual({ value: 'missing/x', matches: [] });
  });

  it.each([
    ['', '/cwd'],
    ['data/', '/cwd/data/'],
    ['~/', '/home/op'],
    ['/abs/', '/abs/'],
  ])('resolveTypedFolder(%j)', (folder, expected) => {
    expect(resolveTypedFolder(folder, '/cwd', '/home/op')).toBe(expected);
  });
});
