// `npm run bench`: sqlite-rescue against the raw commands an expert would type, side by side in one run, and the
// cost curve of each step from 100 MB to 1 GB. Starts its own sshd (alias rescue-test), uses this machine's Docker
// engine like the tests do, generates realistic databases into .bench/cache (reused within the run) and removes
// everything it made at the end, even on failure. Flags: --sizes 100,500,1000  --quick  --keep-cache
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { CLI_PATH } from '../test/support/cli.js';
import { ensureDockerEngine, ensureTestImages, makeTestPrefix, removeTestResources, startAppContainer } from '../test/support/docker/index.js';
import { startSshd, type Sshd } from '../test/support/sshd/sshd.js';
import { ensureSizeFiles, MB, writeBackups, type SizeFiles } from './files.js';
import { median, millis, mbps, ratio, seconds, table, timed } from './measure.js';
import { buildBenchOutage } from './outage.js';
import { runRawRecovery, type RawRun } from './raw.js';
import { runToolRestore, slowestCommands, timeline, type ToolRun } from './tool.js';
import { measureFirstFrame } from './tui.js';
import { measureUpload } from './upload.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
// The tool is measured as built, from a copy of dist/ taken at the start (a rebuild during the run must not change
// what is measured halfway). The adapters are imported from that copy too: under tsx their worker threads would
// compile TypeScript at start and look slower than they are.
let cliPath = CLI_PATH;
let createSqliteInspector: typeof import('../src/adapters/better-sqlite3/index.js').createSqliteInspector;
let createLocalRuntime: typeof import('../src/adapters/dockerode/index.js').createLocalRuntime;
async function snapshotDist(into: string): Promise<void> {
  fs.cpSync(path.dirname(CLI_PATH), path.join(into, 'dist'), { recursive: true });
  // dist/commands/load-runbook.js finds the runbooks at ../../runbooks/.
  fs.symlinkSync(path.join(REPO, 'runbooks'), path.join(into, 'runbooks'));
  cliPath = path.join(into, 'dist', 'cli.js');
  const url = (module: string) => pathToFileURL(path.join(into, 'dist', module)).href;
  ({ createSqliteInspector } = (await import(url('adapters/better-sqlite3/index.js'))) as typeof import('../src/adapters/better-sqlite3/index.js'));
  ({ createLocalRuntime } = (await import(url('adapters/dockerode/index.js'))) as typeof import('../src/adapters/dockerode/index.js'));
}
const BENCH_DIR = path.join(REPO, '.bench');
const CACHE_DIR = path.join(BENCH_DIR, 'cache');

// ---- flags ----
const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(name);
const option = (name: string) => {
  const at = argv.indexOf(name);
  return at === -1 ? undefined : argv[at + 1];
};
const quick = flag('--quick');
const keepCache = flag('--keep-cache');
const sizes = (option('--sizes') ?? '100,500,1000').split(',').map(Number).filter((n) => n > 0).sort((a, b) => a - b);
if (sizes.length === 0 || flag('--help')) {
  console.log('usage: npm run bench -- [--sizes 100,500,1000] [--quick] [--keep-cache]');
  process.exit(sizes.length === 0 ? 2 : 0);
}
const REPS = quick ? 1 : 3;
const TUI_RUNS = quick ? 3 : 7;
const largest = sizes[sizes.length - 1];
const smallest = sizes[0];
const BACKUP_MB = 100;
const label = (mb: number) => (mb >= 1000 && mb % 1000 === 0 ? `${mb / 1000} GB` : `${mb} MB`);

const log = (line = '') => console.log(line);
const section = (title: string) => log(`\n== ${title} ${'='.repeat(Math.max(0, 100 - title.length))}`);
const runStarted = performance.now();
const elapsed = () => `[${((performance.now() - runStarted) / 60_000).toFixed(1)} min]`;

