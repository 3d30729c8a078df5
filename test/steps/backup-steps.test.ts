// backup's steps through the real engine against the fakes: the exact commands, the files they leave, and what a
// failure leaves (nothing under a final name, nothing half-written under a temporary one).
import { describe, expect, it } from 'vitest';
import { parseManifest, manifestText, type BackupManifest } from '../../src/backup/manifest.js';
import { findBackupTarget } from '../../src/steps/find-backup-target.js';
import { pruneBackups } from '../../src/steps/prune-backups.js';
import { pullBackup } from '../../src/steps/pull-backup.js';
import { takeBackup } from '../../src/steps/take-backup.js';
import { fakeDb } from '../fakes/fake-db.js';
import { sha256Of } from '../fakes/fake-local-files.js';
import { execArgvs, runSteps } from '../fakes/run-step.js';
import { backupWorld, DB, TOOL_REF, type BackupWorld } from '../fakes/backup-world.js';

const STEPS = [findBackupTarget, takeBackup, pullBackup, pruneBackups];
const NAME = 'app-2025-01-01-0200.db';
const FINAL = `/data/backups/${NAME}`;

const backups = (world: BackupWorld) => world.runtime.listFiles('app', '/data/backups');

function manifestFor(name: string, takenAt: string, database = DB): BackupManifest {
  return {
    tool: 'sqlite-rescue',
    manifestVersion: 1,
    kind: 'backup',
    database,
    container: 'app',
    image: 'x',
    file: name,
    takenAt,
    takenBy: 'VACUUM INTO by sqlite3 in the container',
    durationMs: 1,
    bytes: 1,
    sha256: 'f'.repeat(64),
    journalMode: 'delete',
    integrityCheck: 'ok',
    tables: {},
  };
}

function putOwnBackup(world: BackupWorld, name: string, takenAt: string, database = DB): void {
  world.runtime.putFile('app', `/data/backups/${name}`, fakeDb({ tables: { events: 1 }, note: name }));
  world.runtime.putFile('app', `/data/backups/${name}.sha256`, `${'f'.repeat(64)}  ${name}\n`);
  world.runtime.putFile('app', `/data/backups/${name}.json`, manifestText(manifestFor(name, takenAt, database)));
}

