// Upload through SshRemoteHost (SFTP fastPut + rename + remote sha256) against OpenSSH's scp, on a local sshd.
// Run: node --import tsx bench/upload.ts [MB]   (default 500 MB, 3 runs each)
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { connectHost } from '../src/adapters/ssh2/connect.js';
import { startSshd, TEST_ALIAS } from '../test/support/sshd/sshd.js';

const MB = Number(process.argv[2] ?? 500);
const RUNS = 3;

async function generate(path: string, bytes: number): Promise<string> {
  const hash = createHash('sha256');
  const out = createWriteStream(path);
  for (let written = 0; written < bytes; ) {
    const chunk = randomBytes(Math.min(4 << 20, bytes - written));
    hash.update(chunk);
    written += chunk.length;
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve) => out.end(resolve));
  return hash.digest('hex');
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s  ${(MB / (ms / 1000)).toFixed(0).padStart(4)} MB/s`;

const sshd = await startSshd();
const dir = await mkdtemp(join(tmpdir(), 'bench-upload-'));
try {
  const local = join(dir, 'source.db');
  const bytes = MB * 1024 * 1024;
  const localSha = await generate(local, bytes);
  console.log(`${MB} MB file, ${RUNS} runs each; load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

  const host = await connectHost(TEST_ALIAS, { home: sshd.home, hostKeyPolicy: 'refuse-unknown' });
  const remote = join(sshd.dir, 'upload', 'target.db');
  const baselineRss = process.memoryUsage().rss;
  let peakRss = baselineRss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  const tool: number[] = [];
  const transferOnly: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    let transferred = 0;
    const result = await host.upload(local, remote, {
      onProgress: (done, total) => {
        if (done === total && done > 0 && transferred === 0) transferred = performance.now() - started;
      },
    });
    tool.push(performance.now() - started);
    transferOnly.push(transferred);
    if (result.remoteSha256 !== localSha) throw new Error('sha256 mismatch');
  }
  clearInterval(sampler);
  await host.close();

  const scpArgs = ['-q', '-P', String(sshd.port), '-i', sshd.clientKeyPath, '-o', `UserKnownHostsFile=${sshd.home}/.ssh/known_hosts`,
    '-o', 'StrictHostKeyChecking=yes', '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes'];
  const target = `root@127.0.0.1:${join(sshd.dir, 'upload', 'scp.db')}`;
  const scp: number[] = [];
  const scpGcm: number[] = [];
  for (let i = 0; i < RUNS; i++) scp.push(await timed(() => execa('scp', [...scpArgs, local, target])));
  for (let i = 0; i < RUNS; i++) scpGcm.push(await timed(() => execa('scp', [...scpArgs, '-c', 'aes128-gcm@openssh.com', local, target])));

  const row = (name: string, runs: number[]) => console.log(`${name.padEnd(44)} ${runs.map(fmt).join(' | ')}   median ${fmt(median(runs))}`);
  row('SshRemoteHost.upload (fastPut+rename+sha256)', tool);
  row('  of which the transfer (until all acked)', transferOnly);
  row('scp (default cipher)', scp);
  row('scp -c aes128-gcm@openssh.com', scpGcm);
  console.log(`ratio upload/scp: ${(median(tool) / median(scp)).toFixed(2)}  upload/scp-gcm: ${(median(tool) / median(scpGcm)).toFixed(2)}`);
  console.log(`ratio transfer only / scp: ${(median(transferOnly) / median(scp)).toFixed(2)}  / scp-gcm: ${(median(transferOnly) / median(scpGcm)).toFixed(2)}`);
  console.log(`RSS during uploads: baseline ${(baselineRss / 1048576).toFixed(0)} MB, peak ${(peakRss / 1048576).toFixed(0)} MB (+${((peakRss - baselineRss) / 1048576).toFixed(0)} MB)`);
  console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
} finally {
  await rm(dir, { recursive: true, force: true });
  await sshd.stop();
}