// ---- everything made by this run, removed in cleanup() ----
const prefix = makeTestPrefix('bench');
const workDir = path.join(BENCH_DIR, `work-${process.pid}`);
let sshd: Sshd | undefined;
let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    await removeTestResources(prefix).catch((error: Error) => log(`cleanup: ${error.message}`));
    await sshd?.stop().catch(() => undefined);
    fs.rmSync(workDir, { recursive: true, force: true });
    if (!keepCache) fs.rmSync(CACHE_DIR, { recursive: true, force: true });
  })();
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`\n${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}

// ---- the machine ----
function sh(command: string): string {
  try {
    return execFileSync('sh', ['-c', command], { encoding: 'utf8' }).trim();
  } catch {
    return '?';
  }
}

function checkDisk(): void {
  const needMb = 4.2 * sizes.reduce((sum, mb) => sum + mb, 0) + 14 * largest + 7 * BACKUP_MB + (sizes.includes(BACKUP_MB) ? 0 : 4.2 * BACKUP_MB) + 2048;
  for (const dir of [BENCH_DIR, '/var/lib/docker', '/tmp']) {
    const at = fs.existsSync(dir) ? dir : path.dirname(dir);
    const freeMb = (fs.statfsSync(at).bavail * fs.statfsSync(at).bsize) / MB;
    if (freeMb < needMb) throw new Error(`not enough disk at ${dir}: ${freeMb.toFixed(0)} MiB free, this run needs about ${needMb.toFixed(0)} MiB (try --sizes 100,500)`);
  }
  log(`disk: about ${(needMb / 1024).toFixed(1)} GiB needed at the peak; df -h /tmp /work:\n${sh('df -h /tmp /work')}`);
}

// ---- results, for the summary ----
interface SizeResult {
  files: SizeFiles;
  tool?: ToolRun;
  raw?: RawRun;
}
const results = new Map<number, SizeResult>();
const notes: string[] = [];

async function main(): Promise<void> {
  section('machine');
  log(`date: ${new Date().toISOString()}   nproc: ${os.availableParallelism()}   node ${process.version}   load average: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  log(sh('free -h'));
  log(`sqlite3 CLI ${sh('sqlite3 --version').split(' ')[0]}; OpenSSH ${sh('ssh -V 2>&1')}; docker ${sh("docker version --format '{{.Server.Version}}'")}`);
  log(`sizes: ${sizes.map(label).join(', ')}${quick ? '   --quick: 1 repetition of each micro-measure' : `   ${REPS} repetitions of each micro-measure (median)`}`);
  checkDisk();
  if (!fs.existsSync(CLI_PATH)) throw new Error(`${CLI_PATH} is missing: run \`npm run build\` first`);
  const distAge = fs.statSync(CLI_PATH).mtimeMs;
  const newer = sh(`find ${path.join(REPO, 'src')} -type f -newer ${CLI_PATH} | head -5`);
  if (newer && newer !== '?') log(`WARNING: src/ has files newer than dist/cli.js (built ${new Date(distAge).toISOString()}); the CLI measured is the built one:\n${newer}`);

  section('setup');
  log(`docker engine: ${await ensureDockerEngine()}; test images: ${JSON.stringify(await ensureTestImages())}`);
  sshd = await startSshd();
  log(`sshd on 127.0.0.1:${sshd.port}, alias rescue-test, client HOME ${sshd.home}`);
  fs.mkdirSync(workDir, { recursive: true });
  await snapshotDist(workDir);
  log(`measuring the CLI built at ${new Date(distAge).toISOString()} (a copy of dist/ in ${path.relative(REPO, workDir)})`);

  section('databases (cache: .bench/cache)');
  for (const mb of sizes) {
    const files = ensureSizeFiles(CACHE_DIR, mb);
    results.set(mb, { files });
    log(`${label(mb).padEnd(7)} ${(files.bytes / MB).toFixed(0)} MiB, ${files.rows} events rows, 3 tables, 6 indexes; ${files.fromCache ? 'from the cache' : `generated in ${seconds(files.generateMs)} (base, later, corrupted live, local + -wal): ${mbps(files.bytes, files.generateMs)} of database`}`);
  }

  await measureTui();
  await measureMicro();
  await measureRestores();
  summary();
}

