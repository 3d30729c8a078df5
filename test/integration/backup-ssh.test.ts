// backup --host through a real OpenSSH server in front of the real Docker engine, as an operator's cron on a laptop or
// a bastion would run it: the same sound backup while the app commits every 100 ms, with and without sqlite3 in the
// app's image, pulled back over the same connection with --to.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/backup/manifest.js';
import { runCli } from '../support/cli.js';
import { APP_IMAGE } from '../support/docker/ensure-test-images.js';
import { makeTestPrefix, removeTestResources } from '../support/docker/app-container.js';
import { DISC_NOFIND_IMAGE, ensureDiscoveryImages } from '../support/docker/discovery-images.js';
import { startSshd, TEST_ALIAS, type Sshd } from '../support/sshd/sshd.js';
import { hostSql, maxEventId, maxEventIdInMainFile, startWritingApp, waitFor, type WritingApp } from '../support/backup-app.js';

const prefix = makeTestPrefix('bkssh');
const work = mkdtempSync(join(tmpdir(), 'backup-ssh-'));
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
let sshd: Sshd;

beforeAll(async () => {
  [sshd] = await Promise.all([startSshd(), ensureDiscoveryImages()]);
}, 180_000);

afterAll(async () => {
  await sshd?.stop();
  await removeTestResources(prefix);
  rmSync(work, { recursive: true, force: true });
});

describe.each([
  ['with sqlite3 in the image', APP_IMAGE, 'c'],
  ['without sqlite3 in the image', DISC_NOFIND_IMAGE, 'h'],
])('backup --host %s', (_label, image, label) => {
  let app: WritingApp;

  beforeAll(async () => {
    app = await startWritingApp({ name: `${prefix}${label}-app`, image, rows: 20_000 });
    await waitFor(
      'rows only in the -wal',
      () => existsSync(join(app.data, 'app.db-wal')) && maxEventId(app) > maxEventIdInMainFile(app) + 5,
    );
  }, 120_000);

  it('takes a sound backup through the SSH tunnel and pulls it here, sha256 checked', async () => {
    const committed = maxEventId(app);
    const inMainFile = maxEventIdInMainFile(app);
    const to = join(work, `pulled-${label}`);
    const started = Date.now();
    const run = await runCli(['backup', '--json', '--host', TEST_ALIAS, '--container', app.name, '--db', '/data/app.db', '--to', to], {
      env: { HOME: sshd.home, SSH_AUTH_SOCK: '', XDG_STATE_HOME: join(work, 'state') },
    });
    const ms = Date.now() - started;
    expect(run.exitCode, run.stderr).toBe(0);
    expect(ms).toBeLessThan(90_000);
    const connected = run.events.find((event) => event.type === 'finding' && event.text.startsWith('connected to root@127.0.0.1'));
    expect(connected).toBeDefined();
    const name = (
      run.events.find((event) => event.type === 'step-succeeded' && event.stepId === 'take-backup') as { data: { name: string } }
    ).data.name;
    const file = join(app.data, 'backups', name);
    expect(hostSql(file, 'PRAGMA integrity_check;')).toBe('ok');
    expect([...readFileSync(file).subarray(18, 20)]).toEqual([1, 1]);
    const maxInBackup = Number(hostSql(file, 'SELECT max(id) FROM events;'));
    expect(maxInBackup).toBeGreaterThanOrEqual(committed);
    expect(maxInBackup).toBeGreaterThan(inMainFile);
    expect(readdirSync(to).sort()).toEqual([name, `${name}.json`, `${name}.sha256`]);
    expect(sha256(join(to, name))).toBe(sha256(file));
    expect(parseManifest(readFileSync(join(to, `${name}.json`), 'utf8'))?.sha256).toBe(sha256(file));
    console.log(`[backup --host ${label}] ${ms} ms`);
  }, 180_000);
});
