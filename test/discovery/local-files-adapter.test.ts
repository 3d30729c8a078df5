// The node-fs adapter's discovery methods on a real disk.
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalFiles } from '../../src/adapters/node-fs/local-files.js';

const files = createLocalFiles();
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'disc-lf-'));
  writeFileSync(join(dir, 'b.db'), 'hello world');
  utimesSync(join(dir, 'b.db'), new Date('2026-01-02T03:04:05Z'), new Date('2026-01-02T03:04:05Z'));
  mkdirSync(join(dir, 'a-folder'));
  symlinkSync(join(dir, 'a-folder'), join(dir, 'c-link'));
  symlinkSync(join(dir, 'nowhere'), join(dir, 'd-dangling'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('list', () => {
  it('sorted entries, links followed for their kind, a dangling link as other', async () => {
    const listing = await files.list(dir);
    expect(listing?.truncated).toBe(false);
    expect(listing?.entries.map(({ name, kind, isSymlink, size }) => [name, kind, isSymlink, size])).toEqual([
      ['a-folder', 'directory', false, 0],
      ['b.db', 'file', false, 11],
      ['c-link', 'directory', true, 0],
      ['d-dangling', 'other', true, 0],
    ]);
    expect(listing?.entries[1].mtime).toBe('2026-01-02T03:04:05.000Z');
  });

  it('a limit truncates and says so; a missing path or a file is null', async () => {
    expect(await files.list(dir, 2)).toMatchObject({
      truncated: true,
      entries: [{ name: expect.any(String) }, { name: expect.any(String) }],
    });
    expect(await files.list(join(dir, 'missing'))).toBeNull();
    expect(await files.list(join(dir, 'b.db'))).toBeNull();
  });
});

describe('readBytes', () => {
  it('reads a range, fewer at the end, and changes nothing', async () => {
    const path = join(dir, 'b.db');
    const before = statSync(path);
    expect((await files.readBytes(path, 6, 100)).toString()).toBe('world');
    expect((await files.readBytes(path, 0, 5)).toString()).toBe('hello');
    expect(await files.readBytes(path, 50, 10)).toEqual(Buffer.alloc(0));
    const after = statSync(path);
    expect([after.size, after.mtimeMs]).toEqual([before.size, before.mtimeMs]);
  });

  it('a missing file rejects and creates nothing', async () => {
    await expect(files.readBytes(join(dir, 'nope.db'), 0, 10)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await files.stat(join(dir, 'nope.db'))).toBeNull();
  });
});