// (h) TUI start to first frame.
let firstFrame: { tool: number[]; afterAnswer: number[]; nodeFloor: number[] } | undefined;
async function measureTui(): Promise<void> {
  section(`(h) TUI start to first frame (${TUI_RUNS} runs, in a pseudo-terminal)`);
  firstFrame = await measureFirstFrame(cliPath, workDir, TUI_RUNS);
  log(`sqlite-rescue restore --container x --db /data/app.db: ${firstFrame.tool.map(millis).join(', ')}   median ${millis(median(firstFrame.tool))}`);
  log(`answer "no" → the TUI's step list:                   ${firstFrame.afterAnswer.map(millis).join(', ')}   median ${millis(median(firstFrame.afterAnswer))}`);
  log(`floor, node -e printing one line:                     ${firstFrame.nodeFloor.map(millis).join(', ')}   median ${millis(median(firstFrame.nodeFloor))}`);
  // Where it goes: what importing each heavy dependency costs in a fresh node.
  const imports: string[] = [];
  for (const name of ['ink', 'dockerode', 'ssh2', 'execa', 'better-sqlite3', 'yaml', 'zod']) {
    const { stdout } = await execa('node', ['-e', `const t = performance.now(); import(${JSON.stringify(name)}).then(() => process.stdout.write(String(Math.round(performance.now() - t))))`], { cwd: REPO });
    imports.push(`${name} ${stdout} ms`);
  }
  log(`import cost in a fresh node: ${imports.join(', ')}`);
}

// (b) upload vs scp, (c) copy into a container vs docker cp, (d) one integrity check vs the CLI, (e) 7 backups at once
// vs a sequential loop.
interface BackupFigures {
  /** quick_check, then integrity_check where it passed: what test-backups runs. */
  triage: number[];
  /** integrity_check of every backup, like the loop. */
  full: number[];
  cli: number[];
  bytes: number;
  sizeMb: number;
}
interface Micro {
  upload?: Awaited<ReturnType<typeof measureUpload>>;
  copyIn?: { tool: number[]; dockerCp: number[]; bytes: number };
  check?: { tool: number[]; cli: number[]; bytes: number; sizeMb: number };
  backups?: BackupFigures;
  healthyBackups?: BackupFigures;
}
const micro: Micro = {};

