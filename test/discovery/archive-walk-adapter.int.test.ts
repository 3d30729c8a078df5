// DockerRuntime.walkArchive against the real engine: what it keeps of each entry, and that each bound stops it.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalRuntime } from '../../src/adapters/dockerode/create-local-runtime.js';
import { ContainerNotFoundError } from '../../src/runbook/errors.js';
import { APP_IMAGE } from '../support/docker/ensure-test-images.js';
import { makeTestPrefix, removeTestResources } from '../support/docker/app-container.js';
import { docker } from '../support/docker/docker-cli.js';

const runtime = createLocalRuntime();
const prefix = makeTestPrefix('discarch');
const name = `${prefix}c`;
let work: string;
const wide = { headBytes: 16, maxBytes: 1 << 30, maxEntries: 1000, timeoutMs: 30_000 };

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'disc-arch-'));
  const files = join(work, 'files');
  mkdirSync(join(files, 'sub'), { recursive: true });
  writeFileSync(join(files, 'a.txt'), 'short');
  writeFileSync(join(files, 'sub/b.bin'), Buffer.from('0123456789abcdefXYZ'));
  writeFileSync(join(files, 'z-big.bin'), Buffer.alloc(48 * 1024 * 1024, 1));
  utimesSync(join(files, 'a.txt'), new Date('2026-01-02T03:04:05Z'), new Date('2026-01-02T03:04:05Z'));
  // Created, never started: the archive API reads it all the same.
  await docker(['create', '--name', name, '--network', 'none', '-v', `${name}-vol:/data`, APP_IMAGE]);
  await docker(['cp', `${files}/.`, `${name}:/data`]);
}, 60_000);

afterAll(async () => {
  await removeTestResources(prefix);
  rmSync(work, { recursive: true, force: true });
});

describe('walkArchive', () => {
  it('each entry with its absolute path, kind, size, mtime and first bytes, in archive order', async () => {
    const walk = await runtime.walkArchive(name, '/data', wide);
    expect(walk?.stoppedEarly).toBeUndefined();
    expect(walk?.entries.map(({ path, type, size, head }) => [path, type, size, head.toString('latin1').slice(0, 16)])).toEqual([
      ['/data', 'directory', 0, ''],
      ['/data/a.txt', 'file', 5, 'short'],
      ['/data/sub', 'directory', 0, ''],
      ['/data/sub/b.bin', 'file', 19, '0123456789abcdef'],
      ['/data/z-big.bin', 'file', 48 * 1024 * 1024, '\x01'.repeat(16)],
    ]);
    expect(walk?.entries[1].mtime).toBe('2026-01-02T03:04:05.000Z');
    expect(walk?.bytesRead).toBeGreaterThan(48 * 1024 * 1024);
  });

  it('a file path gives that one entry', async () => {
    expect((await runtime.walkArchive(name, '/data/sub/b.bin', wide))?.entries.map((entry) => entry.path)).toEqual(['/data/sub/b.bin']);
  });

  it.each([
    ['entries', { maxEntries: 2 }, '/data/a.txt'],
    ['bytes', { maxBytes: 2 * 1024 * 1024 }, '/data/z-big.bin'],
  ] as const)('stops at its %s bound and says after what', async (reason, bound, after) => {
    const walk = await runtime.walkArchive(name, '/data', { ...wide, ...bound });
    expect(walk?.stoppedEarly).toEqual({ reason, after });
    if (reason === 'bytes') expect(walk?.bytesRead).toBeLessThan(4 * 1024 * 1024);
  });

  it('stops at its time bound', async () => {
    const walk = await runtime.walkArchive(name, '/data', { ...wide, timeoutMs: 1 });
    expect(walk?.stoppedEarly?.reason).toBe('time');
    expect(walk?.bytesRead).toBeLessThan(48 * 1024 * 1024);
  });

  it('a missing path is null; an unknown container throws ContainerNotFoundError', async () => {
    expect(await runtime.walkArchive(name, '/data/missing', wide)).toBeNull();
    await expect(runtime.walkArchive(`${prefix}nope`, '/data', wide)).rejects.toBeInstanceOf(ContainerNotFoundError);
  });
});
