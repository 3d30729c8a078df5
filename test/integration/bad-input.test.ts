// A catalogue of bad input against the built CLI, a real Docker engine and real SQLite files. Every case asserts:
// the documented exit code, a message saying what is wrong AND a "what to do" hint (as `sqlite-rescue: …` /
// `  what to do: …` on stderr, or a step-failed event with message and hint under --json plus its human line on
// stderr), no stack trace, and nothing changed anywhere: the data volumes byte for byte (no rescue-quarantine, no
// staged .app.db.rescue-* file), every container's state and start time, no helper container left, the local
// copies byte for byte — and, for usage errors caught before the run starts, no incident folder at all.
import { spawn } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRunbook, RunbookError } from '../../src/runbook/loader.js';
import type { RunEvent } from '../../src/runbook/events.js';
import { stepKinds } from '../../src/steps/index.js';
import { hashTree } from '../support/hash-tree.js';
import { CLI_PATH, runCli, type CliRun } from '../support/cli.js';
import { docker } from '../support/docker/docker-cli.js';
import { makeTestPrefix, removeTestResources } from '../support/docker/app-container.js';
import { waitUntil } from '../support/wait-until.js';
import { APP_IMAGE, APP_NOSQLITE_IMAGE } from '../support/docker/ensure-test-images.js';
import { volumePath } from '../support/outage.js';
import {
  corruptBtreePage,
  makeAppDb,
  makeLocalCopyWithWalOnlyRows,
  sidecarHashes,
  tornCopy,
  truncate,
} from '../support/sqlite-fixtures.js';
import { freePort } from '../support/sshd/sshd.js';

// `require.resolve` for the child scripts' better-sqlite3: the test runs as ESM.
const require = createRequire(import.meta.url);
const DB = '/data/app.db';
const prefix = makeTestPrefix('badin');
const work = mkdtempSync(join(tmpdir(), 'bad-input-'));
// Every run starts here, so a default ./incidents folder would show up in it.
const cwd = join(work, 'cwd');
const local = (name: string) => join(work, 'local', name);
const c = (name: string) => `${prefix}${name}`;

let dataDir: string;
let nosqlDataDir: string;
// The volumes of the containers besides the app: each writer has its own, as the tool refuses a volume two share.
const OWN_VOLUMES = ['ro', 'paused', 'twin-a', 'twin-b', 'shared'] as const;
const ownDirs: Record<string, string> = {};
let smallDir: string;
let smallMounted = false;

// Everything a bad input must leave as it was.
async function world(): Promise<Record<string, unknown>> {
  const lines = (await docker(['ps', '-a', '--filter', `name=${prefix}`, '--format', '{{.Names}}'])).split('\n').filter(Boolean).sort();
  const states = Object.fromEntries(
    await Promise.all(
      lines.map(async (name) => [
        name,
        await docker([
          'inspect',
          '--format',
          '{{.State.Status}} {{.State.StartedAt}} {{.RestartCount}} {{.HostConfig.RestartPolicy.Name}}',
          name,
        ]),
      ]),
    ),
  );
  const locals: Record<string, Record<string, string>> = {};
  for (const name of readdirSync(join(work, 'local'))) {
    const path = local(name);
    if (statSync(path).isFile() && !/-(wal|shm|journal)$/.test(name)) locals[name] = sidecarHashes(path);
  }
  return {
    containers: states,
    helpers: await docker(['ps', '-a', '--filter', 'label=sqlite-rescue.helper', '--filter', `name=${prefix}`, '--format', '{{.Names}}']),
    data: hashTree(dataDir),
    nosqlData: hashTree(nosqlDataDir),
    own: Object.fromEntries(OWN_VOLUMES.map((name) => [name, hashTree(ownDirs[name])])),
    small: hashTree(smallDir),
    locals,
    cwd: readdirSync(cwd),
  };
}

interface Expected {
  exit: number;
  message: RegExp;
  hint: RegExp;
  /** 'none': a usage error caught before the run, so not even an incident folder. */
  incident: 'none' | 'record';
}

function expectNoStack(run: CliRun): void {
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(run.stderr).not.toContain('this is a bug');
}