async function measureMicro(): Promise<void> {
  const big = results.get(largest)!.files;
  section(`(b) upload of a ${label(largest)} database to the server vs scp (${REPS}× each, interleaved; the ssh2 side negotiates aes128-gcm)`);
  micro.upload = await measureUpload(sshd!, big.later, REPS);
  const u = micro.upload;
  log(`SshRemoteHost.upload as the restore runs it (fastPut + rename): ${u.tool.map(seconds).join(', ')}   median ${seconds(median(u.tool))}  ${mbps(u.bytes, median(u.tool))}`);
  log(`  of which the SFTP transfer:                                   ${u.transferOnly.map(seconds).join(', ')}   median ${seconds(median(u.transferOnly))}  ${mbps(u.bytes, median(u.transferOnly))}`);
  log(`upload + sha256sum on the server (hash: true, not what restore runs): ${u.withHash.map(seconds).join(', ')}  ${mbps(u.bytes, median(u.withHash))}`);
  log(`scp, default cipher (chacha20-poly1305):                         ${u.scp.map(seconds).join(', ')}   median ${seconds(median(u.scp))}  ${mbps(u.bytes, median(u.scp))}`);
  log(`scp -c aes128-gcm@openssh.com:                                   ${u.scpGcm.map(seconds).join(', ')}   median ${seconds(median(u.scpGcm))}  ${mbps(u.bytes, median(u.scpGcm))}`);
  log(`throughput tool/scp: ${(median(u.scp) / median(u.tool)).toFixed(2)}  tool/scp-gcm: ${(median(u.scpGcm) / median(u.tool)).toFixed(2)}   transfer only: /scp ${(median(u.scp) / median(u.transferOnly)).toFixed(2)}  /scp-gcm ${(median(u.scpGcm) / median(u.transferOnly)).toFixed(2)}`);

  section(`(c) copy of a ${label(largest)} file into a running container: DockerRuntime.copyIn (archive API) vs docker cp`);
  const container = await startAppContainer({ name: `${prefix}micro`, volumeName: `${prefix}micro-data` });
  const dataDir = (await execa('docker', ['volume', 'inspect', '--format', '{{.Mountpoint}}', `${prefix}micro-data`])).stdout.trim();
  const runtime = createLocalRuntime();
  micro.copyIn = { tool: [], dockerCp: [], bytes: big.bytes };
  for (let i = 0; i < REPS; i++) {
    micro.copyIn.dockerCp.push((await timed(() => execa('docker', ['cp', big.later, `${container.name}:/data/docker-cp.db`]))).ms);
    fs.rmSync(path.join(dataDir, 'docker-cp.db'));
    micro.copyIn.tool.push((await timed(() => runtime.copyIn(container.id, big.later, '/data', 'copy-in.db'))).ms);
    fs.rmSync(path.join(dataDir, 'copy-in.db'));
  }
  log(`DockerRuntime.copyIn: ${micro.copyIn.tool.map(seconds).join(', ')}   median ${seconds(median(micro.copyIn.tool))}  ${mbps(big.bytes, median(micro.copyIn.tool))}`);
  log(`docker cp:            ${micro.copyIn.dockerCp.map(seconds).join(', ')}   median ${seconds(median(micro.copyIn.dockerCp))}  ${mbps(big.bytes, median(micro.copyIn.dockerCp))}`);
  log(`ratio copyIn / docker cp: ${ratio(median(micro.copyIn.tool), median(micro.copyIn.dockerCp))}`);
  await removeTestResources(`${prefix}micro`);

  // One full integrity_check costs ~20 s a GB with six indexes: 500 MB keeps this measure short.
  const checkMb = [...sizes].reverse().find((mb) => mb <= 500) ?? smallest;
  const checkFiles = results.get(checkMb)!.files;
  section(`(d) integrity_check of one ${label(checkMb)} database: the tool's inspector (better-sqlite3, worker thread) vs sqlite3 CLI`);
  micro.check = { tool: [], cli: [], bytes: checkFiles.bytes, sizeMb: checkMb };
  for (let i = 0; i < REPS; i++) {
    const cli = await timed(() => execa('sqlite3', ['-readonly', checkFiles.later, 'PRAGMA integrity_check;']));
    if (String(cli.value.stdout).trim() !== 'ok') throw new Error(`sqlite3 integrity_check of ${checkFiles.later}: ${cli.value.stdout}`);
    micro.check.cli.push(cli.ms);
    const inspector = createSqliteInspector();
    const tool = await timed(() => inspector.check(checkFiles.later, 'full'));
    await inspector.close();
    if (!tool.value.ok) throw new Error(`inspector check of ${checkFiles.later}: ${tool.value.errors[0]}`);
    micro.check.tool.push(tool.ms);
  }
  for (const suffix of ['-wal', '-shm']) fs.rmSync(checkFiles.later + suffix, { force: true });
  log(`inspector.check(full): ${micro.check.tool.map(seconds).join(', ')}   median ${seconds(median(micro.check.tool))}`);
  log(`sqlite3 -readonly:     ${micro.check.cli.map(seconds).join(', ')}   median ${seconds(median(micro.check.cli))}`);
  log(`ratio inspector / CLI: ${ratio(median(micro.check.tool), median(micro.check.cli))}   (better-sqlite3's bundled SQLite vs the CLI's ${sh('sqlite3 --version').split(' ')[0]})`);

  // The tool triages backups, several at once (test-backups; the inspector when the image has no sqlite3): quick_check,
  // and integrity_check only where quick_check passed. Measured against the loop an expert types, on the outage's torn
  // backups and on seven healthy ones.
  // 100 MB backups whatever --sizes says: seven healthy 1 GB backups would take the loop three and a half minutes.
  const backupFiles = results.get(BACKUP_MB)?.files ?? ensureSizeFiles(CACHE_DIR, BACKUP_MB);
  const loop = 'for f in "$@"; do r=$(sqlite3 -readonly "file:$f?immutable=1" "PRAGMA integrity_check;" 2>&1); [ "$r" = ok ] && echo "ok $f" || echo "CORRUPT $f"; done';
  const measureBackups = async (kind: 'torn' | 'healthy', files: string[]) => {
    const figures = { triage: [] as number[], full: [] as number[], cli: [] as number[], bytes: files.length * backupFiles.bytes, sizeMb: BACKUP_MB };
    const expectOk = kind === 'healthy';
    for (let i = 0; i < REPS; i++) {
      const cli = await timed(() => execa('sh', ['-c', loop, 'sh', ...files]));
      const verdicts = String(cli.value.stdout).split('\n').filter((line) => line.startsWith(expectOk ? 'ok ' : 'CORRUPT '));
      if (verdicts.length !== files.length) throw new Error(`expected ${files.length} ${kind} backups: ${cli.value.stdout}`);
      figures.cli.push(cli.ms);
      for (const mode of ['triage', 'full'] as const) {
        const inspector = createSqliteInspector();
        // triage, as test-backups runs it: quick_check, then integrity_check for the ones that pass.
        const checkOne = async (file: string) => {
          const quick = mode === 'triage' ? await inspector.check(file, 'quick') : undefined;
          return quick && !quick.ok ? quick : inspector.check(file, 'full');
        };
        const tool = await timed(() => Promise.all(files.map(checkOne)));
        await inspector.close();
        if (tool.value.some((result) => result.ok !== expectOk)) throw new Error(`the inspector's ${mode} check disagrees with the CLI on a ${kind} backup`);
        figures[mode].push(tool.ms);
      }
    }
    log(`inspector, triage of all 7 at once (${os.availableParallelism()} worker threads): ${figures.triage.map(seconds).join(', ')}   median ${seconds(median(figures.triage))}`);
    log(`inspector, integrity_check of all 7 at once:                ${figures.full.map(seconds).join(', ')}   median ${seconds(median(figures.full))}`);
    log(`sequential loop of sqlite3 integrity_check:                 ${figures.cli.map(seconds).join(', ')}   median ${seconds(median(figures.cli))}`);
    log(`ratio triage / loop: ${ratio(median(figures.triage), median(figures.cli))}   full / loop: ${ratio(median(figures.full), median(figures.cli))}`);
    return figures;
  };
  const folder = path.join(workDir, 'micro-backups');
  section(`(e) 7 torn backups of ${label(BACKUP_MB)} (the outage's): the inspector, all at once vs a sequential loop of sqlite3`);
  const torn = await writeBackups(backupFiles, folder);
  await execa('sync');
  micro.backups = await measureBackups('torn', torn);
  fs.rmSync(folder, { recursive: true, force: true });
  section(`(e) 7 healthy backups of ${label(BACKUP_MB)}: the inspector, all at once vs a sequential loop of sqlite3`);
  fs.mkdirSync(folder, { recursive: true });
  const healthy = Array.from({ length: 7 }, (_, day) => path.join(folder, `app-2024-07-0${day + 1}.db`));
  for (const file of healthy) fs.copyFileSync(backupFiles.base, file);
  await execa('sync');
  micro.healthyBackups = await measureBackups('healthy', healthy);
  fs.rmSync(folder, { recursive: true, force: true });
}

