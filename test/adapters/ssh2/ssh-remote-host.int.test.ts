import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readdir, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHost } from '../../../src/adapters/ssh2/connect.js';
import type { SshRemoteHost } from '../../../src/adapters/ssh2/ssh-remote-host.js';
import { RescueError } from '../../../src/runbook/errors.js';
import { startSshd, TEST_ALIAS, type Sshd } from '../../support/sshd/sshd.js';
import { writeRandomFile } from '../../support/random-file.js';

let sshd: Sshd;
let host: SshRemoteHost;
let localDir: string;

beforeAll(async () => {
  sshd = await startSshd();
  host = await connectHost(TEST_ALIAS, { home: sshd.home, hostKeyPolicy: 'refuse-unknown' });
  localDir = await mkdtemp(join(tmpdir(), 'ssh-upload-local-'));
});

afterAll(async () => {
  await host?.close();
  await sshd?.stop();
  if (localDir) await rm(localDir, { recursive: true, force: true });
});

const sha256Of = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
// How many descriptors this process holds on `path`: an upload that ended, however it ended, holds none.
const openLocalFds = async (path: string) => {
  const targets = await Promise.all((await readdir('/proc/self/fd')).map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')));
  return targets.filter((target) => target === path).length;
};

describe('SshRemoteHost.exec', () => {
  it('passes shell metacharacters through as literal arguments', async () => {
    const marker = join(sshd.dir, 'injected');
    const payloads = [
      `$(touch ${marker})`,
      `\`touch ${marker}\``,
      `; touch ${marker}`,
      `' ; touch ${marker}; '`,
      `a\nb`,
      'it\'s "quoted"',
      '*',
      '$HOME',
      '',
    ];
    const result = await host.exec(['printf', '%s\\0', ...payloads]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.split('\0').slice(0, -1)).toEqual(payloads);
    expect(existsSync(marker)).toBe(false);
  });

  it('returns exit code, stdout and stderr without rejecting on failure', async () => {
    const started = Date.now();
    const result = await host.exec(['sh', '-c', 'echo out; echo err >&2; sleep 0.3; exit 7']);
    expect(result).toMatchObject({
      argv: ['sh', '-c', 'echo out; echo err >&2; sleep 0.3; exit 7'],
      exitCode: 7,
      stdout: 'out\n',
      stderr: 'err\n',
    });
    expect(result.durationMs).toBeGreaterThanOrEqual(250);
    expect(result.durationMs).toBeLessThanOrEqual(Date.now() - started);
    expect((await host.exec(['no-such-command-xyz'])).exitCode).toBe(127);
  });

  it('reports death by signal as 128 + signal number', async () => {
    expect((await host.exec(['sh', '-c', 'kill -TERM $$'])).exitCode).toBe(143);
  });

  it('gives the command EOF on stdin instead of hanging', async () => {
    expect(await host.exec(['cat'], { timeoutMs: 5_000 })).toMatchObject({ exitCode: 0, stdout: '' });
  });

  it('rejects after timeoutMs', async () => {
    const started = performance.now();
    await expect(host.exec(['sleep', '30'], { timeoutMs: 300 })).rejects.toThrow(/`sleep 30` on 127\.0\.0\.1:\d+ timed out after 0 s/);
    expect(performance.now() - started).toBeLessThan(1_500);
    expect((await host.exec(['true'])).exitCode).toBe(0);
  });
});

describe('SshRemoteHost.freeBytes', () => {
  it('reads the available bytes of the filesystem holding a directory', async () => {
    const { stdout } = await execa('df', ['-Pk', sshd.dir]);
    const local = Number(stdout.trim().split('\n').pop()!.split(/\s+/)[3]) * 1024;
    const remote = await host.freeBytes(sshd.dir);
    expect(Math.abs(remote - local)).toBeLessThan(256 << 20);
  });

  it('fails clearly for a directory that does not exist', async () => {
    await expect(host.freeBytes('/no/such/dir')).rejects.toThrow(
      /read free space of \/no\/such\/dir on 127\.0\.0\.1:\d+: `df -Pk \/no\/such\/dir` exited 1: df: /,
    );
  });
});

describe('SshRemoteHost.upload', () => {
  it('uploads ~200 MB under a .partial name, renames it, and hashes it on the server', async () => {
    const local = join(localDir, 'healthy.db');
    const size = 200 * 1024 * 1024 + 12345;
    const localSha = await writeRandomFile(local, size);
    const remotePath = join(sshd.dir, 'incoming', 'sub dir', "healthy 'copy'.db");
    const progress: Array<[number, number]> = [];

    const result = await host.upload(local, remotePath, { onProgress: (done, total) => progress.push([done, total]) });

    expect(result).toMatchObject({ remotePath, bytes: size, remoteSha256: localSha });
    expect(await sha256Of(remotePath)).toBe(localSha);
    expect(existsSync(`${remotePath}.partial`)).toBe(false);
    expect(progress.at(-1)).toEqual([size, size]);
    expect(progress.every(([done, total], i) => total === size && (i === 0 || done >= progress[i - 1][0]))).toBe(true);
    expect(progress.length).toBeGreaterThan(10);
    console.log(
      `[measure] upload ${size} B in ${result.durationMs} ms (${(size / 1048576 / (result.durationMs / 1000)).toFixed(0)} MB/s, incl. remote sha256)`,
    );
    await rm(remotePath);
  });

  it('replaces an earlier upload at the same path', async () => {
    const remotePath = join(sshd.dir, 'incoming', 'again.db');
    for (const content of ['first', 'second']) {
      const local = join(localDir, `${content}.db`);
      await writeFile(local, content);
      const result = await host.upload(local, remotePath);
      expect(result.remoteSha256).toBe(createHash('sha256').update(content).digest('hex'));
    }
    expect(await readFile(remotePath, 'utf8')).toBe('second');
  });

  it('rejects and leaves nothing under the final name when the link drops mid-upload', async () => {
    const doomed = await connectHost(TEST_ALIAS, { home: sshd.home, hostKeyPolicy: 'refuse-unknown' });
    const local = join(localDir, 'doomed.db');
    const size = 64 * 1024 * 1024;
    await writeRandomFile(local, size);
    const remotePath = join(sshd.dir, 'incoming', 'doomed.db');
    let cut = false;
    const upload = doomed.upload(local, remotePath, {
      onProgress: (done) => {
        if (!cut && done > size / 4) {
          cut = true;
          void doomed.close();
        }
      },
    });
    await expect(upload).rejects.toThrow(RescueError);
    expect(cut).toBe(true);
    expect(existsSync(remotePath)).toBe(false);
    expect(await openLocalFds(local)).toBe(0);
  });

  it('refuses a relative remote path', async () => {
    await expect(host.upload(join(localDir, 'first.db'), 'relative.db')).rejects.toThrow(/absolute path/);
  });
});

// The upload is a pipeline of 255 KiB write requests (src/adapters/ssh2/sftp-put.ts): sizes around a request's edge.
describe('SshRemoteHost.upload at the edges of a write request', () => {
  const CHUNK = 261_120;

  it.each([0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 9 * CHUNK + 7])(
    '%i bytes arrive intact, progress ends at the size, the local file is closed',
    async (size) => {
      const local = join(localDir, `edge-${size}.db`);
      const localSha = await writeRandomFile(local, size);
      const remotePath = join(sshd.dir, 'incoming', `edge-${size}.db`);
      const progress: number[] = [];
      const result = await host.upload(local, remotePath, { onProgress: (done) => progress.push(done) });
      expect(result).toMatchObject({ bytes: size, remoteSha256: localSha });
      expect(await sha256Of(remotePath)).toBe(localSha);
      expect(progress.at(-1)).toBe(size);
      expect(progress.every((done, i) => i === 0 || done >= progress[i - 1])).toBe(true);
      expect(await openLocalFds(local)).toBe(0);
    },
  );

  it('a server that refuses the file: a clear error, nothing under the final name, the local file closed', async () => {
    const local = join(localDir, 'refused.db');
    await writeRandomFile(local, 3 * CHUNK);
    const remotePath = join(sshd.dir, 'incoming', 'refused.db');
    // The .partial name is taken by a directory, so the server cannot open it for writing.
    await execa('mkdir', ['-p', `${remotePath}.partial`]);
    const error = await host.upload(local, remotePath).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RescueError);
    expect((error as Error).message).toMatch(new RegExp(`^upload of ${local} to 127\\.0\\.0\\.1:${sshd.port}:${remotePath} failed: `));
    expect(existsSync(remotePath)).toBe(false);
    expect(await openLocalFds(local)).toBe(0);
  });
});

