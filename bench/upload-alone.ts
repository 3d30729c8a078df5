// One upload through SshRemoteHost.upload in a process that does nothing else, and what it cost in memory: peak RSS
// (VmHWM) before and after, the peak of V8's ArrayBuffer memory, and the GCs V8 ran meanwhile. The memory counterpart of
// bench/upload.ts, whose RSS figure includes the bench's own setup. `node --import tsx bench/upload-alone.ts [MB]`
// (default 1000, a random file).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { execa } from 'execa';
import { connectHost } from '../src/adapters/ssh2/connect.js';
import { startSshd, TEST_ALIAS } from '../test/support/sshd/sshd.js';

const MB = Number(process.argv[2] ?? 1000);
const dir = await mkdtemp(join(tmpdir(), 'bench-upload-alone-'));
const local = join(dir, 'source.db');
// Written and hashed by other processes, so this one's peak RSS is the upload's alone.
await execa('sh', ['-c', 'head -c "$1" /dev/urandom > "$2"', 'sh', String(MB * 1024 * 1024), local]);
const localSha = (await execa('sha256sum', [local])).stdout.split(' ')[0];
const sshd = await startSshd();
try {
  const host = await connectHost(TEST_ALIAS, { home: sshd.home, hostKeyPolicy: 'refuse-unknown' });
  const gcs = { minor: 0, major: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) gcs.minor += 1;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) gcs.major += 1;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  let peakArrayBuffers = 0;
  const sampler = setInterval(() => (peakArrayBuffers = Math.max(peakArrayBuffers, process.memoryUsage().arrayBuffers)), 10);
  const hwmBefore = process.resourceUsage().maxRSS / 1024;
  const started = performance.now();
  // As the restore uploads: no hash of its own (the copy staged in the volume is hashed later).
  await host.upload(local, join(sshd.dir, 'target.db'), { hash: false });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  observer.disconnect();
  // The "server" is this machine: the copy is checked here, after the measure.
  const remoteSha = (await execa('sha256sum', [join(sshd.dir, 'target.db')])).stdout.split(' ')[0];
  if (remoteSha !== localSha) throw new Error('sha256 mismatch after upload');
  const hwmAfter = process.resourceUsage().maxRSS / 1024;
  console.log(`${MB} MB in ${seconds.toFixed(2)} s (${(MB / seconds).toFixed(0)} MiB/s)`);
  console.log(`peak RSS (VmHWM) ${hwmBefore.toFixed(0)} MB before the upload, ${hwmAfter.toFixed(0)} MB after`);
  const arrayBuffersMb = (peakArrayBuffers / 1048576).toFixed(0);
  console.log(`peak ArrayBuffer memory during it ${arrayBuffersMb} MB; V8 ran ${gcs.minor} scavenges, ${gcs.major} mark-compacts`);
  await host.close();
} finally {
  await sshd.stop();
  await rm(dir, { recursive: true, force: true });
}