describe('backup in the app container', () => {
  it('VACUUM INTO a .partial, rollback mode, checked whole, then ln to its final name; sidecars beside it; nothing else', async () => {
    const world = backupWorld();
    const run = await runSteps(STEPS, world.deps);
    expect(run.failed).toBeUndefined();
    expect(run.exitCode).toBe(0);
    const partial = `${FINAL}.partial`;
    const take = execArgvs(run).filter((argv) => !(argv[0] === 'sh' && argv[1] === '-c'));
    expect(take).toEqual([
      ['df', '-Pk', '/data'],
      ['mkdir', '-p', '/data/backups'],
      ['timeout', '-s', 'KILL', '61', 'sqlite3', '-readonly', DB, `PRAGMA busy_timeout=10000; VACUUM INTO '${partial}';`],
      ['sqlite3', partial, 'PRAGMA journal_mode=DELETE;'],
      ['sqlite3', '-readonly', `file:${partial}?immutable=1`, 'PRAGMA mmap_size=2147418112; PRAGMA integrity_check;'],
      ['sha256sum', partial],
      [
        'sqlite3',
        '-readonly',
        '-json',
        `file:${partial}?immutable=1`,
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name;",
      ],
      [
        'sqlite3',
        '-readonly',
        '-json',
        `file:${partial}?immutable=1`,
        `SELECT 'events' AS name, count(*) AS n FROM "events" UNION ALL SELECT 'users' AS name, count(*) AS n FROM "users";`,
      ],
      ['ln', partial, FINAL],
      ['mv', `${FINAL}.sha256.partial`, `${FINAL}.sha256`],
      ['mv', `${FINAL}.json.partial`, `${FINAL}.json`],
      ['rm', '-f', '--', partial],
      ['sync', '-f', '/data/backups'],
    ]);
    expect(backups(world)).toEqual([FINAL, `${FINAL}.json`, `${FINAL}.sha256`]);
    const content = world.runtime.fileAt('app', FINAL)?.content as Buffer;
    expect(world.runtime.fileAt('app', `${FINAL}.sha256`)?.content.toString()).toBe(`${sha256Of(content)}  ${NAME}\n`);
    const manifest = parseManifest(world.runtime.fileAt('app', `${FINAL}.json`)?.content.toString() ?? '');
    expect(manifest).toMatchObject({
      database: DB,
      file: NAME,
      sha256: sha256Of(content),
      tables: { events: 120, users: 4 },
      journalMode: 'delete',
      integrityCheck: 'ok',
      takenAt: '2025-01-01T02:00:00.000Z',
    });
    // The live database and its sidecars are as they were.
    expect(world.runtime.fileAt('app', `${DB}-wal`)?.content.toString()).toBe('wal frames');
    expect(run.commands.filter((command) => command.action.mutates).every((command) => command.phase === 'action')).toBe(true);
  });

  it('a second backup in the same minute gets a suffix and leaves the first byte for byte', async () => {
    const world = backupWorld();
    await runSteps(STEPS, world.deps);
    const first = Buffer.from(world.runtime.fileAt('app', FINAL)?.content as Buffer);
    world.runtime.putFile('app', DB, fakeDb({ tables: { events: 121, users: 4 } }));
    world.deps.facts = {};
    const second = await runSteps(STEPS, world.deps);
    expect(second.exitCode).toBe(0);
    expect(world.runtime.fileAt('app', FINAL)?.content.equals(first)).toBe(true);
    expect(backups(world)).toContain('/data/backups/app-2025-01-01-0200-2.db');
    expect(
      parseManifest(world.runtime.fileAt('app', '/data/backups/app-2025-01-01-0200-2.db.json')?.content.toString() ?? '')?.tables.events,
    ).toBe(121);
  });

  it('--to: copied here into a folder of its own, sha256 checked, then named in DIR', async () => {
    const world = backupWorld({ to: '/home/op/backups' });
    const run = await runSteps(STEPS, world.deps);
    expect(run.exitCode).toBe(0);
    const here = [...world.files.files.keys()].filter((path) => path.startsWith('/home/op/backups/')).sort();
    expect(here).toEqual([`/home/op/backups/${NAME}`, `/home/op/backups/${NAME}.json`, `/home/op/backups/${NAME}.sha256`]);
    expect(world.files.read(`/home/op/backups/${NAME}`).equals(world.runtime.fileAt('app', FINAL)?.content as Buffer)).toBe(true);
    expect(run.findings.some((text) => text.startsWith(`copied to /home/op/backups/${NAME}: sha256`))).toBe(true);
  });

  it('--to never replaces a file already there', async () => {
    const world = backupWorld({ to: '/home/op/backups' });
    world.files.put(`/home/op/backups/${NAME}`, 'mine');
    const run = await runSteps(STEPS, world.deps);
    expect(run.exitCode).toBe(1);
    expect(run.failed?.message).toContain(`/home/op/backups/${NAME} already exists`);
    expect(world.files.read(`/home/op/backups/${NAME}`).toString()).toBe('mine');
    // The backup itself is taken and in place: only the copy here was refused.
    expect(backups(world)).toContain(FINAL);
  });

  it('--keep 3 removes only the oldest of its own backups of this database, each file named, nothing else', async () => {
    const world = backupWorld({ keep: 3 });
    putOwnBackup(world, 'app-2024-12-31-0000.db', '2024-12-31T00:00:00.000Z');
    putOwnBackup(world, 'app-2024-12-31-0600.db', '2024-12-31T06:00:00.000Z');
    putOwnBackup(world, 'app-2024-12-31-1200.db', '2024-12-31T12:00:00.000Z');
    putOwnBackup(world, 'app-2024-12-31-1800.db', '2024-12-31T18:00:00.000Z');
    // Named like ours but no manifest; ours in name and manifest but of another database; an old daily copy.
    world.runtime.putFile('app', '/data/backups/app-2024-12-30-0000.db', fakeDb({ tables: { events: 1 } }));
    putOwnBackup(world, 'app-2024-12-29-0000.db', '2024-12-29T00:00:00.000Z', '/data/other.db');
    world.runtime.putFile('app', '/data/backups/daily-1.db', fakeDb({ tables: { events: 1 } }));
    const before = backups(world);
    const run = await runSteps(STEPS, world.deps);
    expect(run.exitCode).toBe(0);
    const removals = execArgvs(run).filter((argv) => argv[0] === 'rm' && argv.length > 4);
    expect(removals).toEqual([
      [
        'rm',
        '-f',
        '--',
        '/data/backups/app-2024-12-31-0000.db',
        '/data/backups/app-2024-12-31-0000.db.sha256',
        '/data/backups/app-2024-12-31-0000.db.json',
      ],
      [
        'rm',
        '-f',
        '--',
        '/data/backups/app-2024-12-31-0600.db',
        '/data/backups/app-2024-12-31-0600.db.sha256',
        '/data/backups/app-2024-12-31-0600.db.json',
      ],
    ]);
    const removed = removals.flatMap((argv) => argv.slice(3));
    expect(backups(world).sort()).toEqual(
      [...before.filter((path) => !removed.includes(path)), FINAL, `${FINAL}.json`, `${FINAL}.sha256`].sort(),
    );
    expect(run.planned.get('prune-backups')?.map((action) => action.mutates)).toEqual([true, true]);
  });

  it('a dry-run changes nothing and prints the backup and the prune it would make', async () => {
    const world = backupWorld({ keep: 1 });
    putOwnBackup(world, 'app-2024-12-31-0000.db', '2024-12-31T00:00:00.000Z');
    const before = backups(world);
    const run = await runSteps(STEPS, world.deps, { isDryRun: true });
    expect(run.exitCode).toBe(0);
    expect(backups(world)).toEqual(before);
    expect(run.commands.some((command) => command.action.mutates)).toBe(false);
    const printed = run.events.flatMap((event) => (event.type === 'step-not-performed' ? event.commands : []));
    expect(printed.some((line) => line.includes(`VACUUM INTO '\\''${FINAL}.partial'\\''`))).toBe(true);
    expect(printed).toContain(
      'docker exec app rm -f -- /data/backups/app-2024-12-31-0000.db /data/backups/app-2024-12-31-0000.db.sha256 ' +
        '/data/backups/app-2024-12-31-0000.db.json',
    );
  });
});