// remoteSha256 must describe the bytes on the server's disk, not echo what was sent. This server's sha256sum is a
// wrapper that first flips a byte of the file it is given (damage after the write, before the check), so the hash
// the port reports must differ from the local one and match the damaged file.
describe('SshRemoteHost.upload on a server that damages the file before it is hashed', () => {
  let damaging: Sshd;
  let damagingHost: SshRemoteHost;
  let bin: string;

  beforeAll(async () => {
    bin = await mkdtemp(join(tmpdir(), 'damaging-bin-'));
    await writeFile(
      join(bin, 'sha256sum'),
      '#!/bin/sh\nprintf X | dd of="$1" bs=1 seek=1000 conv=notrunc 2>/dev/null\nexec /usr/bin/sha256sum "$@"\n',
    );
    await chmod(join(bin, 'sha256sum'), 0o755);
    damaging = await startSshd({ sessionPathPrefix: [bin] });
    damagingHost = await connectHost(TEST_ALIAS, { home: damaging.home, hostKeyPolicy: 'refuse-unknown' });
  });

  afterAll(async () => {
    await damagingHost?.close();
    await damaging?.stop();
    if (bin) await rm(bin, { recursive: true, force: true });
  });

  it('reports the hash of what is on disk, so comparing it with the local hash catches the damage', async () => {
    const local = join(localDir, 'to-damage.db');
    const localSha = await writeRandomFile(local, 1 << 20);
    const remotePath = join(damaging.dir, 'in', 'damaged.db');
    const result = await damagingHost.upload(local, remotePath);
    expect(result.remoteSha256).not.toBe(localSha);
    expect(result.remoteSha256).toBe(await sha256Of(remotePath));
    expect((await stat(remotePath)).size).toBe(1 << 20);
  });
});

describe('SshRemoteHost after close', () => {
  it('rejects new work with a clear message', async () => {
    const closing = await connectHost(TEST_ALIAS, { home: sshd.home, hostKeyPolicy: 'refuse-unknown' });
    await closing.close();
    await closing.close();
    await expect(closing.exec(['true'])).rejects.toThrow(/the SSH connection to 127\.0\.0\.1:\d+ is closed/);
  });
});
