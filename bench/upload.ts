// Upload through SshRemoteHost (SFTP fastPut + rename + remote sha256) against OpenSSH's scp, on a local sshd.
// Part of `npm run bench` (measureUpload); also runs alone: node --import tsx bench/upload.ts [MB]  (default 500 MB,
// a random file, 3 runs each).
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { startSshd, TEST_ALIAS, type Sshd } from '../test/support/sshd/sshd.js';
import { median } from './measure.js';
import { opensshArgs } from './raw.js';
import { writeRandomFile } from '../test/support/random-file.js';

// As built (dist/) when it is there, as the CLI runs it; the sources otherwise.
const connectModule = new URL(
  existsSync(new URL('../dist/adapters/ssh2/connect.js', import.meta.url))
    ? '../dist/adapters/ssh2/connect.js'
    : '../src/adapters/ssh2/connect.ts',
  import.meta.url,
).href;
const { connectHost } = (await import(connectModule)) as typeof import('../src/adapters/ssh2/connect.js');
async function sha256(path: string): Promise<string> {
  const { stdout } = await execa('sha256sum', [path]);
  return stdout.split(' ')[0];
}

export interface UploadFigures {
  bytes: number;
  /** SshRemoteHost.upload as the restore calls it: fastPut to .partial, rename (its sha256 is taken later, once, of the copy staged in the volume). */
  tool: number[];
  /** Of which the SFTP transfer (until every byte was acknowledged). */
  transferOnly: number[];
  /** upload with its own sha256 on the server (hash: true), the first run only. */
  withHash: number[];
  scp: number[];
  scpGcm: number[];
  baselineRssMb: number;
  peakRssMb: number;
}

/** Runs are interleaved (tool, scp, scp-gcm, tool, ...) so a noisy moment hits all three alike. */
export async function measureUpload(sshd: Sshd, local: string, runs: number, localSha?: string): Promise<UploadFigures> {
  const bytes = (await stat(local)).size;
  const expected = localSha ?? (await sha256(local));
  const dir = join(sshd.dir, 'upload');
  await mkdir(dir, { recursive: true });
  const host = await connectHost(TEST_ALIAS, { home: sshd.home, hostKeyPolicy: 'refuse-unknown' });
  const figures: UploadFigures = {
    bytes,
    tool: [],
    transferOnly: [],
    withHash: [],
    scp: [],
    scpGcm: [],
    baselineRssMb: process.memoryUsage().rss / 1048576,
    peakRssMb: 0,
  };
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  const target = `${TEST_ALIAS}:${join(dir, 'scp.db')}`;
  const scpArgs = ['-q', ...opensshArgs(sshd)];
  const timed = async (fn: () => Promise<unknown>) => {
    const started = performance.now();
    await fn();
    return performance.now() - started;
  };
  try {
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      let transferred = 0;
      await host.upload(local, join(dir, 'target.db'), {
        hash: false,
        onProgress: (done, total) => {
          if (done === total && done > 0 && transferred === 0) transferred = performance.now() - started;
        },
      });
      figures.tool.push(performance.now() - started);
      figures.transferOnly.push(transferred);
      // The "server" is this machine: the copy is checked here, outside the timing.
      if ((await sha256(join(dir, 'target.db'))) !== expected) throw new Error('sha256 mismatch after upload');
      if (i === 0) {
        const hashedAt = performance.now();
        const result = await host.upload(local, join(dir, 'target.db'), { hash: true });
        figures.withHash.push(performance.now() - hashedAt);
        if (result.remoteSha256 !== expected) throw new Error('sha256 mismatch after upload');
      }
      await rm(join(dir, 'target.db'), { force: true });
      figures.scp.push(await timed(() => execa('scp', [...scpArgs, local, target])));
      await rm(join(dir, 'scp.db'), { force: true });
      figures.scpGcm.push(await timed(() => execa('scp', [...scpArgs, '-c', 'aes128-gcm@openssh.com', local, target])));
      await rm(join(dir, 'scp.db'), { force: true });
    }
  } finally {
    clearInterval(sampler);
    await host.close();
  }
  figures.peakRssMb = peakRss / 1048576;
  return figures;
}

// Run alone: the original standalone benchmark on a random file.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const MB = Number(process.argv[2] ?? 500);
  const RUNS = 3;
  const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s  ${(MB / (ms / 1000)).toFixed(0).padStart(4)} MB/s`;
  const sshd = await startSshd();
  const dir = await mkdtemp(join(tmpdir(), 'bench-upload-'));
  try {
    const local = join(dir, 'source.db');
    const localSha = await writeRandomFile(local, MB * 1024 * 1024);
    console.log(
      `${MB} MB file, ${RUNS} runs each; load average before: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    const f = await measureUpload(sshd, local, RUNS, localSha);
    const row = (name: string, runs: number[]) =>
      console.log(`${name.padEnd(44)} ${runs.map(fmt).join(' | ')}   median ${fmt(median(runs))}`);
    row('SshRemoteHost.upload (fastPut+rename), as the restore', f.tool);
    row('upload with its sha256 on the server (1st run)', f.withHash);
    row('  of which the transfer (until all acked)', f.transferOnly);
    row('scp (default cipher)', f.scp);
    row('scp -c aes128-gcm@openssh.com', f.scpGcm);
    console.log(
      `ratio upload/scp: ${(median(f.tool) / median(f.scp)).toFixed(2)}  upload/scp-gcm: ${(median(f.tool) / median(f.scpGcm)).toFixed(2)}`,
    );
    console.log(
      `ratio transfer only / scp: ${(median(f.transferOnly) / median(f.scp)).toFixed(2)}  / scp-gcm: ${(median(f.transferOnly) / median(f.scpGcm)).toFixed(2)}`,
    );
    console.log(
      `RSS during uploads: baseline ${f.baselineRssMb.toFixed(0)} MB, peak ${f.peakRssMb.toFixed(0)} MB (+${(f.peakRssMb - f.baselineRssMb).toFixed(0)} MB)`,
    );
    console.log(
      `load average after: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
    await sshd.stop();
  }
}