describe('backup when the image has no sqlite3', () => {
  it('imports the tool image once, runs every command in a helper from it as root on the volumes, and removes the helper', async () => {
    const world = backupWorld();
    world.runtime.appLacks.add('sqlite3');
    const run = await runSteps(STEPS, world.deps);
    expect(run.failed).toBeUndefined();
    const calls = world.runtime.calls.map((call) => call.method);
    expect(calls.filter((method) => method === 'importImage')).toHaveLength(1);
    const helper = world.runtime.calls.find((call) => call.method === 'startHelper')?.args[1];
    expect(helper).toMatchObject({ image: TOOL_REF, user: '0:0', label: world.deps.incident.id });
    const vacuum = run.commands.find(
      (command) =>
        command.action.kind === 'argv' && command.action.argv.includes('-readonly') && command.action.argv.at(-1)?.includes('VACUUM INTO'),
    );
    expect(vacuum?.action).toMatchObject({ where: 'helper', container: `app-rescue-${world.deps.incident.id}-backup` });
    expect(calls.at(-1)).toBe('removeHelper');
    expect(backups(world)).toEqual([FINAL, `${FINAL}.json`, `${FINAL}.sha256`]);
    expect((await world.runtime.listContainers()).map((container) => container.name)).toEqual(['app']);

    world.deps.facts = {};
    const again = await runSteps(STEPS, world.deps);
    expect(again.exitCode).toBe(0);
    expect(world.runtime.calls.filter((call) => call.method === 'importImage')).toHaveLength(1);
  });
});

