// Hostile input: names, paths and globs full of shell syntax must never reach a shell — on this machine, on the
// server (over SSH) or in the container; --db cannot reach the host's files; tar entries never land outside their
// folder; a key's passphrase never appears in the output or the record.
import { randomBytes } from 'node:crypto';
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
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import { execa } from 'execa';
import { pack } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileOut, readFileThrough, UnexpectedArchiveError } from '../../src/adapters/dockerode/archive-out.js';
import { runCli, type CliRun } from '../support/cli.js';
import { docker } from '../support/docker/docker-cli.js';
import { makeTestPrefix, removeTestResources, waitForAppDatabase } from '../support/docker/app-container.js';
import { APP_IMAGE } from '../support/docker/ensure-test-images.js';
import { volumePath } from '../support/outage.js';
import {
  corruptBtreePage,
  makeAppDb,
  makeLocalCopyWithWalOnlyRows,
  sha256File,
  sidecarHashes,
  tornCopy,
} from '../support/sqlite-fixtures.js';
import { startSshd, TEST_ALIAS, type Sshd } from '../support/sshd/sshd.js';

const prefix = makeTestPrefix('hostile');
const work = mkdtempSync(join(tmpdir(), 'hostile-'));
const cwd = join(work, 'cwd');
const tag = `pwned-${randomBytes(4).toString('hex')}`;
// Quotes, spaces, ;, &, |, $(…), backticks and a newline: legal in a file name, fatal in a shell string. Relative
// `touch` targets land in the shell's working directory (/, the HOME, the cwd), absolute ones in /tmp.
const PAYLOAD = `it's a "db"; $(touch ${tag}-dollar) \`touch ${tag}-tick\` & touch ${tag}-amp | x\nline2`;
const DB = `/data/app ${PAYLOAD}.db`;
const BACKUPS_DIR = `/data/back ${PAYLOAD}`;
const BACKUPS = `${BACKUPS_DIR}/*.db`;
const ABSOLUTE = [
  `$(touch /tmp/${tag}-abs-dollar)`,
  `\`touch /tmp/${tag}-abs-tick\``,
  `x; touch /tmp/${tag}-abs-semi`,
  `x\ntouch /tmp/${tag}-abs-nl`,
];

