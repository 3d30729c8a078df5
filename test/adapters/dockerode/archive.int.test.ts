import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalRuntime } from '../../../src/adapters/dockerode/index.js';
import { ContainerNotFoundError, RescueError } from '../../../src/runbook/errors.js';
import { makeTestPrefix, removeTestResources, startAppContainer, type AppContainer } from '../../support/docker/index.js';
import { writeRandomFile } from '../../support/random-file.js';

const prefix = makeTestPrefix('archive');
const runtime = createLocalRuntime();
let app: AppContainer;
let workDir: string;

beforeAll(async () => {
  await removeTestResources(prefix);
  app = await startAppContainer({ name: `${prefix}app`, volumeName: `${prefix}data` });
  workDir = await mkdtemp(join(tmpdir(), 'srt-archive-'));
  const setup = await runtime.exec(app.id, [
    'sh',
    '-c',
    'mkdir -p /data/files/sub && printf "hello\\n" > /data/files/hello.txt && ln -s hello.txt /data/files/link.txt',
  ]);
  expect(setup.exitCode).toBe(0);
});

afterAll(async () => {
  await removeTestResources(prefix);
  if (workDir) await rm(workDir, { recursive: true, force: true });
});
describe('DockerRuntime.statPath', () => {
  it('reports a regular file', async () => {
    const stat = await runtime.statPath(app.id, '/data/files/hello.txt');
    expect(stat).toMatchObject({ name: 'hello.txt', size: 6, isDirectory: false });
    expect(stat!.mode & 0o777).toBe(0o644);
    expect(Number.isNaN(Date.parse(stat!.mtime))).toBe(false);
  });

  it('reports a directory', async () => {
    expect(await runtime.statPath(app.id, '/data/files/sub')).toMatchObject({ name: 'sub', isDirectory: true });
  });

  it('returns null for a missing path', async () => {
    expect(await runtime.statPath(app.id, '/data/files/nope.db')).toBeNull();
  });

  it('throws ContainerNotFoundError for a missing container', async () => {
    await expect(runtime.statPath(`${prefix}missing`, '/data')).rejects.toBeInstanceOf(ContainerNotFoundError);
  });
});

describe('DockerRuntime.copyIn', () => {
  it('streams a 50 MB file in, with progress reaching the total and matching sha256', async () => {
    const size = 50 * 1024 * 1024 + 123;
    const localPath = join(workDir, 'big.bin');
    const localSha = await writeRandomFile(localPath, size);
    const progress: Array<[number, number]> = [];

    await runtime.copyIn(app.id, localPath, '/data/files', 'big.bin.partial', {
      onProgress: (done, total) => progress.push([done, total]),
    });

    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toEqual([size, size]);
    expect(progress.every(([, total]) => total === size)).toBe(true);
    const remote = await runtime.exec(app.id, ['sha256sum', '/data/files/big.bin.partial']);
    expect(remote.stdout.split(' ')[0]).toBe(localSha);
    expect((await runtime.statPath(app.id, '/data/files/big.bin.partial'))?.size).toBe(size);
  });

  it('gives the file the owner and mode asked for', async () => {
    const localPath = join(workDir, 'owned.txt');
    await writeFile(localPath, 'owned\n');
    await runtime.copyIn(app.id, localPath, '/data/files', 'owned.txt', { owner: { uid: 1000, gid: 1000, mode: 0o640 } });
    const stat = await runtime.exec(app.id, ['stat', '-c', '%u:%g %a', '/data/files/owned.txt']);
    expect(stat.stdout.trim()).toBe('1000:1000 640');
  });

  it('rejects a directory that does not exist in the container', async () => {
    const localPath = join(workDir, 'small.txt');
    await writeFile(localPath, 'x');
    await expect(runtime.copyIn(app.id, localPath, '/data/no-such-dir', 'small.txt')).rejects.toThrow(/no such file or directory/);
  });

  it('a file whose size changes while it is read: rejects, without hanging, and leaves no complete-looking copy', async () => {
    // /proc/self/status stats as 0 bytes and reads as hundreds: the archive would otherwise lie about its size.
    await expect(runtime.copyIn(app.id, '/proc/self/status', '/data/files', 'grown.txt')).rejects.toThrow('grew while it was being copied');
    expect((await runtime.statPath(app.id, '/data/files/grown.txt'))?.size ?? 0).toBe(0);
  });

  it('refuses a name with a slash', async () => {
    await expect(runtime.copyIn(app.id, join(workDir, 'small.txt'), '/data', '../etc/passwd')).rejects.toThrow(/invalid file name/);
  });
});

describe('DockerRuntime.copyOut and readFile', () => {
  it('copies one file out under its base name and leaves no temporary file', async () => {
    const dir = await mkdtemp(join(workDir, 'out-'));
    const localPath = await runtime.copyOut(app.id, '/data/files/hello.txt', dir);
    expect(localPath).toBe(join(dir, 'hello.txt'));
    expect(await readFile(localPath, 'utf8')).toBe('hello\n');
    expect(await readdir(dir)).toEqual(['hello.txt']);
  });

  it('refuses to overwrite an existing local file', async () => {
    const dir = await mkdtemp(join(workDir, 'out-'));
    await writeFile(join(dir, 'hello.txt'), 'keep me');
    await expect(runtime.copyOut(app.id, '/data/files/hello.txt', dir)).rejects.toThrow(/refusing to overwrite/);
    expect(await readFile(join(dir, 'hello.txt'), 'utf8')).toBe('keep me');
    expect(await readdir(dir)).toEqual(['hello.txt']);
  });

  it('refuses a directory and writes nothing', async () => {
    const dir = await mkdtemp(join(workDir, 'out-'));
    await expect(runtime.copyOut(app.id, '/data/files', dir)).rejects.toMatchObject({ name: 'UnexpectedArchiveError' });
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a symlink and writes nothing', async () => {
    const dir = await mkdtemp(join(workDir, 'out-'));
    await expect(runtime.copyOut(app.id, '/data/files/link.txt', dir)).rejects.toThrow(/symlink/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('rejects a missing file with a path error', async () => {
    const dir = await mkdtemp(join(workDir, 'out-'));
    const attempt = runtime.copyOut(app.id, '/data/files/nope.db', dir);
    await expect(attempt).rejects.toBeInstanceOf(RescueError);
    await expect(attempt).rejects.toThrow(/no such file or directory/);
  });

  it('streams a file through readFile and returns its size', async () => {
    const chunks: Buffer[] = [];
    const bytes = await runtime.readFile(app.id, '/data/files/hello.txt', (chunk) => chunks.push(chunk));
    expect(bytes).toBe(6);
    expect(Buffer.concat(chunks).toString()).toBe('hello\n');
  });

  it('copies the live database out of a stopped container', async () => {
    const stopped = await startAppContainer({ name: `${prefix}stopped`, volumeName: `${prefix}stopped-data` });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await runtime.stop(stopped.id, 5);
    const dir = await mkdtemp(join(workDir, 'out-'));
    const stat = await runtime.statPath(stopped.id, '/data/app.db');
    const localPath = await runtime.copyOut(stopped.id, '/data/app.db', dir);
    expect((await readFile(localPath)).subarray(0, 16).toString()).toBe('SQLite format 3\0');
    expect((await readFile(localPath)).length).toBe(stat?.size);
  });
});
