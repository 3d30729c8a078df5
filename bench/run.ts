// `npm run bench`: sqlite-rescue against the raw commands an expert would type, side by side in one run, on outages of
// each size (default 10 MB, 100 MB, 1 GB) with each app variant (PID 1 deaf to SIGTERM, one trapping it with a 3 s clean
// shutdown, one crash-looping), the interactive run at the keyboard against --yes, scan of 200 databases, start to first
// frame, and the parts alone (upload, copy-in, checks). Prints every figure, its ratio and its goal (issue 15) and the
// cost curve of each step. Starts its own sshd (alias rescue-test), uses this machine's Docker engine like the tests do
// (scan: an engine of its own), generates realistic databases into .bench/cache (reused within the run) and removes
// everything it made at the end, even on failure.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { CLI_PATH } from '../test/support/cli.js';
import { ensureDockerEngine, ensureTestImages, makeTestPrefix, removeTestResources } from '../test/support/docker/index.js';
import { startSshd, type Sshd } from '../test/support/sshd/sshd.js';
import { ensureSizeFiles, MB } from './files.js';
import { runInteractiveRestore } from './interactive.js';
import { median, millis, mbps, seconds, table } from './measure.js';
import { measureMicro } from './micro.js';
import { buildBenchOutage, type BenchOutage } from './outage.js';
import { rawUploadPath, runRawRecovery } from './raw.js';
import { measureScan } from './scan.js';
import { goalRows, otherRows, printCostCurve, printRestores, type ComboResult, type Figures } from './summary.js';
import { commandsPerStep, runToolRestore, slowestCommands, timeline, type ToolRun } from './tool.js';
import { measureFirstFrame } from './tui.js';
import { parseVariants, type AppVariant } from './variants.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const BENCH_DIR = path.join(REPO, '.bench');
const CACHE_DIR = path.join(BENCH_DIR, 'cache');
const SECTIONS = ['tui', 'micro', 'scan', 'restores', 'interactive'] as const;
type Section = (typeof SECTIONS)[number];

// ---- flags ----
const USAGE = `usage: npm run bench -- [--sizes 10,100,1000] [--variants ignores,traps,crashloop] [--quick] [--keep-cache]
                          [--tenants 200] [--skip ${SECTIONS.join(',')}] [--dist DIR]
  --quick      one repetition of each part measure; every variant at the smallest size, only the first at the others
  --variants   app variants: ignores (PID 1 deaf to SIGTERM), traps (3 s clean shutdown), crashloop, instant
  --dist DIR   measure another build (a dist/ folder with runbooks/ beside it), e.g. main's after a merge`;
const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(name);
const option = (name: string) => {
  const at = argv.indexOf(name);
  return at === -1 ? undefined : argv[at + 1];
};
if (flag('--help')) {
  console.log(USAGE);
  process.exit(0);
}
const quick = flag('--quick');
const keepCache = flag('--keep-cache');
const sizes = (option('--sizes') ?? '10,100,1000')
  .split(',')
  .map(Number)
  .filter((n) => n > 0)
  .sort((a, b) => a - b);
