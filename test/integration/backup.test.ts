// `sqlite-rescue backup` against the real Docker engine, as cron would run it: the app commits every 100 ms through
// one WAL connection while the backup is taken, in an image with sqlite3 and in one without it; then the failures an
// operator can walk into. Every resource is named with this file's prefix and removed after.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/backup/manifest.js';
import { runCli } from '../support/cli.js';
import { APP_IMAGE } from '../support/docker/ensure-test-images.js';
import { makeTestPrefix, removeTestResources } from '../support/docker/app-container.js';
import { docker, tryDocker } from '../support/docker/docker-cli.js';
import { DISC_NOFIND_IMAGE, ensureDiscoveryImages } from '../support/docker/discovery-images.js';
import { hostSql, maxEventId, maxEventIdInMainFile, startWritingApp, waitFor, type WritingApp } from '../support/backup-app.js';

const prefix = makeTestPrefix('bkp');
const work = mkdtempSync(join(tmpdir(), 'backup-it-'));
const state = join(work, 'state');
const env = { XDG_STATE_HOME: state };
const mounts: string[] = [];
let toolImagesBefore: string[] = [];

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const ourBackups = (app: WritingApp) => (existsSync(join(app.data, 'backups')) ? readdirSync(join(app.data, 'backups')).sort() : []);
const toolImages = async () =>
  (await docker(['images', '--format', '{{.Repository}}:{{.Tag}}', 'sqlite-rescue/sqlite3'])).split('\n').filter(Boolean);

