// `node --import tsx bench/prevent.ts [--sizes 100,1000] [--tenants 200,500]`: what backup, verify and scan cost.
// (1) backup of a database of each size while the app commits every 100 ms through one WAL connection, in an image
// with sqlite3 (in the container) and one without (the tool helper), by step and by command, against the sqlite3 CLI's
// own `.backup` under the same writer (capped at 60 s); (2) verify of the backups made; (3) scan of an engine of its own
// holding N small tenant databases in one container, against one `docker exec … sqlite3 … quick_check` per database.
// Uses the built CLI (npm run build first); removes everything it made.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { RunEvent } from '../src/runbook/events.js';
import { CLI_PATH } from '../test/support/cli.js';
import { APP_SCRIPT_100MS } from '../test/support/backup-app.js';
import {
  docker,
  ensureDockerEngine,
  ensureTestImages,
  makeTestPrefix,
  removeTestResources,
  APP_IMAGE,
} from '../test/support/docker/index.js';
import { DISC_NOFIND_IMAGE, ensureDiscoveryImages } from '../test/support/docker/discovery-images.js';
import { startPrivateEngine, type PrivateEngine } from '../test/support/docker/private-engine.js';
import { volumePath } from '../test/support/outage.js';
import { generateAppDb } from './db.js';
import { MB } from './files.js';
import { millis, seconds, table } from './measure.js';
import { tenantDb } from '../test/support/sqlite-fixtures.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const BENCH = path.join(REPO, '.bench', `prevent-${process.pid}`);
const argv = process.argv.slice(2);
const option = (name: string, fallback: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const sizes = option('--sizes', '100,1000')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const tenantCounts = option('--tenants', '200,500')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const prefix = makeTestPrefix('bprev');
const env = { XDG_STATE_HOME: path.join(BENCH, 'state') };
const log = (line = '') => console.log(line);
let engine: PrivateEngine | undefined;

async function cli(
  args: string[],
  extra: Record<string, string> = {},
): Promise<{ exitCode: number; ms: number; events: RunEvent[]; stderr: string }> {
  const started = performance.now();
  const run = await execa(CLI_PATH, [...args, '--json'], { env: { ...env, ...extra }, reject: false, timeout: 1_800_000 });
  const events = String(run.stdout)
    .split('\n')
    .filter((line) => line.startsWith('{"type"'))
    .map((line) => JSON.parse(line) as RunEvent);
  return { exitCode: run.exitCode ?? -1, ms: performance.now() - started, events, stderr: String(run.stderr) };
}

function commandMs(events: RunEvent[], match: (text: string) => boolean): number {
  return events.reduce((sum, event) => {
    if (event.type !== 'command') return sum;
    const text = event.command.action.kind === 'argv' ? event.command.action.argv.join(' ') : event.command.action.call;
    return match(text) ? sum + event.command.durationMs : sum;
  }, 0);
}

const stepMs = (events: RunEvent[], id: string) =>
  (events.find((event) => event.type === 'step-succeeded' && event.stepId === id) as { durationMs: number } | undefined)?.durationMs;

async function startWriter(name: string, image: string, seed: string): Promise<string> {
  await docker(['volume', 'create', `${name}-data`]);
  const data = await volumePath(`${name}-data`);
  fs.copyFileSync(seed, path.join(data, 'app.db'));
  await docker(['run', '-d', '--name', name, '--network', 'none', '-v', `${name}-data:/data`, image, '/bin/sh', '-c', APP_SCRIPT_100MS]);
  for (let tries = 0; !fs.existsSync(path.join(data, 'app.db-wal')) && tries < 100; tries += 1)
    await new Promise((resolve) => setTimeout(resolve, 100));
  return data;
}

async function benchBackups(): Promise<void> {
  log('\n== backup while the app commits every 100 ms ==');
  const rows: string[][] = [];
  for (const size of sizes) {
    const seed = path.join(BENCH, `seed-${size}.db`);
    const made = generateAppDb(seed, size * MB);
    log(`generated ${size} MB (${made.rows} rows) in ${seconds(made.ms)}`);
    for (const [label, image] of [
      ['in the container', APP_IMAGE],
      ['tool helper (no sqlite3)', DISC_NOFIND_IMAGE],
    ] as const) {
      const name = `${prefix}${size}-${label.startsWith('in') ? 'c' : 'h'}`;
      await startWriter(name, image, seed);
      const run = await cli(['backup', '--container', name, '--db', '/data/app.db']);
      if (run.exitCode !== 0) throw new Error(`backup of ${name} failed: ${run.stderr}`);
      const verify = await cli(['verify', '--container', name, '--db', '/data/app.db']);
      rows.push([
        `${size} MB, ${label}`,
        seconds(run.ms),
        seconds(commandMs(run.events, (text) => text.includes('VACUUM INTO'))),
        seconds(commandMs(run.events, (text) => text.includes('PRAGMA integrity_check'))),
        seconds(commandMs(run.events, (text) => text.startsWith('sha256sum'))),
        seconds(commandMs(run.events, (text) => text.startsWith('POST /containers/create'))),
        seconds(stepMs(run.events, 'take-backup')),
        `${seconds(verify.ms)} (exit ${verify.exitCode})`,
      ]);
    }
    const raw = `${prefix}${size}-c`;
    const started = performance.now();
    const stepwise = await execa(
      'timeout',
      ['60', 'docker', 'exec', raw, 'sqlite3', '-readonly', '/data/app.db', '.backup /data/stepwise.db'],
      { reject: false },
    );
    // `timeout` ends the docker CLI, not the exec inside the container: end that sqlite3 too.
    await execa('docker', ['exec', raw, 'pkill', '-f', 'stepwise.db'], { reject: false });
    rows.push([
      `${size} MB, sqlite3 .backup (stepwise)`,
      stepwise.exitCode === 124 ? 'did not finish in 60 s' : seconds(performance.now() - started),
      '',
      '',
      '',
      '',
      '',
      '',
    ]);
  }
  table(
    ['database', 'backup (command)', 'VACUUM INTO', 'integrity_check', 'sha256sum', 'helper start', 'take-backup step', 'verify (command)'],
    rows,
    log,
  );
}

async function benchScan(): Promise<void> {
  log('\n== scan: N small tenant databases in one container (an engine of its own) ==');
  engine = await startPrivateEngine(`srt-bench-scan-${process.pid}`, { images: [APP_IMAGE] });
  const host = ['-H', engine.dockerHost];
  const rows: string[][] = [];
  for (const count of tenantCounts) {
    const name = `tenants-${count}`;
    await execa('docker', [...host, 'volume', 'create', `${name}-data`]);
    const data = (await execa('docker', [...host, 'volume', 'inspect', '-f', '{{.Mountpoint}}', `${name}-data`])).stdout;
    fs.mkdirSync(path.join(data, 'tenants'));
    for (let index = 1; index <= count; index += 1) tenantDb(path.join(data, 'tenants', `t${index}.db`), index);
    await execa('docker', [
      ...host,
      'run',
      '-d',
      '--name',
      name,
      '--network',
      'none',
      '-v',
      `${name}-data:/data`,
      APP_IMAGE,
      '/bin/sh',
      '-c',
      APP_SCRIPT_100MS,
    ]);
    for (let tries = 0; !fs.existsSync(path.join(data, 'app.db-wal')) && tries < 100; tries += 1)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const run = await cli(['scan'], { DOCKER_HOST: engine.dockerHost });
    const scanned = run.events.filter((event) => event.type === 'finding').length;
    const execs = run.events.filter((event) => event.type === 'command' && event.command.action.kind === 'argv').length;
    const started = performance.now();
    for (let index = 1; index <= count; index += 1)
      await execa('docker', [...host, 'exec', name, 'sqlite3', '-readonly', `/data/tenants/t${index}.db`, 'PRAGMA quick_check;']);
    const loopMs = performance.now() - started;
    const step = stepMs(run.events, 'scan-engine') ?? run.ms;
    rows.push([
      `${count} tenants (+ the app's own; ${scanned} databases on the engine)`,
      seconds(run.ms),
      seconds(step),
      millis(step / scanned),
      String(execs),
      seconds(loopMs),
      millis(loopMs / count),
      `${(loopMs / step).toFixed(1)}×`,
    ]);
    await execa('docker', [...host, 'rm', '-f', '-v', name]);
    await execa('docker', [...host, 'volume', 'rm', `${name}-data`]);
  }
  table(['engine', 'scan (command)', 'scan step', 'per database', 'execs', 'one exec each', 'per database', 'scan faster by'], rows, log);
}

try {
  fs.mkdirSync(BENCH, { recursive: true });
  await ensureDockerEngine();
  await ensureTestImages();
  await ensureDiscoveryImages();
  log(`nproc ${(await execa('nproc')).stdout}, load ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  if (sizes.length > 0) await benchBackups();
  if (tenantCounts.length > 0) await benchScan();
} finally {
  await engine?.stop().catch(() => undefined);
  await removeTestResources(prefix).catch(() => undefined);
  fs.rmSync(BENCH, { recursive: true, force: true });
}