let variants: AppVariant[];
try {
  variants = parseVariants(option('--variants') ?? 'ignores,traps,crashloop');
} catch (error) {
  console.log(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
const skipped = new Set((option('--skip') ?? '').split(',').filter(Boolean));
const unknownSkip = [...skipped].filter((name) => !SECTIONS.includes(name as Section));
const tenants = Number(option('--tenants') ?? (quick ? 50 : 200));
const distDir = path.resolve(option('--dist') ?? path.dirname(CLI_PATH));
if (sizes.length === 0 || variants.length === 0 || unknownSkip.length > 0 || !(tenants > 0)) {
  console.log(USAGE);
  process.exit(2);
}
const runs = (section: Section) => !skipped.has(section);
const REPS = quick ? 1 : 3;
const TUI_RUNS = quick ? 3 : 7;
const largest = sizes[sizes.length - 1];
const smallest = sizes[0];
const BACKUP_MB = 100;
const label = (mb: number) => (mb >= 1000 && mb % 1000 === 0 ? `${mb / 1000} GB` : `${mb} MB`);
/** Which (size, app) pairs are restored, in order: smallest size first, every app at each size. */
const combos = sizes.flatMap((mb) =>
  variants.filter((variant, i) => !quick || mb === smallest || i === 0).map((variant) => ({ mb, variant })),
);

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

// The tool is measured as built, from a copy of dist/ taken at the start (a rebuild during the run must not change
// what is measured halfway). The adapters are imported from that copy too: under tsx their worker threads would
// compile TypeScript at start and look slower than they are.
let cliPath = CLI_PATH;
let adapters: {
  createSqliteInspector: typeof import('../src/adapters/better-sqlite3/index.js').createSqliteInspector;
  createLocalRuntime: typeof import('../src/adapters/dockerode/index.js').createLocalRuntime;
};
async function snapshotDist(into: string): Promise<void> {
  fs.cpSync(distDir, path.join(into, 'dist'), { recursive: true });
  // dist/commands/load-runbook.js finds the runbooks at ../../runbooks/, dist/cli.js its version at ../package.json.
  fs.symlinkSync(path.join(distDir, '..', 'runbooks'), path.join(into, 'runbooks'));
  fs.symlinkSync(path.join(distDir, '..', 'package.json'), path.join(into, 'package.json'));
  cliPath = path.join(into, 'dist', 'cli.js');
  const url = (module: string) => pathToFileURL(path.join(into, 'dist', module)).href;
  adapters = {
    createSqliteInspector: (
      (await import(url('adapters/better-sqlite3/index.js'))) as typeof import('../src/adapters/better-sqlite3/index.js')
    ).createSqliteInspector,
    createLocalRuntime: ((await import(url('adapters/dockerode/index.js'))) as typeof import('../src/adapters/dockerode/index.js'))
      .createLocalRuntime,
  };
}

function sh(command: string): string {
  try {
    return execFileSync('sh', ['-c', command], { encoding: 'utf8' }).trim();
  } catch {
    return '?';
  }
}
const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const loadSamples: number[] = [];
const loadSampler = setInterval(() => loadSamples.push(os.loadavg()[0]), 30_000);
loadSampler.unref();

function checkDisk(): void {
  // The cache (four files a size), one outage at a time (live, seven backups, the local copy, the copies the restore
  // makes), the part measures' copies.
  const needMb =
    4.2 * sizes.reduce((sum, mb) => sum + mb, 0) + 14 * largest + 7 * BACKUP_MB + (sizes.includes(BACKUP_MB) ? 0 : 4.2 * BACKUP_MB) + 2048;
  for (const dir of [BENCH_DIR, '/var/lib/docker', '/tmp']) {
    const at = fs.existsSync(dir) ? dir : path.dirname(dir);
    const freeMb = (fs.statfsSync(at).bavail * fs.statfsSync(at).bsize) / MB;
    if (freeMb < needMb)
      throw new Error(
        `not enough disk at ${dir}: ${freeMb.toFixed(0)} MiB free, this run needs about ${needMb.toFixed(0)} MiB (try --sizes 10,100)`,
      );
  }
  log(`disk: about ${(needMb / 1024).toFixed(1)} GiB needed at the peak; df -h /tmp /work:\n${sh('df -h /tmp /work')}`);
}

const figures: Figures = { sizes, files: new Map(), combos: [] };

async function main(): Promise<void> {
  section('machine');
  log(`date: ${new Date().toISOString()}   nproc: ${os.availableParallelism()}   node ${process.version}   load average: ${loadAverage()}`);
  log(sh('free -h'));
  log(
    `sqlite3 CLI ${sh('sqlite3 --version').split(' ')[0]}; ${sh('ssh -V 2>&1')}; docker engine ${sh("docker version --format '{{.Server.Version}}'")}`,
  );
  log(`command: npm run bench -- ${argv.join(' ')}`);
  log(`sizes: ${sizes.map(label).join(', ')}; apps: ${variants.map((v) => `${v.id} (${v.label})`).join(', ')}`);
  log(
    `${quick ? '--quick: 1 repetition of each part measure' : `${REPS} repetitions of each part measure (median)`}; restores: ${combos.map((c) => `${label(c.mb)} ${c.variant.id}`).join(', ')}`,
  );
  if (skipped.size > 0) log(`skipped: ${[...skipped].join(', ')}`);
  checkDisk();
  const builtCli = path.join(distDir, 'cli.js');
  if (!fs.existsSync(builtCli)) throw new Error(`${builtCli} is missing: run \`npm run build\` first`);
  const distAge = fs.statSync(builtCli).mtimeMs;
  const newer = sh(`find ${path.join(distDir, '..', 'src')} -type f -newer ${builtCli} | head -5`);
  if (newer && newer !== '?')
    log(
      `WARNING: src/ has files newer than dist/cli.js (built ${new Date(distAge).toISOString()}); the CLI measured is the built one:\n${newer}`,
    );
  if (!fs.existsSync(path.join(distDir, 'vendor')))
    log('NOTE: this build has no dist/vendor/ (esbuild missing at build time): start-up is measured unbundled');

  section('setup');
  log(`docker engine: ${await ensureDockerEngine()}; test images: ${JSON.stringify(await ensureTestImages())}`);
  sshd = await startSshd();
  log(`sshd on 127.0.0.1:${sshd.port}, alias rescue-test, client HOME ${sshd.home}`);
  fs.mkdirSync(workDir, { recursive: true });
  await snapshotDist(workDir);
  log(`measuring the CLI built at ${new Date(distAge).toISOString()} from ${distDir} (a copy in ${path.relative(REPO, workDir)})`);

  section('databases (cache: .bench/cache)');
  const needed = [...new Set([...sizes, ...(runs('micro') ? [BACKUP_MB] : [])])].sort((a, b) => a - b);
  for (const mb of needed) {
    const files = ensureSizeFiles(CACHE_DIR, mb);
    figures.files.set(mb, files);
    const made = files.fromCache
      ? 'from the cache'
      : `generated in ${seconds(files.generateMs)}: ${mbps(files.bytes, files.generateMs)} of database`;
    log(`${label(mb).padEnd(7)} ${(files.bytes / MB).toFixed(0)} MiB, ${files.rows} events rows, 3 tables, 6 indexes; ${made}`);
  }

  if (runs('tui')) await measureTui();
  if (runs('micro')) await measureParts();
  if (runs('scan')) await measureScanSection();
  if (runs('restores')) await measureRestores();
  if (runs('interactive')) await measureInteractive();
  summary();
}

async function measureTui(): Promise<void> {
  section(`${elapsed()} start to first frame (${TUI_RUNS} runs, in a pseudo-terminal, interleaved with node -e)`);
  const f = await measureFirstFrame(cliPath, workDir, TUI_RUNS);
  figures.firstFrame = f;
  const line = (name: string, values: number[]) =>
    log(`${name.padEnd(58)} ${values.map(millis).join(', ')}   median ${millis(median(values))}`);
  line('sqlite-rescue restore --container x --db …: first frame', f.firstFrame);
  line('  … the first question (dry-run?) on the screen', f.question);
  line('answer n → the TUI step list', f.afterAnswer);
  line('floor: node -e printing one line', f.nodeFloor);
  // Where it goes: what importing each heavy module costs in a fresh node, as built.
  const imports: string[] = [];
  const built = path.dirname(cliPath);
  for (const [name, file] of [
    ['ink (as built)', 'commands/tui-loader.js'],
    ['restore.js (the run)', 'commands/restore.js'],
  ] as const) {
    const code = `const t = performance.now(); import(${JSON.stringify(pathToFileURL(path.join(built, file)).href)}).then((m) => m.loadTui ? m.loadTui() : m).then(() => process.stdout.write(String(Math.round(performance.now() - t))))`;
    const { stdout } = await execa('node', ['-e', code], { cwd: REPO, env: { NODE_ENV: 'production' } });
    imports.push(`${name} ${stdout} ms`);
  }
  log(`import cost in a fresh node: ${imports.join(', ')}`);
}

async function measureParts(): Promise<void> {
  const checkMb = [...sizes].reverse().find((mb) => mb <= 500) ?? smallest;
  figures.micro = await measureMicro({
    sshd: sshd!,
    big: figures.files.get(largest)!,
    check: figures.files.get(checkMb)!,
    // 100 MB backups whatever --sizes says: seven healthy 1 GB backups would take the loop three and a half minutes.
    backups: figures.files.get(BACKUP_MB)!,
    reps: REPS,
    prefix,
    workDir,
    ...adapters,
    log,
    section: (title) => section(`${elapsed()} ${title}`),
    label,
  });
}

async function measureScanSection(): Promise<void> {
  section(`${elapsed()} scan of ${tenants} small tenant databases in one container (an engine of the bench's own) vs one docker exec each`);
  const s = await measureScan(cliPath, path.join(workDir, 'scan'), tenants, { XDG_STATE_HOME: path.join(workDir, 'scan-state') });
  figures.scan = s;
  log(
    `sqlite-rescue scan --json: ${seconds(s.commandMs)} (process), scan-engine step ${seconds(s.stepMs)}, exit ${s.exitCode}; ${s.databases} databases reported, ${s.execs} execs`,
  );
  log(`one docker exec sqlite3 quick_check per tenant database: ${seconds(s.loopMs)} (${millis(s.loopMs / s.tenants)} each)`);
  log(`per database: scan ${millis(s.stepMs / Math.max(1, s.databases))}, one exec ${millis(s.loopMs / s.tenants)}`);
}

async function withOutage<T>(tag: string, mb: number, variant: AppVariant, run: (outage: BenchOutage) => Promise<T>): Promise<T> {
  const outage = await buildBenchOutage(`${prefix}${mb}${variant.id}${tag}-`, figures.files.get(mb)!, workDir, variant);
  try {
    return await run(outage);
  } finally {
    await removeTestResources(outage.prefix);
    fs.rmSync(outage.workDir, { recursive: true, force: true });
    fs.rmSync(rawUploadPath(sshd!, outage), { force: true });
  }
}

function printToolRun(run: ToolRun, detailed: boolean): void {
  const perStep = commandsPerStep(run);
  for (const [stepId, ms] of run.steps) {
    const commands = perStep.get(stepId);
    log(
      `  ${stepId.padEnd(52)} ${seconds(ms).padStart(8)}   ${commands ? `${commands.count} commands, ${seconds(commands.commandMs)} in them` : ''}`,
    );
  }
  const outcome = run.exitCode === 0 ? '' : `   EXIT ${run.exitCode}`;
  log(
    `  ${'total (process start → exit)'.padEnd(52)} ${seconds(run.wallMs).padStart(8)}   downtime ${seconds(run.downtimeMs)}, stop → started ${seconds(run.windowMs)}, peak RSS ${run.peakRssMb.toFixed(0)} MB${outcome}`,
  );
  if (run.failure) log(`  the end of its stderr:\n    ${run.failure.split('\n').join('\n    ')}`);
  const findings = run.events.filter(
    (event) => event.type === 'step-succeeded' && ['check-live-db', 'test-backups', 'choose-source'].includes(event.stepId),
  );
  log(`  found: ${findings.map((event) => (event.type === 'step-succeeded' ? event.summary : '')).join(' | ')}`);
  if (!detailed) return;
  log('  slowest commands of the run (≥ 1 s):');
  for (const command of slowestCommands(run, 1000).slice(0, 14))
    log(`    ${seconds(command.ms).padStart(7)}  ${command.stepId.padEnd(20)} ${command.line}`);
  log('  timeline of the downtime, stop-app → start-app (ms since the previous event):');
  for (const line of timeline(run, 'stop-app', 'start-app')) log(`    ${line}`);
}

// The whole recovery over SSH at each size and with each app, the raw commands first on an outage built the same way.
async function measureRestores(): Promise<void> {
  for (const { mb, variant } of combos) {
    const combo: ComboResult = { sizeMb: mb, variant };
    figures.combos.push(combo);
    section(`${elapsed()} raw commands over SSH, ${label(mb)}, ${variant.label}`);
    try {
      combo.raw = await withOutage('raw', mb, variant, (outage) => runRawRecovery(sshd!, outage));
      for (const step of combo.raw.steps) log(`  ${step.name.padEnd(60)} ${seconds(step.ms).padStart(8)}`);
      log(
        `  ${'total'.padEnd(60)} ${seconds(combo.raw.totalMs).padStart(8)}   downtime ${seconds(combo.raw.downtimeMs)}, stop typed → started ${seconds(combo.raw.windowMs)}`,
      );
    } catch (error) {
      combo.rawError = (error as Error).message;
      log(`  the raw recovery failed: ${combo.rawError}`);
    }
    section(`${elapsed()} sqlite-rescue restore --yes --json --host rescue-test, ${label(mb)}, ${variant.label}`);
    combo.tool = await withOutage('tool', mb, variant, (outage) => runToolRestore(sshd!, outage, cliPath));
    printToolRun(combo.tool, mb === largest || mb === smallest);
  }
}

// The interactive run and a --yes run right after it, each on an outage of its own built the same way.
async function measureInteractive(): Promise<void> {
  const variant = variants[0];
  section(`${elapsed()} interactive restore in tmux, answering at once, vs --yes: ${label(smallest)}, ${variant.label}`);
  const tui = await withOutage('tui', smallest, variant, (outage) => runInteractiveRestore(sshd!, outage, cliPath));
  log(
    `  TUI: exit ${tui.exitCode}, ${seconds(tui.wallMs)}, downtime ${seconds(tui.downtimeMs)}, stop → started ${seconds(tui.windowMs)}; source ${tui.chosenSource ?? '?'}`,
  );
  log(`  answered: ${tui.answers.join(' → ')}`);
  if (tui.failure) log(`  ${tui.failure}`);
  for (const [stepId, ms] of tui.steps) log(`    ${stepId.padEnd(50)} ${seconds(ms).padStart(8)}`);
  const yes = await withOutage('yes', smallest, variant, (outage) => runToolRestore(sshd!, outage, cliPath));
  const chosen = yes.events.find((event) => event.type === 'step-succeeded' && event.stepId === 'choose-source') as
    { data?: { id?: string } } | undefined;
  log(
    `  --yes: exit ${yes.exitCode}, ${seconds(yes.wallMs)}, downtime ${seconds(yes.downtimeMs)}, stop → started ${seconds(yes.windowMs)}; source ${chosen?.data?.id ?? '?'}`,
  );
  if (chosen?.data?.id !== tui.chosenSource) log('  NOTE: the two runs restored different candidates: their totals are not like for like');
  figures.interactive = { sizeMb: smallest, variant, tui, yes };
}

function summary(): void {
  if (figures.combos.length > 0) {
    section(`${elapsed()} restores: the tool and the raw commands, side by side (downtime = stop returned → start returned)`);
    printRestores(figures, log);
    const curveVariant = variants[0];
    section(`${elapsed()} cost curve, ${curveVariant.label}: each step of the tool's run (step-succeeded durationMs)`);
    printCostCurve(figures, curveVariant, log);
  }
  section(`${elapsed()} goals (issue 15), measured side by side in this run`);
  table(['measure', 'tool', 'baseline', 'ratio', 'goal', ''], goalRows(figures), log);
  const other = otherRows(figures);
  if (other.length > 0) {
    log('\nother figures:');
    table(['measure', 'tool', 'baseline', 'ratio', 'earlier goal'], other, log);
  }
  const loads =
    loadSamples.length > 0
      ? `${Math.min(...loadSamples).toFixed(2)}–${Math.max(...loadSamples).toFixed(2)} (1-minute, sampled every 30 s)`
      : loadAverage();
  log(`\nload average during the run: ${loads}; at the end ${loadAverage()}; whole benchmark ${elapsed()}`);
}

try {
  await main();
} catch (error) {
  log(`\nbench failed: ${(error as Error).stack ?? error}`);
  process.exitCode = 1;
} finally {
  clearInterval(loadSampler);
  await cleanup();
}