async function mountTmpfs(dir: string, options: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await execa('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]);
  mounts.push(dir);
}

async function backup(args: string[]) {
  const started = Date.now();
  const run = await runCli(['backup', '--json', ...args], { env });
  return { ...run, ms: Date.now() - started };
}

function finished(run: Awaited<ReturnType<typeof backup>>) {
  return run.events.find((event) => event.type === 'run-finished') as
    Extract<(typeof run.events)[number], { type: 'run-finished' }> | undefined;
}

beforeAll(async () => {
  await ensureDiscoveryImages();
  toolImagesBefore = await toolImages();
}, 180_000);

afterAll(async () => {
  await removeTestResources(prefix);
  for (const dir of mounts.reverse()) await execa('umount', [dir], { reject: false });
  for (const image of await toolImages()) if (!toolImagesBefore.includes(image)) await tryDocker(['rmi', image]);
  rmSync(work, { recursive: true, force: true });
});

// What every backup must be: complete under its final name, checked, in rollback-journal mode, with every row the app
// had committed when it began — those only in the -wal included.
function expectSoundBackup(app: WritingApp, name: string, committedBefore: number, onlyInWalAbove: number): void {
  const file = join(app.data, 'backups', name);
  expect(hostSql(file, 'PRAGMA integrity_check;')).toBe('ok');
  const header = readFileSync(file).subarray(18, 20);
  expect([...header]).toEqual([1, 1]);
  const copy = join(work, `open-${name}`);
  writeFileSync(copy, readFileSync(file));
  // Opening it read-write and writing leaves no -wal: it is in rollback-journal mode.
  hostSql(copy, 'CREATE TABLE opened(x); DROP TABLE opened;', { readonly: false });
  expect(existsSync(`${copy}-wal`)).toBe(false);
  const maxInBackup = Number(hostSql(file, 'SELECT max(id) FROM events;'));
  expect(maxInBackup).toBeGreaterThanOrEqual(committedBefore);
  expect(maxInBackup).toBeGreaterThan(onlyInWalAbove);
  const manifest = parseManifest(readFileSync(`${file}.json`, 'utf8'));
  expect(manifest).toMatchObject({
    database: '/data/app.db',
    file: name,
    sha256: sha256(file),
    integrityCheck: 'ok',
    journalMode: 'delete',
  });
  expect(manifest?.tables.events).toBe(Number(hostSql(file, 'SELECT count(*) FROM events;')));
  expect(readFileSync(`${file}.sha256`, 'utf8')).toBe(`${sha256(file)}  ${name}\n`);
}

describe.each([
  ['an image with sqlite3: in the container', APP_IMAGE, 'container'],
  ['an image without sqlite3: in a helper from the tool image', DISC_NOFIND_IMAGE, 'helper'],
])('backup while the app commits every 100 ms — %s', (_label, image, where) => {
  let app: WritingApp;
  const label = where === 'container' ? 'c' : 'h';

  beforeAll(async () => {
    app = await startWritingApp({ name: `${prefix}${label}-app`, image, rows: 30_000, labels: { 'coolify.pullRequestId': '0' } });
    await waitFor(
      'rows that live only in the -wal',
      () => existsSync(join(app.data, 'app.db-wal')) && maxEventId(app) > maxEventIdInMainFile(app) + 5,
    );
    mkdirSync(join(app.data, 'backups'), { recursive: true });
    writeFileSync(join(app.data, 'backups', 'notes.txt'), 'not a backup: never touched\n');
    writeFileSync(join(app.data, 'backups', 'app-2020-01-01-0000.db'), 'named like ours, without a manifest: never touched\n');
  }, 120_000);

  it('finishes in bounded time with a sound backup, then a second one in the same hour beside it; --to pulls it here', async () => {
    const committed = maxEventId(app);
    const inMainFile = maxEventIdInMainFile(app);
    expect(committed).toBeGreaterThan(inMainFile);
    const to = join(work, `pulled-${label}`);
    const first = await backup(['--container', app.name, '--db', '/data/app.db', '--to', to]);
    expect(first.stderr).not.toMatch(/\n\s+at /);
    expect(first.exitCode, first.stderr).toBe(0);
    // Bounded: a 30,000-row database under the writer, helper start and checks included.
    expect(first.ms).toBeLessThan(60_000);
    const taken = first.events.find((event) => event.type === 'step-succeeded' && event.stepId === 'take-backup');
    const name = (taken as { data: { name: string } }).data.name;
    expect(name).toMatch(/^app-\d{4}-\d\d-\d\d-\d{4}\.db$/);
    expectSoundBackup(app, name, committed, inMainFile);
    expect(readdirSync(to).sort()).toEqual([name, `${name}.json`, `${name}.sha256`]);
    expect(sha256(join(to, name))).toBe(sha256(join(app.data, 'backups', name)));
    const firstHash = sha256(join(app.data, 'backups', name));
    const vacuum = first.events.find(
      (event) =>
        event.type === 'command' &&
        event.command.action.kind === 'argv' &&
        event.command.action.argv.some((arg) => arg.includes('VACUUM INTO')),
    );
    expect(
      vacuum?.type === 'command' && vacuum.command.action.kind === 'argv'
        ? { where: vacuum.command.action.where, argv: vacuum.command.action.argv.slice(0, 4) }
        : undefined,
    ).toEqual({ where, argv: ['timeout', '-s', 'KILL', expect.stringMatching(/^\d+$/)] });
    console.log(
      `[backup ${where}] whole run ${first.ms} ms; VACUUM INTO ${vacuum?.type === 'command' ? vacuum.command.durationMs : '?'} ms`,
    );

    const committedAgain = maxEventId(app);
    const second = await backup(['--container', app.name, '--db', '/data/app.db']);
    expect(second.exitCode, second.stderr).toBe(0);
    const secondName = (
      second.events.find((event) => event.type === 'step-succeeded' && event.stepId === 'take-backup') as { data: { name: string } }
    ).data.name;
    expect(secondName).not.toBe(name);
    expect(secondName.slice(0, 'app-YYYY-MM-DD-HH'.length)).toBe(name.slice(0, 'app-YYYY-MM-DD-HH'.length));
    expect(sha256(join(app.data, 'backups', name))).toBe(firstHash);
    expectSoundBackup(app, secondName, committedAgain, inMainFile);
    // No helper is left behind, and no temporary name.
    expect(ourBackups(app).some((file) => file.includes('.partial'))).toBe(false);
    expect((await docker(['ps', '-a', '--filter', `name=${app.name}-rescue`, '--format', '{{.Names}}'])).trim()).toBe('');
  }, 180_000);

  it('--keep 3 leaves exactly the three newest it made, and touches nothing else', async () => {
    const made = (list: string[]) =>
      list.filter((file) => /^app-\d{4}-\d\d-\d\d-\d{4}(-\d+)?\.db$/.test(file) && existsSync(join(app.data, 'backups', `${file}.json`)));
    const before = ourBackups(app);
    const takenAt = new Map<string, string>();
    const remember = (names: string[]) =>
      names.forEach((file) =>
        takenAt.set(file, parseManifest(readFileSync(join(app.data, 'backups', `${file}.json`), 'utf8'))?.takenAt ?? ''),
      );
    const madeBefore = made(before);
    remember(madeBefore);
    expect(madeBefore).toHaveLength(2);
    for (let run = 0; run < 2; run += 1)
      expect((await backup(['--container', app.name, '--db', '/data/app.db', '--keep', '3'])).exitCode).toBe(0);
    const after = ourBackups(app);
    const kept = made(after);
    remember(kept);
    expect(kept).toHaveLength(3);
    // The oldest of the four made by now went, with its sidecars; the files not made by backup are untouched.
    const oldestFirst = (names: string[]) => [...names].sort((a, b) => (takenAt.get(a) as string).localeCompare(takenAt.get(b) as string));
    const all = oldestFirst([...madeBefore, ...kept.filter((file) => !before.includes(file))]);
    expect(all).toHaveLength(4);
    expect(oldestFirst(kept)).toEqual(all.slice(1));
    expect(after.some((file) => file.startsWith(all[0]))).toBe(false);
    expect(after).toContain('notes.txt');
    expect(after).toContain('app-2020-01-01-0000.db');
    expect(after.filter((file) => file.endsWith('.json'))).toHaveLength(3);
  }, 180_000);
});

describe('backup refuses or fails cleanly, leaving nothing under a final name', () => {
  let app: WritingApp;
  let noDf: WritingApp;
  const fullA = join(work, 'full-a');
  const fullB = join(work, 'full-b');

  beforeAll(async () => {
    await mountTmpfs(fullA, 'size=256k');
    await mountTmpfs(fullB, 'size=256k');
    [app, noDf] = await Promise.all([
      startWritingApp({ name: `${prefix}bad-app`, image: APP_IMAGE, rows: 8_000, args: ['-v', `${fullA}:/data/backups`] }),
      startWritingApp({ name: `${prefix}bad-nodf`, image: DISC_NOFIND_IMAGE, rows: 8_000, args: ['-v', `${fullB}:/data/backups`] }),
    ]);
    await waitFor('both apps writing', () => existsSync(join(app.data, 'app.db-wal')) && existsSync(join(noDf.data, 'app.db-wal')));
  }, 120_000);

  it('a --to that is not writable: exit 2 before anything is connected or written', async () => {
    const readOnly = join(work, 'read-only');
    await mountTmpfs(readOnly, 'size=64k,ro');
    const run = await backup(['--container', app.name, '--db', '/data/app.db', '--to', join(readOnly, 'here')]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(`--to ${join(readOnly, 'here')}: ${readOnly} is on a read-only filesystem`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.events).toEqual([]);
    expect(readdirSync(fullA)).toEqual([]);
  });

  it('a full disk, seen by df first: exit 1 naming the folder and the sizes; nothing written', async () => {
    const run = await backup(['--container', app.name, '--db', '/data/app.db']);
    expect(run.exitCode).toBe(1);
    expect(finished(run)?.headline).toMatch(
      /not enough space for the backup in \/data\/backups in .*bad-app: \d+ bytes free, the database and its -wal are \d+ bytes/,
    );
    expect(readdirSync(fullA)).toEqual([]);
  });

  it('a full disk without df in the image: SQLite fills it, says so, and the partial and its journal are removed', async () => {
    const run = await backup(['--container', noDf.name, '--db', '/data/app.db']);
    expect(run.exitCode).toBe(1);
    expect(finished(run)?.headline).toContain(`the disk holding /data/backups in ${noDf.name} filled up while the backup was written`);
    expect(readdirSync(fullB)).toEqual([]);
    expect((await docker(['ps', '-a', '--filter', `name=${noDf.name}-rescue`, '--format', '{{.Names}}'])).trim()).toBe('');
  });

  it('a database that is not SQLite: exit 2, nothing written', async () => {
    writeFileSync(join(app.data, 'settings.db'), 'this is a text file, not a database\n'.repeat(10));
    const run = await backup(['--container', app.name, '--db', '/data/settings.db']);
    expect(run.exitCode).toBe(2);
    expect(finished(run)?.headline).toContain('/data/settings.db in');
    expect(run.stderr).toContain('is not a SQLite database (it does not start with "SQLite format 3")');
    expect(readdirSync(fullA)).toEqual([]);
  });

  it('a --db that does not exist, a --keep that is not a number: exit 2 with what to type', async () => {
    const missing = await backup(['--container', app.name, '--db', '/data/nope.db']);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('/data/nope.db does not exist in');
    const keep = await backup(['--container', app.name, '--db', '/data/app.db', '--keep', 'many']);
    expect(keep.exitCode).toBe(2);
    expect(keep.stderr).toContain('--keep many: must be a whole number of backups, 1 or more');
  });
});