function noStack(run: CliRun): void {
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

/** Every file named like the payload's `touch` targets, on this machine and in the container. */
async function pwnedFiles(containers: string[], extraDirs: string[] = []): Promise<string[]> {
  const found: string[] = [];
  const dirs = ['/tmp', '/root', '/', cwd, work, ...extraDirs];
  for (const dir of dirs) {
    const result = await execa('find', [dir, '-maxdepth', dir === '/' ? '1' : '4', '-name', `${tag}*`], { reject: false });
    found.push(...String(result.stdout).split('\n').filter(Boolean));
  }
  for (const container of containers) {
    const result = await execa('docker', ['exec', container, 'find', '/', '-xdev', '-name', `${tag}*`], { reject: false });
    found.push(
      ...String(result.stdout)
        .split('\n')
        .filter(Boolean)
        .map((path) => `${container}:${path}`),
    );
  }
  return [...new Set(found)];
}

interface Target {
  name: string;
  data: string;
}

// A running app (writing every 0.2 s) whose corrupt database, backups folder and backup all carry the payload.
async function hostileTarget(label: string, live: string, backup: string): Promise<Target> {
  const volume = `${prefix}${label}-data`;
  await docker(['volume', 'create', volume]);
  const data = await volumePath(volume);
  copyFileSync(live, join(data, DB.slice('/data/'.length)));
  mkdirSync(join(data, BACKUPS_DIR.slice('/data/'.length)));
  copyFileSync(backup, join(data, BACKUPS_DIR.slice('/data/'.length), `daily ${PAYLOAD}.db`));
  const name = `${prefix}${label}-app`;
  await docker(['run', '-d', '--name', name, '--label', 'coolify.pullRequestId=0', '-e', `DB=${DB}`, '-v', `${volume}:/data`, APP_IMAGE]);
  return { name, data };
}

let local: string;
let localTarget: Target;
let sshTarget: Target;
let sshd: Sshd;
let etcPasswd: string;

beforeAll(async () => {
  chmodSync(work, 0o755);
  mkdirSync(cwd);
  const live = join(work, 'live.db');
  makeAppDb(live, { rows: 1200, seed: 31 });
  corruptBtreePage(live, { seed: 32, target: 'table' });
  const source = join(work, 'source.db');
  makeLocalCopyWithWalOnlyRows(source, { rows: 500, walRows: 100, seed: 33 });
  tornCopy(source, join(work, 'backup.db'));
  const localDir = join(work, `local ${PAYLOAD}`);
  mkdirSync(localDir);
  local = join(localDir, `copy ${PAYLOAD}.db`);
  makeLocalCopyWithWalOnlyRows(local, { rows: 1500, walRows: 200, seed: 34 });
  etcPasswd = sha256File('/etc/passwd');
  [localTarget, sshTarget, sshd] = await Promise.all([
    hostileTarget('local', live, join(work, 'backup.db')),
    hostileTarget('ssh', live, join(work, 'backup.db')),
    startSshd(),
  ]);
  // The app must have opened its database before the rescue.
  await Promise.all([localTarget, sshTarget].map((target) => waitForAppDatabase(target.name)));
}, 180_000);

afterAll(async () => {
  await sshd?.stop();
  await removeTestResources(prefix);
  rmSync(work, { recursive: true, force: true });
});

function restoreArgs(target: Target, incidentDir: string): string[] {
  return [
    'restore',
    '--yes',
    '--json',
    '--container',
    target.name,
    '--db',
    DB,
    '--backups',
    BACKUPS,
    '--local',
    local,
    '--incident-dir',
    incidentDir,
  ];
}

describe('shell syntax in --db, --backups and --local never reaches a shell', () => {
  it('a full restore on the local engine: done and verified, the payload names used verbatim, nothing touched', async () => {
    const localBefore = sidecarHashes(local);
    const incidentDir = join(work, 'incident-local');
    const run = await runCli(restoreArgs(localTarget, incidentDir), { cwd });
    expect({ exit: run.exitCode, stderr: run.exitCode === 0 ? '' : run.stderr.slice(-3000) }).toEqual({ exit: 0, stderr: '' });
    noStack(run);
    // The files it worked on are the ones named, character for character.
    const tested = run.events.find((event) => event.type === 'step-succeeded' && event.stepId === 'test-backups') as {
      data: Array<{ path: string; ok: boolean }>;
    };
    expect(tested.data.map((backup) => backup.path)).toEqual([`${BACKUPS_DIR}/daily ${PAYLOAD}.db`]);
    const quarantine = readdirSync(join(localTarget.data, 'rescue-quarantine'));
    expect(quarantine).toHaveLength(1);
    expect(readdirSync(join(localTarget.data, 'rescue-quarantine', quarantine[0]))).toContain(`app ${PAYLOAD}.db`);
    expect(readFileSync(join(incidentDir, 'quarantine.sha256'), 'utf8')).toContain(`app ${PAYLOAD}.db`);
    expect(sidecarHashes(local)).toEqual(localBefore);
    expect(await pwnedFiles([localTarget.name])).toEqual([]);
    expect(sha256File('/etc/passwd')).toBe(etcPasswd);
  });

  it('the same restore over SSH: uploaded, swapped on the server, verified; nothing touched on the server either', async () => {
    const incidentDir = join(work, 'incident-ssh');
    const run = await runCli(['restore', '--host', TEST_ALIAS, ...restoreArgs(sshTarget, incidentDir).slice(1)], {
      cwd,
      env: { HOME: sshd.home, SSH_AUTH_SOCK: '' },
    });
    expect({ exit: run.exitCode, stderr: run.exitCode === 0 ? '' : run.stderr.slice(-3000) }).toEqual({ exit: 0, stderr: '' });
    noStack(run);
    expect(readdirSync(join(sshTarget.data, 'rescue-quarantine', readdirSync(join(sshTarget.data, 'rescue-quarantine'))[0]))).toContain(
      `app ${PAYLOAD}.db`,
    );
    // The server is this machine: its /tmp, the SSH user's HOME (/root) and the sshd's folder are searched too.
    expect(await pwnedFiles([sshTarget.name], [sshd.dir, sshd.home])).toEqual([]);
  });

  it.each([
    ['--container', (payload: string) => ['--container', payload, '--db', '/data/app.db']],
    ['--db', (payload: string) => ['--container', localTarget.name, '--db', `/data/${payload.replaceAll('/', '∕')}.db`]],
    [
      '--backups',
      (payload: string) => [
        '--container',
        localTarget.name,
        '--db',
        DB,
        '--backups',
        `/data/backups/${payload.replaceAll('/', '∕')}*`,
        '--dry-run',
      ],
    ],
    [
      '--local',
      (payload: string) => ['--container', localTarget.name, '--db', DB, '--local', join(work, payload.replaceAll('/', '∕')), '--dry-run'],
    ],
  ])('payloads with absolute touch targets in %s create nothing', async (_flag, args) => {
    for (const payload of ABSOLUTE) {
      const run = await runCli(
        ['restore', '--yes', '--json', ...args(payload), '--incident-dir', join(work, `incident-${randomBytes(3).toString('hex')}`)],
        { cwd },
      );
      noStack(run);
      expect([0, 1, 2, 4]).toContain(run.exitCode);
    }
    // `∕` (U+2215) keeps a payload one path segment; the shell would still run the $(…) it holds: the touch targets
    // are then relative, so the working folders are searched too.
    expect(await pwnedFiles([localTarget.name])).toEqual([]);
    expect(readdirSync('/tmp').filter((name) => name.includes(tag))).toEqual([]);
  });
});

describe('--db cannot reach the host', () => {
  it('".." is refused before anything runs', async () => {
    const run = await runCli(
      ['restore', '--yes', '--container', localTarget.name, '--db', '/data/../../etc/passwd', '--incident-dir', join(work, 'dotdot')],
      { cwd },
    );
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/without "\.\." parts/);
    expect(existsSync(join(work, 'dotdot'))).toBe(false);
  });

  it('a symlink in the volume pointing outside it is refused with what it points at; the files stay as they are', async () => {
    const link = join(localTarget.data, 'escape.db');
    await execa('ln', ['-s', '/etc/passwd', link]);
    const incidentDir = join(work, 'symlink');
    const run = await runCli(
      [
        'restore',
        '--yes',
        '--json',
        '--container',
        localTarget.name,
        '--db',
        '/data/escape.db',
        '--local',
        local,
        '--incident-dir',
        incidentDir,
      ],
      { cwd },
    );
    expect(run.exitCode).toBe(2);
    const failed = run.events.find((event) => event.type === 'step-failed');
    expect(failed).toMatchObject({
      stepId: 'check-live-db',
      message: expect.stringMatching(/\/data\/escape\.db in .* is a symbolic link to \/etc\/passwd, not the database file itself/),
      hint: expect.stringContaining('nothing was changed'),
    });
    noStack(run);
    // Docker resolves the link inside the container's root, never the host's; the host's /etc/passwd is untouched
    // and the link is still a link.
    expect(sha256File('/etc/passwd')).toBe(etcPasswd);
    expect((await execa('readlink', [link])).stdout).toBe('/etc/passwd');
    expect(await docker(['exec', localTarget.name, 'head', '-c', '5', '/etc/passwd'])).toBe('root:');
  });

  it("a --db outside every volume (e.g. the container's own /etc/passwd) is refused", async () => {
    const run = await runCli(
      ['restore', '--yes', '--container', localTarget.name, '--db', '/etc/passwd', '--local', local, '--incident-dir', join(work, 'etc')],
      { cwd },
    );
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/\/etc in .* is not on a volume or bind mount/);
  });
});