/** The CLI's own refusal (before the engine runs): `sqlite-rescue: message` and `  what to do: hint` on stderr. */
function expectUsageRefusal(run: CliRun, expected: { exit: number; message: RegExp; hint: RegExp }): void {
  expect({ exit: run.exitCode, stderr: run.stderr }).toMatchObject({ exit: expected.exit });
  const [first, second] = run.stderr.trim().split('\n');
  expect(first).toMatch(/^sqlite-rescue: /);
  expect(first).toMatch(expected.message);
  expect(second).toMatch(/^ {2}what to do: /);
  expect(second).toMatch(expected.hint);
  expect(run.stdout).toBe('');
  expectNoStack(run);
}

/** A step failing under --json: a step-failed event with message and hint, the same on stderr, the run's exit code. */
function expectStepFailure(
  run: CliRun,
  expected: { exit: number; message: RegExp; hint: RegExp },
): Extract<RunEvent, { type: 'step-failed' }> {
  const failed = run.events.find((event) => event.type === 'step-failed') as Extract<RunEvent, { type: 'step-failed' }> | undefined;
  expect({ exit: run.exitCode, failed: failed?.message, hint: failed?.hint }, run.stderr.slice(-1500)).toMatchObject({
    exit: expected.exit,
  });
  expect(failed?.message).toMatch(expected.message);
  expect(failed?.hint).toMatch(expected.hint);
  const finished = run.events.at(-1);
  expect(finished?.type === 'run-finished' && finished.exitCode).toBe(expected.exit);
  expect(run.stderr).toContain(`✘ ${failed!.message.split('\n')[0]}`);
  expect(run.stderr).toContain(`what to do: ${failed!.hint!.split('\n')[0]}`);
  expectNoStack(run);
  return failed!;
}

async function restore(args: string[], opts: { env?: Record<string, string>; incidentDir?: string } = {}): Promise<CliRun> {
  return runCli(['restore', ...args, ...(opts.incidentDir ? ['--incident-dir', opts.incidentDir] : [])], { cwd, env: opts.env });
}

let caseCounter = 0;
const incidentFor = (label: string) => join(work, 'incidents', `${++caseCounter}-${label.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)}`);

// A SQLite writer in WAL mode on `file`, committing a row every few ms until killed: the "source being written to".
function startWriter(file: string) {
  const script = `
    const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))});
    const db = new Database(process.argv[1]);
    db.pragma('journal_mode = WAL');
    const insert = db.prepare("INSERT INTO events(at, note) VALUES (datetime('now'), ?)");
    process.stdout.write('ready\\n');
    for (;;) { insert.run('written during the snapshot ' + 'x'.repeat(500)); }
  `;
  return spawn(process.execPath, ['-e', script, file], { stdio: ['ignore', 'pipe', 'inherit'] });
}

let before: Record<string, unknown>;

