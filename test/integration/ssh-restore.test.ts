// The same recovery on a "server" reached over SSH: a real OpenSSH server on 127.0.0.1 in front of the real Docker
// engine, and a client HOME whose ~/.ssh/config names it `rescue-test`, as an operator types `ssh rescue-test`.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { hashTree } from '../support/hash-tree.js';
import { docker } from '../support/docker/docker-cli.js';
import { makeTestPrefix, removeTestResources } from '../support/docker/app-container.js';
import { buildOutage, type Outage } from '../support/outage.js';
import { sha256File } from '../support/sqlite-fixtures.js';
import { freePort, startSshd, TEST_ALIAS, type Sshd } from '../support/sshd/sshd.js';

const DB = '/data/app.db';

describe('restore --host over a real SSH server', () => {
  let outage: Outage;
  let sshd: Sshd;
  const work = mkdtempSync(join(tmpdir(), 'ssh-restore-'));

  // A copy of the client HOME with one file changed, for the refusal cases.
  function homeWith(change: (home: string) => void): string {
    const home = mkdtempSync(join(work, 'home-'));
    cpSync(sshd.home, home, { recursive: true });
    change(home);
    return home;
  }

  function restoreArgs(incidentDir: string, extra: string[] = []): string[] {
    return [
      'restore',
      '--yes',
      '--json',
      '--host',
      TEST_ALIAS,
      '--container',
      `${outage.prefix}app`,
      '--db',
      DB,
      '--local',
      outage.local.path,
      '--incident-dir',
      incidentDir,
      ...extra,
    ];
  }

  beforeAll(async () => {
    [outage, sshd] = await Promise.all([buildOutage(makeTestPrefix('ssh')), startSshd()]);
  }, 300_000);

  afterAll(async () => {
    await sshd?.stop();
    if (outage) await removeTestResources(outage.prefix);
  });

  it('an unknown host key with --yes is refused, with its fingerprint, and nothing is written', async () => {
    const home = homeWith((dir) => writeFileSync(join(dir, '.ssh', 'known_hosts'), ''));
    const incidentDir = join(work, 'unknown-key');
    const run = await runCli(restoreArgs(incidentDir), { env: { HOME: home, SSH_AUTH_SOCK: '' } });
    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toContain(sshd.hostKeyFingerprint);
    expect(run.stderr).toContain('--accept-new-host-key');
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(incidentDir)).toBe(false);
    expect(readFileSync(join(home, '.ssh', 'known_hosts'), 'utf8')).toBe('');
  });

  it('a changed host key is refused even with --accept-new-host-key', async () => {
    const other = 'AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';
    const home = homeWith((dir) => writeFileSync(join(dir, '.ssh', 'known_hosts'), `[127.0.0.1]:${sshd.port} ssh-ed25519 ${other}\n`));
    const run = await runCli(restoreArgs(join(work, 'changed-key'), ['--accept-new-host-key']), { env: { HOME: home, SSH_AUTH_SOCK: '' } });
    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toMatch(/changed/i);
    expect(run.stderr).toContain('ssh-keygen -R');
  });

  it('a key the server does not accept gives an authentication message', async () => {
    const home = homeWith((dir) => {
      // Replace the authorized client key by a fresh one the server has never seen.
      const key = join(dir, '.ssh', 'id_ed25519');
      writeFileSync(key, '');
    });
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(home, '.ssh', 'id_ed25519'), '-C', 'stranger'], {
      input: 'y\n',
      reject: false,
    });
    const run = await runCli(restoreArgs(join(work, 'wrong-key')), { env: { HOME: home, SSH_AUTH_SOCK: '' } });
    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toMatch(/refused|authenticat/i);
    expect(run.stderr).toContain('root');
  });

  it('an unreachable port is a clear error, quickly', async () => {
    const closed = await freePort();
    const home = homeWith((dir) =>
      writeFileSync(
        join(dir, '.ssh', 'config'),
        `Host ${TEST_ALIAS}\n  HostName 127.0.0.1\n  Port ${closed}\n  User root\n  IdentityFile ~/.ssh/id_ed25519\n`,
      ),
    );
    const started = Date.now();
    const run = await runCli(restoreArgs(join(work, 'closed')), { env: { HOME: home, SSH_AUTH_SOCK: '' } });
    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toMatch(/refused/i);
    expect(run.stderr).toContain(String(closed));
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('a dry-run through the alias runs every read-only step and changes nothing on the server', async () => {
    const before = {
      data: hashTree(outage.productionData),
      state: await docker(['inspect', '--format', '{{.State.StartedAt}} {{.State.Status}}', outage.production.name]),
    };
    const incidentDir = join(work, 'dry-run');
    const run = await runCli([...restoreArgs(incidentDir), '--dry-run'], { env: { HOME: sshd.home, SSH_AUTH_SOCK: '' } });
    expect({ exit: run.exitCode, stderr: run.exitCode === 4 ? '' : run.stderr.slice(-2000) }).toEqual({ exit: 4, stderr: '' });
    // The app writes to its own files, so its .db/-wal/-shm move on; the backups and everything else must not.
    const after = hashTree(outage.productionData);
    const isAppFile = (name: string) => /^app\.db(-wal|-shm)?$/.test(name);
    expect(Object.fromEntries(Object.entries(after).filter(([name]) => !isAppFile(name)))).toEqual(
      Object.fromEntries(Object.entries(before.data).filter(([name]) => !isAppFile(name))),
    );
    expect(
      Object.keys(after)
        .filter((name) => !isAppFile(name))
        .sort(),
    ).toEqual(['backups/', 'backups/daily-1.db', 'backups/daily-2.db', 'backups/daily-3.db']);
    expect(await docker(['inspect', '--format', '{{.State.StartedAt}} {{.State.Status}}', outage.production.name])).toBe(before.state);
    expect(existsSync(`/tmp/sqlite-rescue/${(run.events[0] as { incidentId: string }).incidentId}`)).toBe(false);
  });

  it('the full recovery through the alias: uploaded before the downtime, swapped on the server, verified', async () => {
    const incidentDir = join(work, 'incident');
    const run = await runCli(restoreArgs(incidentDir), { env: { HOME: sshd.home, SSH_AUTH_SOCK: '' } });
    expect({ exit: run.exitCode, stderr: run.exitCode === 0 ? '' : run.stderr.slice(-3000) }).toEqual({ exit: 0, stderr: '' });
    const succeeded = run.events.flatMap((event) => (event.type === 'step-succeeded' ? [event.stepId] : []));
    expect(succeeded).toHaveLength(10);

    // The upload finished (and was checked) before the app was stopped.
    const at = (predicate: (event: (typeof run.events)[number]) => boolean) => run.events.findIndex(predicate);
    const uploaded = at((event) => event.type === 'finding' && event.text.startsWith('uploaded '));
    const stopped = at((event) => event.type === 'step-started' && event.stepId === 'stop-app');
    expect(uploaded).toBeGreaterThan(-1);
    expect(uploaded).toBeLessThan(stopped);

    const incidentId = (run.events[0] as { incidentId: string }).incidentId;
    const snapshotSha = sha256File(join(incidentDir, 'snapshot.db'));
    expect(sha256File(`/tmp/sqlite-rescue/${incidentId}/snapshot.db`)).toBe(snapshotSha);
    expect(readdirSync(`/tmp/sqlite-rescue/${incidentId}`)).toEqual(['snapshot.db']);

    expect((await docker(['exec', outage.production.name, 'sqlite3', '-readonly', DB, 'PRAGMA integrity_check;'])).trim()).toBe('ok');
    const count = JSON.parse(
      await docker([
        'exec',
        outage.production.name,
        'sqlite3',
        '-readonly',
        '-json',
        DB,
        `SELECT count(*) AS n FROM events WHERE id <= ${outage.local.maxEventId};`,
      ]),
    );
    expect(count).toEqual([{ n: outage.local.counts.events }]);

    const report = readFileSync(join(incidentDir, 'report.md'), 'utf8');
    expect(report).toContain(`connected to root@127.0.0.1:${sshd.port} over SSH (host key ${sshd.hostKeyFingerprint}, known)`);
    expect(report).toMatch(/Docker API via ssh root@127\.0\.0\.1:\d+ → \/var\/run\/docker\.sock \((streamlocal|dial-stdio)\)/);
    expect(report).toContain(`sha256 on the server ${snapshotSha}, here ${snapshotSha}`);
    expect(report).toMatch(
      /uploaded \d+ bytes to root@127\.0\.0\.1:\/tmp\/sqlite-rescue\/\S+\/snapshot\.db in [\d.]+ s and copied beside the database in [\d.]+ s/,
    );
  }, 120_000);
});
