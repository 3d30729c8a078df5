// The one-file tar stream read back by GNU tar, as a foreign reader: names, sizes, modes, owners and content.
import { createWriteStream, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { tarOneFile } from '../../../src/adapters/dockerode/tar-one-file.js';
import { writeRandomFile } from '../../support/random-file.js';

const dir = mkdtempSync(join(tmpdir(), 'tar-one-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function archive(source: string, name: string, size: number, chunkBytes?: number): Promise<string> {
  const out = join(dir, `${name.slice(0, 40)}.tar`);
  await pipeline(
    Readable.from(
      tarOneFile(source, { name, size, mode: 0o640, uid: 1001, gid: 1002, mtime: new Date('2025-01-02T03:04:05Z') }, chunkBytes),
    ),
    createWriteStream(out),
  );
  return out;
}

describe('tarOneFile', () => {
  it.each([
    ['an odd size across several chunks', 1_234_567, 'app.db'],
    ['an exact multiple of 512', 8192, 'app.db'],
    ['an empty file', 0, 'empty.db'],
    ['a name longer than ustar holds (pax path record)', 70_001, `.${'a'.repeat(130)}.db.rescue-20250101T000000Z.incoming`],
  ])('%s: GNU tar lists and extracts it byte for byte', async (_what, size, name) => {
    const source = join(dir, 'source');
    const sha = await writeRandomFile(source, size);
    const tar = await archive(source, name, size, 64 * 1024);
    const listing = (await execa('tar', ['--numeric-owner', '-tvf', tar], { env: { TZ: 'UTC' } })).stdout.trim();
    expect(listing.split('\n')).toHaveLength(1);
    expect(listing).toMatch(new RegExp(`^-rw-r----- 1001/1002 +${size} 2025-01-02 03:04 ${name.replaceAll('.', '\\.')}$`));
    const extracted = await execa('sh', ['-c', 'tar -xOf "$1" | sha256sum', 'sh', tar]);
    expect(extracted.stdout.split(' ')[0]).toBe(sha);
  });

  it('a file that changes size while it is read is refused, not sent with a wrong header', async () => {
    const source = join(dir, 'shrinks');
    writeFileSync(source, Buffer.alloc(10_000, 7));
    const reading = tarOneFile(source, { name: 'x.db', size: 20_000, mode: 0o600, uid: 0, gid: 0, mtime: new Date() });
    await expect(
      (async () => {
        for await (const chunk of reading) void chunk;
      })(),
    ).rejects.toThrow('shrank while it was being copied (10000 of 20000 bytes)');
    truncateSync(source, 0);
  });
});