beforeAll(async () => {
  // Traversable by `nobody`, for the unreadable-file case (mkdtemp makes 0700 folders).
  chmodSync(work, 0o755);
  mkdirSync(cwd, { recursive: true });
  mkdirSync(join(work, 'local'));
  mkdirSync(join(work, 'incidents'));
  // A client HOME whose ~/.ssh/config knows another server only.
  mkdirSync(join(work, 'home', '.ssh'), { recursive: true });
  writeFileSync(join(work, 'home', '.ssh', 'config'), 'Host some-other-server\n  HostName 192.0.2.1\n');

  // The production data: a corrupt database, a folder where a file is expected, one torn backup.
  const live = join(work, 'live.db');
  makeAppDb(live, { rows: 1500, seed: 3 });
  corruptBtreePage(live, { seed: 4, target: 'table' });
  const source = join(work, 'backup-source.db');
  makeLocalCopyWithWalOnlyRows(source, { rows: 600, walRows: 100, seed: 5 });
  tornCopy(source, join(work, 'daily.db'));

  await docker(['volume', 'create', c('data')]);
  dataDir = await volumePath(c('data'));
  copyFileSync(live, join(dataDir, 'app.db'));
  mkdirSync(join(dataDir, 'backups'));
  mkdirSync(join(dataDir, 'folder.db'));
  copyFileSync(join(work, 'daily.db'), join(dataDir, 'backups', 'daily.db'));
  await docker(['volume', 'create', c('nosql')]);
  nosqlDataDir = await volumePath(c('nosql'));
  copyFileSync(live, join(nosqlDataDir, 'app.db'));
  for (const name of OWN_VOLUMES) {
    await docker(['volume', 'create', c(`${name}-data`)]);
    ownDirs[name] = await volumePath(c(`${name}-data`));
    copyFileSync(live, join(ownDirs[name], 'app.db'));
  }

  // "Not enough disk": a 256 KiB tmpfs on the host, bind-mounted as /data (a tmpfs mount of Docker's own is refused
  // earlier, see its case). The corrupt database fills most of it.
  smallDir = join(work, 'small');
  mkdirSync(smallDir);
  await execa('mount', ['-t', 'tmpfs', '-o', 'size=320k', 'tmpfs', smallDir]);
  smallMounted = true;
  copyFileSync(live, join(smallDir, 'app.db'));

  // The app containers hold their database without writing (`sleep`), so every byte can be compared.
  const sleeper = (name: string, mount: string[], opts: string[] = [], image = APP_IMAGE) =>
    docker(['run', '-d', '--name', c(name), ...opts, ...mount, image, 'sleep', '86400']);
  const vol = ['-v', `${c('data')}:/data`];
  const own = (name: string) => ['-v', `${c(`${name}-data`)}:/data`];
  await Promise.all([
    sleeper('app', vol, ['--label', 'coolify.pullRequestId=0']),
    sleeper('ro', ['-v', `${c('ro-data')}:/data:ro`]),
    sleeper('paused', own('paused')),
    sleeper('twin-a', own('twin-a')),
    sleeper('twin-b', own('twin-b')),
    // Two writers on one volume: the restore of one must not go on while the other writes.
    sleeper('shared-a', own('shared')),
    sleeper('shared-b', own('shared')),
    sleeper('nosql', ['-v', `${c('nosql')}:/data`], [], APP_NOSQLITE_IMAGE),
    sleeper('small', ['-v', `${smallDir}:/data`]),
    sleeper('tmpfs', ['--mount', 'type=tmpfs,destination=/data,tmpfs-size=1000000']),
  ]);
  await docker(['pause', c('paused')]);
  await docker(['exec', c('tmpfs'), 'sh', '-c', 'echo not-a-db > /data/app.db']);

  // The local copies.
  makeLocalCopyWithWalOnlyRows(local('healthy.db'), { rows: 800, walRows: 100, seed: 6 });
  writeFileSync(local('not-sqlite.db'), 'id,name\n1,alice\n');
  writeFileSync(local('empty.db'), '');
  makeAppDb(local('truncated.db'), { rows: 800, seed: 7 });
  truncate(local('truncated.db'), { fraction: 0.4 });
  makeAppDb(local('corrupt.db'), { rows: 800, seed: 8 });
  corruptBtreePage(local('corrupt.db'), { seed: 9, target: 'table' });
  mkdirSync(local('folder.db'));
  await execa('mkfifo', [local('fifo.db')]);
  copyFileSync(local('healthy.db'), local('unreadable.db'));
  chmodSync(local('unreadable.db'), 0o000);
  await makeHotJournal(local('hot.db'));
  expect(existsSync(`${local('healthy.db')}-shm`)).toBe(false);
  expect(existsSync(`${local('hot.db')}-journal`)).toBe(true);

  before = await world();
}, 180_000);

afterAll(async () => {
  await removeTestResources(prefix);
  if (smallMounted) await execa('umount', [smallDir], { reject: false });
  rmSync(work, { recursive: true, force: true });
});

// A rollback-journal database whose writer was killed mid-transaction after spilling pages into the .db: the
// -journal beside it is hot (the .db alone is inconsistent until it is rolled back).
async function makeHotJournal(file: string): Promise<void> {
  const script = `
    const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))});
    const db = new Database(process.argv[1]);
    db.pragma('journal_mode = DELETE');
    db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)');
    const insert = db.prepare('INSERT INTO t(v) VALUES (?)');
    db.transaction(() => { for (let i = 0; i < 4000; i++) insert.run('x'.repeat(200)); })();
    db.pragma('cache_size = 10');
    db.exec('BEGIN');
    db.exec("UPDATE t SET v = 'y' || v");
    process.kill(process.pid, 'SIGKILL');
  `;
  await execa(process.execPath, ['-e', script, file], { reject: false });
}

