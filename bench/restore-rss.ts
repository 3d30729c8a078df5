// The tool's peak memory in a whole restore over SSH, alone: `node --import tsx bench/restore-rss.ts [MB] [runs]`
// (default 1000 MB, 3 runs). The same outage and the same measure as `npm run bench` (bench/outage.ts, bench/tool.ts:
// VmHWM of the CLI process sampled from /proc), without the rest of the bench. Needs `npm run build`; reuses
// .bench/cache like the bench does and leaves it there.
import fs from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI_PATH } from '../test/support/cli.js';
import { ensureDockerEngine, ensureTestImages, makeTestPrefix, removeTestResources } from '../test/support/docker/index.js';
import { startSshd } from '../test/support/sshd/sshd.js';
import { ensureSizeFiles } from './files.js';
import { median, seconds } from './measure.js';
import { buildBenchOutage } from './outage.js';
import { runToolRestore } from './tool.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const sizeMb = Number(process.argv[2] ?? 1000);
const runs = Number(process.argv[3] ?? 3);
if (!fs.existsSync(CLI_PATH)) throw new Error(`${CLI_PATH} is missing: run \`npm run build\` first`);

await ensureDockerEngine();
await ensureTestImages();
const files = ensureSizeFiles(path.join(REPO, '.bench', 'cache'), sizeMb);
const workDir = fs.mkdtempSync(path.join(REPO, '.bench', 'restore-rss-'));
const sshd = await startSshd();
const prefix = makeTestPrefix('rss');
const peaks: number[] = [];
const stages: number[] = [];
try {
  console.log(
    `${sizeMb} MB database, ${runs} restores; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  for (let i = 0; i < runs; i++) {
    const outage = await buildBenchOutage(`${prefix}${i}-`, files, workDir);
    try {
      const run = await runToolRestore(sshd, outage);
      peaks.push(run.peakRssMb);
      stages.push(run.steps.get('stage-in-container') ?? NaN);
      const stage = seconds(stages[i]);
      console.log(`run ${i + 1}: peak RSS ${run.peakRssMb.toFixed(0)} MB, stage-in-container ${stage}, whole ${seconds(run.wallMs)}`);
      const bySteps = [...run.peakRssByStepMb].map(([step, mb]) => `${step} ${mb.toFixed(0)}`).join(', ');
      console.log(`  peak RSS by step (MB): ${bySteps}`);
    } finally {
      await removeTestResources(outage.prefix);
      fs.rmSync(outage.workDir, { recursive: true, force: true });
    }
  }
  const each = peaks.map((mb) => mb.toFixed(0)).join(', ');
  console.log(`peak RSS median ${median(peaks).toFixed(0)} MB (${each}); stage-in-container median ${seconds(median(stages))}`);
} finally {
  await sshd.stop();
  fs.rmSync(workDir, { recursive: true, force: true });
}