// (a), (f), (g) and the per-step cost curve: the whole recovery over SSH at each size, the raw commands beside it.
async function measureRestores(): Promise<void> {
  for (const mb of sizes) {
    const result = results.get(mb)!;
    const withRaw = !quick || mb === largest;
    if (withRaw) {
      section(`${elapsed()} raw commands over SSH, ${label(mb)}`);
      const outage = await buildBenchOutage(`${prefix}${mb}raw-`, result.files, workDir);
      try {
        result.raw = await runRawRecovery(sshd!, outage);
      } finally {
        await removeTestResources(outage.prefix);
        fs.rmSync(outage.workDir, { recursive: true, force: true });
        fs.rmSync(path.join(sshd!.dir, `${outage.prefix}raw-snapshot.db`), { force: true });
      }
      for (const step of result.raw.steps) log(`  ${step.name.padEnd(52)} ${seconds(step.ms).padStart(8)}`);
      log(`  ${'total'.padEnd(52)} ${seconds(result.raw.totalMs).padStart(8)}   downtime (stop → start) ${seconds(result.raw.downtimeMs)}`);
    }
    section(`${elapsed()} sqlite-rescue restore --yes --json --host rescue-test, ${label(mb)}`);
    const outage = await buildBenchOutage(`${prefix}${mb}tool-`, result.files, workDir);
    try {
      result.tool = await runToolRestore(sshd!, outage, cliPath);
    } finally {
      await removeTestResources(outage.prefix);
      fs.rmSync(outage.workDir, { recursive: true, force: true });
    }
    const tool = result.tool;
    for (const [stepId, ms] of tool.steps) log(`  ${stepId.padEnd(52)} ${seconds(ms).padStart(8)}`);
    log(`  ${'total (process start → exit)'.padEnd(52)} ${seconds(tool.wallMs).padStart(8)}   downtime (stop → start) ${seconds(tool.downtimeMs)}   peak RSS ${tool.peakRssMb.toFixed(0)} MB`);
    const findings = tool.events.filter((event) => event.type === 'step-succeeded' && ['check-live-db', 'test-backups', 'choose-source'].includes(event.stepId)).map((event) => (event.type === 'step-succeeded' ? event.summary : ''));
    log(`  found: ${findings.join(' | ')}`);
    if (mb === largest) {
      log('  slowest commands of the run (≥ 1 s):');
      for (const command of slowestCommands(tool, 1000).slice(0, 14)) log(`    ${seconds(command.ms).padStart(7)}  ${command.stepId.padEnd(20)} ${command.line}`);
      log('  timeline of stage-in-container (event times, ms since the previous event):');
      for (const line of timeline(tool, 'stage-in-container', 'stage-in-container')) log(`    ${line}`);
      log('  timeline of the downtime, stop-app → start-app (ms since the previous event):');
      for (const line of timeline(tool, 'stop-app', 'start-app')) log(`    ${line}`);
    }
  }
}