describe('bad input: refused before the run starts (exit 2, no incident folder)', () => {
  const cases: Array<{ name: string; args: string[]; message: RegExp; hint: RegExp; env?: Record<string, string> }> = [
    {
      name: '--local missing',
      args: ['--yes', '--container', 'x', '--db', DB, '--local', 'LOCAL:missing.db'],
      message: /--local .*missing\.db: no such file/,
      hint: /path of your healthy copy/,
    },
    {
      name: '--local a directory',
      args: ['--yes', '--container', 'x', '--db', DB, '--local', 'LOCAL:folder.db'],
      message: /--local .*folder\.db: is a directory/,
      hint: /the \.db file itself/,
    },
    {
      name: '--local a FIFO (not a regular file)',
      args: ['--yes', '--container', 'x', '--db', DB, '--local', 'LOCAL:fifo.db'],
      message: /--local .*fifo\.db: not a regular file/,
      hint: /the \.db file itself/,
    },
    { name: '--json without --yes', args: ['--json', '--container', 'x', '--db', DB], message: /--json needs --yes/, hint: /add --yes/ },
    {
      name: '--accept-new-host-key without --host',
      args: ['--yes', '--accept-new-host-key', '--container', 'x', '--db', DB],
      message: /--accept-new-host-key only makes sense with --host/,
      hint: /add --host|drop --accept-new-host-key/,
    },
    {
      name: 'relative --db',
      args: ['--yes', '--container', 'x', '--db', 'data/app.db'],
      message: /--db data\/app\.db: the path inside the container must be absolute/,
      hint: /--db \/data\/app\.db/,
    },
    {
      name: '--db with ..',
      args: ['--yes', '--container', 'x', '--db', '/data/../../etc/passwd'],
      message: /without "\.\." parts/,
      hint: /--db \/data\/app\.db/,
    },
    {
      name: '--db naming a folder (trailing /)',
      args: ['--yes', '--container', 'x', '--db', '/data/'],
      message: /must name a file/,
      hint: /--db \/data\/app\.db/,
    },
    {
      name: '--source that names no candidate',
      args: ['--yes', '--container', 'x', '--db', DB, '--source', 'newest'],
      message: /--source newest: not a candidate/,
      hint: /one of: local, backup:\/path\/in\/the\/container\.db, repaired, salvaged, merged/,
    },
    {
      name: '--source local without --local under --yes',
      args: ['--yes', '--container', 'x', '--db', DB, '--source', 'local'],
      message: /--source local needs --local PATH under --yes/,
      hint: /pass --local/,
    },
    {
      name: 'no terminal and no --yes',
      args: ['--container', 'x', '--db', DB],
      message: /no terminal to ask questions in/,
      hint: /pass --yes/,
    },
    {
      name: '--host an alias that is not in ~/.ssh/config',
      args: ['--yes', '--host', 'no-such-alias', '--container', 'x', '--db', DB],
      message: /no Host entry 'no-such-alias'/,
      hint: /Host no-such-alias|user@host/,
      env: { HOME: 'HOME' },
    },
  ];

  // Read-only cases: they run side by side.
  it.concurrent.each(cases)('$name', async ({ args, message, hint, env }) => {
    const home = join(work, 'home');
    const incidentDir = incidentFor('usage');
    const run = await restore(
      args.map((arg) => (arg.startsWith('LOCAL:') ? local(arg.slice(6)) : arg)),
      { incidentDir, env: env ? { HOME: home, SSH_AUTH_SOCK: '' } : undefined },
    );
    expectUsageRefusal(run, { exit: 2, message, hint });
    expect(existsSync(incidentDir)).toBe(false);
    expect(await world()).toEqual(before);
  });

  it('an unknown flag: exit 2, commander names it and points at --help', async () => {
    const run = await restore(['--yes', '--frobnicate', '--db', DB]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/unknown option '--frobnicate'/);
    expect(run.stderr).toContain('run sqlite-rescue --help for the usage');
    expectNoStack(run);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('--local unreadable by the user running the tool (chmod 000; root without the capability to bypass permissions)', async () => {
    const incidentDir = incidentFor('unreadable');
    const result = await execa(
      'setpriv',
      [
        // Root without the capabilities that bypass file permissions, as an unprivileged operator is: the checkout
        // stays readable wherever it is (a 0700 temp folder in CI), the chmod-000 copy does not.
        '--bounding-set',
        '-dac_override,-dac_read_search',
        process.execPath,
        CLI_PATH,
        'restore',
        '--yes',
        '--container',
        'x',
        '--db',
        DB,
        '--local',
        local('unreadable.db'),
        '--incident-dir',
        incidentDir,
      ],
      { reject: false, cwd: '/', env: { HOME: '/nonexistent' }, stdin: 'ignore' },
    );
    expectUsageRefusal(
      { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr), events: [] },
      { exit: 2, message: /--local .*unreadable\.db: not readable by this user \(EACCES\)/, hint: /readable copy/ },
    );
    expect(existsSync(incidentDir)).toBe(false);
    expect(await world()).toEqual(before);
  });

  it('a config file with an unknown setting', async () => {
    const dir = mkdtempSync(join(work, 'config-'));
    writeFileSync(join(dir, 'sqlite-rescue.config.json'), JSON.stringify({ container: 'x', database: DB }));
    const run = await runCli(['restore', '--yes', '--db', DB], { cwd: dir });
    expectUsageRefusal(run, { exit: 2, message: /sqlite-rescue\.config\.json: unknown setting "database"/, hint: /known settings: .*db/ });
    expect(readdirSync(dir)).toEqual(['sqlite-rescue.config.json']);
  });
});

describe('bad input: a step refuses, the state is safe and said', () => {
  const healthy = () => local('healthy.db');
  const cases: Array<{ name: string; args: () => string[]; env?: Record<string, string>; expected: Omit<Expected, 'incident'> }> = [
    // --local that is not a usable database: choose-source says so after checking the live DB and the backups.
    {
      name: '--local not a SQLite file',
      args: () => ['--container', c('app'), '--db', DB, '--local', local('not-sqlite.db')],
      expected: {
        exit: 1,
        message: /no healthy source: the local copy is corrupt \(SQLITE_NOTADB.*not a SQLite database/,
        hint: /pass --local with a healthy copy/,
      },
    },
    {
      name: '--local empty (0 bytes)',
      args: () => ['--container', c('app'), '--db', DB, '--local', local('empty.db')],
      expected: {
        exit: 1,
        message: /the local copy is corrupt \(empty file \(0 bytes\): not a SQLite database\)/,
        hint: /pass --local with a healthy copy/,
      },
    },
    {
      name: '--local truncated',
      args: () => ['--container', c('app'), '--db', DB, '--local', local('truncated.db')],
      expected: { exit: 1, message: /the local copy is corrupt \(.+\)/, hint: /\.recover/ },
    },
    {
      name: '--local corrupt',
      args: () => ['--container', c('app'), '--db', DB, '--local', local('corrupt.db')],
      expected: { exit: 1, message: /the local copy is corrupt \(.*(Tree|page|malformed)/, hint: /nothing was changed/ },
    },
    {
      name: '--local with a hot rollback journal',
      args: () => ['--container', c('app'), '--db', DB, '--local', local('hot.db')],
      expected: { exit: 2, message: /hot journal .*hot\.db-journal/, hint: /PRAGMA integrity_check.*--local COPY\.db/ },
    },
    // --db
    {
      name: '--db missing in the container',
      args: () => ['--container', c('app'), '--db', '/data/nope.db', '--local', healthy()],
      expected: { exit: 2, message: /\/data\/nope\.db does not exist in .*app/, hint: /ls -la \/data/ },
    },
    {
      name: '--db a directory',
      args: () => ['--container', c('app'), '--db', '/data/folder.db', '--local', healthy()],
      expected: { exit: 2, message: /\/data\/folder\.db in .*app is a directory/, hint: /the \.db file itself/ },
    },
    {
      name: '--db outside any volume (the container layer)',
      args: () => ['--container', c('app'), '--db', '/etc/passwd', '--local', healthy()],
      expected: { exit: 2, message: /\/etc in .*app is not on a volume or bind mount/, hint: /check --db/ },
    },
    {
      name: '--db on a read-only mount',
      args: () => ['--container', c('ro'), '--db', DB, '--local', healthy()],
      expected: { exit: 2, message: /\/data is mounted read-only in .*ro: the snapshot cannot be staged/, hint: /drop ":ro"/ },
    },
    {
      name: '--db on a tmpfs (lost when the app stops)',
      args: () => ['--container', c('tmpfs'), '--db', DB, '--local', healthy()],
      expected: {
        exit: 2,
        message: /\/data in .*tmpfs is on a tmpfs: its content is lost when the container stops/,
        hint: /docker cp .*tmpfs:\/data\/app\.db/,
      },
    },
    // --container
    {
      name: 'container not found',
      args: () => ['--container', c('nobody'), '--db', DB, '--local', healthy()],
      expected: { exit: 2, message: /no container matching ".*nobody"/, hint: /docker ps -a/ },
    },
    // A stopped or crash-looping app is recovered, not refused (test/integration/real-apps.test.ts); a paused one is not.
    {
      name: 'container paused',
      args: () => ['--container', c('paused'), '--db', DB, '--local', healthy()],
      expected: { exit: 2, message: /container .*paused is paused$/, hint: /docker unpause .*paused/ },
    },
    {
      name: 'another container writes to the same volume',
      args: () => ['--container', c('shared-a'), '--db', DB, '--local', healthy()],
      expected: { exit: 2, message: /not part of the stop: .*shared-b \(running\)$/, hint: /docker stop .*shared-b/ },
    },
    {
      name: 'several production-looking containers with --yes',
      args: () => ['--container', c('twin'), '--db', DB, '--local', healthy()],
      expected: { exit: 2, message: /2 containers matching ".*twin" look like production/, hint: /--container with the exact name/ },
    },
    // the engine and the target
    {
      name: 'no Docker engine',
      args: () => ['--container', c('app'), '--db', DB, '--local', healthy()],
      env: { DOCKER_HOST: 'unix:///tmp/none.sock' },
      expected: { exit: 1, message: /no Docker engine answered at local Docker engine \(\/tmp\/none\.sock\)/, hint: /DOCKER_HOST/ },
    },
    {
      name: 'not enough disk beside the database',
      args: () => ['--container', c('small'), '--db', DB, '--local', healthy()],
      expected: {
        exit: 1,
        message: /not enough space beside \/data\/app\.db in .*small: \d+ bytes free, the snapshot needs \d+/,
        hint: /free space on that volume \(nothing was changed\)/,
      },
    },
    {
      name: 'a backups glob with a wildcard in its folder',
      args: () => ['--container', c('app'), '--db', DB, '--local', healthy(), '--backups', '/data/*/daily.db'],
      expected: { exit: 2, message: /only the last part of the path may hold wildcards/, hint: /--backups "\/data\/backups\/\*\.db"/ },
    },
  ];

  // One at a time: a run holds a lock on its container and DB, so two runs on the same target refuse each other.
  it.each(cases)('$name', async ({ args, env, expected }) => {
    const incidentDir = incidentFor(expected.message.source);
    const run = await restore(['--yes', '--json', ...args()], { incidentDir, env });
    const failed = expectStepFailure(run, expected);
    expect(failed.state ?? 'nothing was changed').toMatch(/nothing was changed/);
    expect(await world()).toEqual(before);
    // The record of a refused run is there and says the same.
    expect(readFileSync(join(incidentDir, 'events.ndjson'), 'utf8')).toContain(JSON.stringify(failed.message));
    expect(readdirSync(incidentDir)).not.toContain('snapshot.db.tmp');
  });

  it('host unreachable (nothing listens on the port): a clear error, no incident folder', async () => {
    const port = await freePort();
    const incidentDir = incidentFor('unreachable');
    const run = await restore(['--yes', '--host', `root@127.0.0.1:${port}`, '--container', c('app'), '--db', DB, '--local', healthy()], {
      incidentDir,
      env: { HOME: join(work, 'home'), SSH_AUTH_SOCK: '' },
    });
    expectUsageRefusal(run, { exit: 1, message: new RegExp(`refused.*${port}|${port}.*refused`, 'i'), hint: /./ });
    expect(existsSync(incidentDir)).toBe(false);
    expect(await world()).toEqual(before);
  });
});

describe('bad input that is a finding, not a failure', () => {
  it('a backups glob that matches nothing: reported as a finding, the run goes on (dry-run exit 4)', async () => {
    const incidentDir = incidentFor('no-backups');
    const run = await restore(
      [
        '--yes',
        '--json',
        '--dry-run',
        '--container',
        c('app'),
        '--db',
        DB,
        '--local',
        local('healthy.db'),
        '--backups',
        '/data/backups/*.sqlite3',
      ],
      { incidentDir },
    );
    expect({ exit: run.exitCode, stderr: run.exitCode === 4 ? '' : run.stderr.slice(-1500) }).toEqual({ exit: 4, stderr: '' });
    expect(run.events).toContainEqual(
      expect.objectContaining({ type: 'finding', stepId: 'test-backups', text: 'no backup matches /data/backups/*.sqlite3' }),
    );
    expect(run.events).toContainEqual(
      expect.objectContaining({ type: 'step-succeeded', stepId: 'test-backups', summary: 'no backup matches /data/backups/*.sqlite3' }),
    );
    expect(run.stderr).toContain('✔ no backup matches /data/backups/*.sqlite3');
    expect(readFileSync(join(incidentDir, 'report.md'), 'utf8')).toContain('no backup matches /data/backups/*.sqlite3');
    expectNoStack(run);
    expect(await world()).toEqual(before);
  });

  it('a corrupt --local in a dry-run: exit 4, and the headline says a recovery would NOT succeed', async () => {
    const run = await restore(['--yes', '--json', '--dry-run', '--container', c('app'), '--db', DB, '--local', local('corrupt.db')], {
      incidentDir: incidentFor('dry-corrupt-local'),
    });
    expect(run.exitCode).toBe(4);
    const finished = run.events.at(-1);
    expect(finished?.type === 'run-finished' && finished.headline).toMatch(/CORRUPT and a recovery would NOT succeed: no healthy source/);
    expectNoStack(run);
    expect(await world()).toEqual(before);
  });

  it.each([
    ['a read-only mount', 'ro', /would NOT succeed as things are: \/data is mounted read-only/],
    ['not enough disk', 'small', /would NOT succeed as things are: not enough space beside \/data\/app\.db/],
  ])('%s in a dry-run: exit 4, the headline says the restore would NOT succeed', async (_label, container, headline) => {
    const run = await restore(['--yes', '--json', '--dry-run', '--container', c(container), '--db', DB, '--local', local('healthy.db')], {
      incidentDir: incidentFor(`dry-${container}`),
    });
    expect(run.exitCode).toBe(4);
    const finished = run.events.at(-1);
    expect(finished?.type === 'run-finished' && finished.headline).toMatch(headline);
    expectNoStack(run);
    expect(await world()).toEqual(before);
  });

  it('an image without sqlite3: every check runs on copies taken out, dry-run exit 4, nothing changed', async () => {
    const run = await restore(['--yes', '--json', '--dry-run', '--container', c('nosql'), '--db', DB, '--local', local('healthy.db')], {
      incidentDir: incidentFor('nosql'),
    });
    expect({ exit: run.exitCode, stderr: run.exitCode === 4 ? '' : run.stderr.slice(-1500) }).toEqual({ exit: 4, stderr: '' });
    expect(run.events).toContainEqual(
      expect.objectContaining({
        type: 'step-output',
        stepId: 'check-live-db',
        line: 'no sqlite3 in the image: checking a copy of the database on this machine',
      }),
    );
    expect(run.events.find((event) => event.type === 'step-succeeded' && event.stepId === 'check-live-db')).toMatchObject({
      summary: expect.stringContaining('by SQLite on this machine, on a copy'),
    });
    expectNoStack(run);
    expect(await world()).toEqual(before);
  });
});

describe('local copies that must work', () => {
  it('--local with its -wal but no -shm: read through the -wal, nothing created or changed beside it', async () => {
    const incidentDir = incidentFor('wal-no-shm');
    const run = await restore(['--yes', '--json', '--dry-run', '--container', c('app'), '--db', DB, '--local', local('healthy.db')], {
      incidentDir,
    });
    expect({ exit: run.exitCode, stderr: run.exitCode === 4 ? '' : run.stderr.slice(-1500) }).toEqual({ exit: 4, stderr: '' });
    const finished = run.events.at(-1);
    expect(finished?.type === 'run-finished' && finished.headline).toMatch(/restore from .*healthy\.db would be possible/);
    // The rows that live only in the -wal are in the snapshot.
    const snapshot = new Database(join(incidentDir, 'snapshot.db'), { readonly: true, fileMustExist: true });
    expect(snapshot.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: 900 });
    snapshot.close();
    expect(existsSync(`${local('healthy.db')}-shm`)).toBe(false);
    expect(await world()).toEqual(before);
  });

  it('--local being written to while it is snapshotted: the snapshot is consistent', async () => {
    const file = join(work, 'busy', 'busy.db');
    mkdirSync(join(work, 'busy'));
    makeLocalCopyWithWalOnlyRows(file, { rows: 2000, walRows: 200, seed: 12 });
    const writer = startWriter(file);
    try {
      await new Promise<void>((resolve, reject) => {
        writer.stdout!.once('data', () => resolve());
        writer.once('exit', (code) => reject(new Error(`the writer exited with ${code}`)));
      });
      await waitUntil('the writer has rows in the -wal', () => existsSync(`${file}-wal`) && statSync(`${file}-wal`).size > 0);
      const incidentDir = incidentFor('busy');
      const run = await restore(['--yes', '--json', '--dry-run', '--container', c('app'), '--db', DB, '--local', file], { incidentDir });
      expect({ exit: run.exitCode, stderr: run.exitCode === 4 ? '' : run.stderr.slice(-1500) }).toEqual({ exit: 4, stderr: '' });
      const snapshot = new Database(join(incidentDir, 'snapshot.db'), { readonly: true, fileMustExist: true });
      try {
        expect(snapshot.pragma('integrity_check', { simple: true })).toBe('ok');
        const { n } = snapshot.prepare('SELECT count(*) AS n FROM events').get() as { n: number };
        const max = (snapshot.prepare('SELECT max(id) AS m FROM events').get() as { m: number }).m;
        // Every row up to the newest one it holds: a consistent cut, not a torn one; and it saw the writer's rows.
        expect(n).toBe(max);
        expect(n).toBeGreaterThan(2200);
      } finally {
        snapshot.close();
      }
      expect(run.events.find((event) => event.type === 'step-succeeded' && event.stepId === 'snapshot-source')).toMatchObject({
        summary: expect.stringMatching(/^\d+ bytes, \d+ rows, sha256 /),
      });
    } finally {
      writer.kill('SIGKILL');
    }
    expect(await world()).toEqual(before);
  });
});

describe('a runbook file with mistakes (the CLI loads runbooks only by name from runbooks/, so the loader is called directly)', () => {
  const shipped = readFileSync(new URL('../../runbooks/sqlite-wal-restore.yaml', import.meta.url), 'utf8');
  const kinds = [...stepKinds.keys()];

  function refusal(text: string): RunbookError {
    try {
      parseRunbook(text, 'runbooks/edited.yaml', kinds);
    } catch (error) {
      expect(error).toBeInstanceOf(RunbookError);
      return error as RunbookError;
    }
    throw new Error('parseRunbook accepted it');
  }

  it('an unknown step kind: names the file, the step, the field and the known kinds; exit 2', () => {
    const error = refusal(shipped.replace('uses: test-backups', 'uses: test-backup'));
    expect(error.message).toBe(
      `runbooks/edited.yaml: step "test-backups": field "uses": unknown step kind "test-backup" (known: ${kinds.join(', ')})`,
    );
    expect(error.exitCode).toBe(2);
    expect(error.hint).toMatch(/fix the runbook file.*sqlite-rescue runbook print/);
  });

  it('a missing field: names the step and the field; exit 2', () => {
    const error = refusal(shipped.replace(/(id: stop-app\n(?:.*\n)*?)\s+title: .*\n/, '$1\n'));
    expect(error.message).toBe('runbooks/edited.yaml: step "stop-app": field "title" is missing');
    expect(error.exitCode).toBe(2);
  });

  it('the shipped runbook itself loads', () => {
    expect(parseRunbook(shipped, 'runbooks/sqlite-wal-restore.yaml', kinds).steps).toHaveLength(10);
  });
});