describe('backup refuses or fails cleanly', () => {
  it('a --db that is not SQLite: exit 2, nothing run in the container but the look at its first bytes', async () => {
    const world = backupWorld();
    world.runtime.putFile('app', DB, 'just text, not a database\n');
    const run = await runSteps(STEPS, world.deps);
    expect(run.exitCode).toBe(2);
    expect(run.failed?.message).toBe(`${DB} in app is not a SQLite database (it does not start with "SQLite format 3")`);
    expect(execArgvs(run)).toEqual([]);
    expect(backups(world)).toEqual([]);
  });

  it('a disk that fills up: exit 1 naming the folder, the partial and its journal removed, no final name', async () => {
    const world = backupWorld();
    world.runtime.diskFillsUp = true;
    const run = await runSteps(STEPS, world.deps);
    expect(run.exitCode).toBe(1);
    expect(run.failed?.message).toContain('the disk holding /data/backups in app filled up');
    expect(run.failed?.hint).toContain('free space');
    const cleanup = run.commands
      .filter((command) => command.phase === 'cleanup')
      .map((command) => (command.action.kind === 'argv' ? command.action.argv : []));
    expect(cleanup).toEqual([
      ['rm', '-f', '--', `${FINAL}.partial`, `${FINAL}.partial-journal`, `${FINAL}.sha256.partial`, `${FINAL}.json.partial`],
    ]);
    expect(backups(world)).toEqual([]);
  });

  it('not enough space by df: refused before anything is written', async () => {
    const world = backupWorld();
    world.runtime.freeBytes = 10;
    const run = await runSteps(STEPS, world.deps);
    expect(run.exitCode).toBe(1);
    const liveBytes =
      (world.runtime.fileAt('app', DB)?.content.length ?? 0) + (world.runtime.fileAt('app', `${DB}-wal`)?.content.length ?? 0);
    expect(run.failed?.message).toBe(
      `not enough space for the backup in /data in app: 0 bytes free, the database and its -wal are ${liveBytes} bytes`,
    );
    expect(run.commands.some((command) => command.action.mutates)).toBe(false);
  });

  it('a damaged live database: its snapshot fails integrity_check, nothing is kept, and the restore is pointed to', async () => {
    const world = backupWorld();
    world.runtime.putFile('app', DB, fakeDb({ tables: { events: 120 }, indexErrors: ['row 7 missing from index events_at'] }));
    const run = await runSteps(STEPS, world.deps);
    expect(run.exitCode).toBe(1);
    expect(run.failed?.message).toContain('fails integrity_check: row 7 missing from index events_at');
    expect(run.failed?.hint).toContain('sqlite-rescue restore --dry-run');
    expect(backups(world)).toEqual([]);
  });

  it('without --db, the database is found by discovery or refused with the candidates', async () => {
    const world = backupWorld({}, { container: 'app' });
    const run = await runSteps([findBackupTarget], world.deps);
    // Discovery finds the fake's database by its header, but the app holds no file open: which one is live is not
    // known, so --yes-style backup refuses, listing the candidate, and says to pass --db.
    expect(run.exitCode).toBe(2);
    expect(run.failed?.message).toBe(
      '1 SQLite database on the volumes of app, none of them open by the app (it has none open):\n  /data/app.db',
    );
    expect(run.failed?.hint).toContain('--db');
  });
});