function summary(): void {
  const big = results.get(largest)!;
  const small = results.get(smallest)!;
  section(`${elapsed()} cost curve: time of each step of the tool's run (step-succeeded durationMs)`);
  const stepIds = [...(big.tool?.steps.keys() ?? [])];
  const sizeRatio = big.files.bytes / small.files.bytes;
  table(
    ['step', ...sizes.map(label), `${label(largest)} / ${label(smallest)}`],
    [
      ...stepIds.map((id) => {
        const r = big.tool!.steps.get(id)! / small.tool!.steps.get(id)!;
        return [id, ...sizes.map((mb) => seconds(results.get(mb)!.tool?.steps.get(id))), `${r.toFixed(1)}×${r > sizeRatio * 1.1 ? '  SUPERLINEAR' : ''}`];
      }),
      ['total (process)', ...sizes.map((mb) => seconds(results.get(mb)!.tool?.wallMs)), ratio(big.tool!.wallMs, small.tool!.wallMs)],
      ['raw commands, total', ...sizes.map((mb) => seconds(results.get(mb)!.raw?.totalMs)), small.raw ? ratio(big.raw!.totalMs, small.raw.totalMs) : '—'],
      ['downtime (stop → start)', ...sizes.map((mb) => seconds(results.get(mb)!.tool?.downtimeMs)), ''],
      ['peak RSS of the tool', ...sizes.map((mb) => `${results.get(mb)!.tool?.peakRssMb.toFixed(0)} MB`), ratio(big.tool!.peakRssMb, small.tool!.peakRssMb)],
    ],
    log,
  );
  log(`database sizes: ${sizes.map((mb) => `${(results.get(mb)!.files.bytes / MB).toFixed(0)} MiB`).join(', ')} (ratio ${sizeRatio.toFixed(1)}: a step at most linear shows ≤ ${sizeRatio.toFixed(1)}×)`);

  section(`goals (issue 6), ${label(largest)} unless said`);
  const rows: string[][] = [];
  const goal = (measure: string, tool: string, baseline: string, value: number, target: string, met: boolean) => rows.push([measure, tool, baseline, value.toFixed(2) + '×', target, met ? 'met' : 'NOT MET']);
  const tool = big.tool!;
  const raw = big.raw!;
  goal('(a) full restore over SSH vs raw commands', seconds(tool.wallMs), seconds(raw.totalMs), tool.wallMs / raw.totalMs, '≤ 1.0×', tool.wallMs <= raw.totalMs);
  const u = micro.upload!;
  goal('(b) upload throughput vs scp (default cipher)', mbps(u.bytes, median(u.tool)), mbps(u.bytes, median(u.scp)), median(u.scp) / median(u.tool), '≥ 0.9×', median(u.scp) / median(u.tool) >= 0.9);
  goal('(b) upload throughput vs scp -c aes128-gcm', mbps(u.bytes, median(u.tool)), mbps(u.bytes, median(u.scpGcm)), median(u.scpGcm) / median(u.tool), '≥ 0.9×', median(u.scpGcm) / median(u.tool) >= 0.9);
  const c = micro.copyIn!;
  goal('(c) copy into the container vs docker cp', seconds(median(c.tool)), seconds(median(c.dockerCp)), median(c.tool) / median(c.dockerCp), '≤ 1.1×', median(c.tool) <= 1.1 * median(c.dockerCp));
  const d = micro.check!;
  goal(`(d) one integrity_check (${label(d.sizeMb)}) vs sqlite3 CLI`, seconds(median(d.tool)), seconds(median(d.cli)), median(d.tool) / median(d.cli), '≤ 1.05×', median(d.tool) <= 1.05 * median(d.cli));
  for (const [kind, e] of [['torn', micro.backups!], ['healthy', micro.healthyBackups!]] as const) {
    goal(`(e) 7 ${kind} backups (${label(e.sizeMb)}): triage vs loop`, seconds(median(e.triage)), seconds(median(e.cli)), median(e.triage) / median(e.cli), '≤ 0.6×', median(e.triage) <= 0.6 * median(e.cli));
    goal(`(e) same, every one integrity_check'd (like for like)`, seconds(median(e.full)), seconds(median(e.cli)), median(e.full) / median(e.cli), '≤ 0.6×', median(e.full) <= 0.6 * median(e.cli));
  }
  const rawLoop = raw.steps.find((step) => step.name.startsWith('loop'))!.ms;
  const toolLoop = tool.steps.get('test-backups')!;
  goal('(e) 7 backups in the container: test-backups vs raw loop', seconds(toolLoop), seconds(rawLoop), toolLoop / rawLoop, '≤ 0.6×', toolLoop <= 0.6 * rawLoop);
  rows.push(['(f) downtime, stop → start', seconds(tool.downtimeMs), `raw ${seconds(raw.downtimeMs)}`, '', '≤ 5 s', (tool.downtimeMs ?? Infinity) <= 5000 ? 'met' : 'NOT MET']);
  const rssValues = sizes.map((mb) => results.get(mb)!.tool!.peakRssMb);
  const flat = Math.max(...rssValues) <= 1.25 * Math.min(...rssValues);
  rows.push(['(g) peak RSS of the tool', `${tool.peakRssMb.toFixed(0)} MB`, `${label(smallest)}: ${small.tool!.peakRssMb.toFixed(0)} MB`, '', '< 150 MB, flat', tool.peakRssMb < 150 && flat ? 'met' : 'NOT MET']);
  rows.push(['(h) start to first screen (median)', millis(median(firstFrame!.tool)), `node floor ${millis(median(firstFrame!.nodeFloor))}`, '', '≤ 300 ms', median(firstFrame!.tool) <= 300 ? 'met' : 'NOT MET']);
  rows.push(['(h) answer → TUI step list (median)', millis(median(firstFrame!.afterAnswer)), '', '', '—', '']);
  table(['measure', 'tool', 'baseline', 'ratio', 'goal', ''], rows, log);
  for (const note of notes) log(note);
  log(`load average at the end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; whole benchmark ${elapsed()}`);
}

try {
  await main();
} catch (error) {
  log(`\nbench failed: ${(error as Error).stack ?? error}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
