import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createLocalFiles } from '../../../src/adapters/node-fs/local-files.js';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-files-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const files = createLocalFiles();

test('stat: size, ISO mtime and kind; null when absent (also under a file)', async () => {
  const file = path.join(dir, 'a.bin');
  fs.writeFileSync(file, 'hello');
  const mtime = new Date('2024-05-06T07:08:09.000Z');
  fs.utimesSync(file, mtime, mtime);
  expect(await files.stat(file)).toEqual({ size: 5, mtime: '2024-05-06T07:08:09.000Z', isFile: true });
  expect(await files.stat(dir)).toMatchObject({ isFile: false });
  expect(await files.stat(path.join(dir, 'missing'))).toBeNull();
  expect(await files.stat(path.join(file, 'below-a-file'))).toBeNull();
});

test('sha256 of a multi-chunk file matches the one-shot digest; empty file too', async () => {
  const file = path.join(dir, 'big.bin');
  const bytes = Buffer.alloc(3 * 1024 * 1024 + 17, 0).map((_, i) => (i * 31) & 0xff);
  fs.writeFileSync(file, bytes);
  expect(await files.sha256(file)).toBe(createHash('sha256').update(bytes).digest('hex'));
  fs.writeFileSync(path.join(dir, 'empty'), '');
  expect(await files.sha256(path.join(dir, 'empty'))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  await expect(files.sha256(path.join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
});

test('ensureDir makes parents and is idempotent', async () => {
  const nested = path.join(dir, 'x', 'y', 'z');
  await files.ensureDir(nested);
  await files.ensureDir(nested);
  expect(fs.statSync(nested).isDirectory()).toBe(true);
});