describe('tar entries read back are never extracted outside their folder', () => {
  // The engine sends a tar for every file read out (over SSH too: the same adapter reads it). These are archives a
  // compromised or buggy engine could send; the real engine's directory and symlink answers are in archive.test.ts.
  function engineSending(
    entries: Array<{ name: string; type?: 'file' | 'symlink' | 'link' | 'directory'; linkname?: string; body?: string }>,
  ): Dockerode {
    return {
      getContainer: () => ({
        getArchive: async () => {
          const tar = pack();
          for (const entry of entries) {
            const type = entry.type ?? 'file';
            if (type === 'file') tar.entry({ name: entry.name, type }, entry.body ?? 'evil');
            else tar.entry({ name: entry.name, type, linkname: entry.linkname });
          }
          tar.finalize();
          return Readable.from(tar);
        },
      }),
    } as unknown as Dockerode;
  }

  const crafted: Array<[string, Parameters<typeof engineSending>[0]]> = [
    ['a "../" name', [{ name: '../escaped.db' }]],
    ['an absolute name', [{ name: `/tmp/${tag}-absolute.db` }]],
    ['a nested name', [{ name: 'sub/app.db' }]],
    ['a symlink under the expected name', [{ name: 'app.db', type: 'symlink', linkname: '/etc/passwd' }]],
    ['a hard link under the expected name', [{ name: 'app.db', type: 'link', linkname: '../escaped.db' }]],
    ['the file, then a second entry', [{ name: 'app.db', body: 'fine' }, { name: '../escaped.db' }]],
    ['a directory', [{ name: 'app.db', type: 'directory' }]],
    ['nothing', []],
  ];

  it.each(crafted)('%s is refused and nothing is written', async (_label, entries) => {
    const root = mkdtempSync(join(work, 'tar-'));
    const into = join(root, 'into');
    mkdirSync(into);
    await expect(copyFileOut(engineSending(entries), 'id', '/data/app.db', into)).rejects.toBeInstanceOf(UnexpectedArchiveError);
    expect(readdirSync(into)).toEqual([]);
    expect(readdirSync(root)).toEqual(['into']);
    expect(existsSync(`/tmp/${tag}-absolute.db`)).toBe(false);
    const chunks: Buffer[] = [];
    await expect(readFileThrough(engineSending(entries), 'id', '/data/app.db', (chunk) => chunks.push(chunk))).rejects.toBeInstanceOf(
      UnexpectedArchiveError,
    );
  });

  it('the one well-formed answer is written under its own name', async () => {
    const into = mkdtempSync(join(work, 'tar-ok-'));
    const path = await copyFileOut(engineSending([{ name: 'app.db', body: 'the bytes' }]), 'id', '/data/app.db', into);
    expect(path).toBe(join(into, 'app.db'));
    expect(readFileSync(path, 'utf8')).toBe('the bytes');
    expect(readdirSync(into)).toEqual(['app.db']);
  });
});

describe('a key passphrase never appears in the output or the record', () => {
  const PASSPHRASE = `correct-horse-${randomBytes(6).toString('hex')}`;
  let locked: Sshd;
  let agent: { socket: string; pid: string } | undefined;

  beforeAll(async () => {
    locked = await startSshd({ clientKeyPassphrase: PASSPHRASE });
  }, 60_000);

  afterAll(async () => {
    if (agent) await execa('kill', [agent.pid], { reject: false });
    await locked?.stop();
  });

  function allText(run: CliRun, incidentDir: string): string {
    const texts = [run.stdout, run.stderr];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else texts.push(readFileSync(path).toString('latin1'));
      }
    };
    if (existsSync(incidentDir)) walk(incidentDir);
    return texts.join('\n');
  }

  // The private key's own lines (base64 of the encrypted key) must not leak either.
  const keyLines = () =>
    readFileSync(locked.clientKeyPath, 'utf8')
      .split('\n')
      .filter((line) => line.length > 20 && !line.startsWith('-----'));

  it('with --yes and no ssh-agent the passphrase cannot be asked: a clear refusal that says to use ssh-agent', async () => {
    const incidentDir = join(work, 'locked-no-agent');
    const run = await runCli(
      [
        'restore',
        '--yes',
        '--json',
        '--host',
        TEST_ALIAS,
        '--container',
        sshTarget.name,
        '--db',
        DB,
        '--local',
        local,
        '--dry-run',
        '--incident-dir',
        incidentDir,
      ],
      { cwd, env: { HOME: locked.home, SSH_AUTH_SOCK: '' } },
    );
    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toMatch(/encrypted, and no way to ask for its passphrase \(load it into ssh-agent with ssh-add\)/);
    expect(run.stderr).toMatch(/what to do: /);
    noStack(run);
    expect(existsSync(incidentDir)).toBe(false);
    expect(allText(run, incidentDir)).not.toContain(PASSPHRASE);
  });

  it('with the key loaded into ssh-agent (IdentitiesOnly yes in ~/.ssh/config), --yes works and nothing holds the passphrase', async () => {
    const socket = join(mkdtempSync(join(tmpdir(), 'agent-')), 'agent.sock');
    const started = await execa('ssh-agent', ['-a', socket, '-s']);
    agent = { socket, pid: /SSH_AGENT_PID=(\d+)/.exec(String(started.stdout))![1] };
    // ssh-add reads the passphrase from SSH_ASKPASS when told to (no terminal here).
    const askpass = join(work, 'askpass.sh');
    writeFileSync(askpass, `#!/bin/sh\necho '${PASSPHRASE}'\n`, { mode: 0o700 });
    await execa('ssh-add', [locked.clientKeyPath], {
      env: { SSH_AUTH_SOCK: socket, SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' },
      stdin: 'ignore',
    });
    rmSync(askpass);
    expect(readFileSync(join(locked.home, '.ssh', 'config'), 'utf8')).toContain('IdentitiesOnly yes');

    const incidentDir = join(work, 'locked-agent');
    const run = await runCli(
      [
        'restore',
        '--yes',
        '--json',
        '--host',
        TEST_ALIAS,
        '--container',
        sshTarget.name,
        '--db',
        DB,
        '--local',
        local,
        '--dry-run',
        '--incident-dir',
        incidentDir,
      ],
      { cwd, env: { HOME: locked.home, SSH_AUTH_SOCK: socket } },
    );
    // The target was restored by the SSH case above, so the dry-run finds it healthy (0) or, run alone, corrupt (4).
    expect({ exit: run.exitCode, stderr: [0, 4].includes(run.exitCode) ? '' : run.stderr.slice(-2000) }).toMatchObject({ stderr: '' });
    expect(run.events.find((event) => event.type === 'finding' && event.stepId === 'find-container')).toMatchObject({
      text: expect.stringContaining('over SSH'),
    });
    const text = allText(run, incidentDir);
    expect(text).not.toContain(PASSPHRASE);
    for (const line of keyLines()) expect(text).not.toContain(line);
    noStack(run);
  });
});
