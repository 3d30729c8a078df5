import { describe, expect, it } from 'vitest';
import { testBackups } from '../../src/steps/test-backups.js';
import { makeDeps, type TestWorld } from '../fakes/make-deps.js';
import { BACKUP_TABLES, DB, setUpOutage } from '../fakes/outage.js';
import { LIST_TABLES_SQL } from '../fakes/fake-container-runtime.js';
import { runStep } from '../fakes/run-step.js';
import type { RestoreOptions } from '../../src/steps/deps.js';

async function outage(options: RestoreOptions = {}): Promise<TestWorld> {
  const world = makeDeps({ container: 'app', db: DB, ...options });
  setUpOutage(world);
  world.facts.container = await world.runtime.inspect('app');
  world.facts.hasSqlite3 = true;
  return world;
}

describe('test-backups', () => {
  it('checks every file matching the default glob, immutable, and counts rows of the healthy ones', async () => {
    const world = await outage();
    const run = await runStep(testBackups, world.deps);
    expect(run.exitCode).toBe(0);
    const good = 'file:/data/backups/2024-12-31.db?immutable=1';
    const bad = 'file:/data/backups/2025-01-01.db?immutable=1';
    expect(world.runtime.execArgvs()).toEqual([
      ['find', '/data/backups', '-maxdepth', '1', '-type', 'f', '-print0'],
      ['sqlite3', '-readonly', good, 'PRAGMA integrity_check;'],
      ['sqlite3', '-readonly', bad, 'PRAGMA integrity_check;'],
      ['sqlite3', '-readonly', '-json', good, LIST_TABLES_SQL],
      ['sqlite3', '-readonly', '-json', good, `SELECT 'posts' AS name, count(*) AS n FROM "posts" UNION ALL SELECT 'users' AS name, count(*) AS n FROM "users";`],
    ]);
    expect(world.facts.backups).toMatchObject([
      { path: '/data/backups/2024-12-31.db', ok: true, tables: BACKUP_TABLES, mtime: '2024-12-31T00:00:00.000Z', via: 'sqlite3 in the container' },
      { path: '/data/backups/2025-01-01.db', ok: false, errors: ['Error: database disk image is malformed'], errorCount: 1, tables: undefined },
    ]);
    expect(run.findings).toEqual(['1 of 2 backups pass integrity_check']);
    expect(run.events.find((event) => event.type === 'step-succeeded')).toMatchObject({ summary: '1 of 2 backups healthy' });
    expect(run.events.filter((event) => event.type === 'step-progress').map((event) => event.type === 'step-progress' && event.progress.done)).toEqual([0, 1, 2]);
  });

  it('--backups filters by its last segment', async () => {
    const world = await outage({ backups: '/data/backups/2025-*.db' });
    await runStep(testBackups, world.deps);
    expect(world.facts.backups?.map((report) => report.path)).toEqual(['/data/backups/2025-01-01.db']);
  });

  it('no match: an empty list, not a failure', async () => {
    const world = await outage({ backups: '/data/backups/*.sqlite' });
    const run = await runStep(testBackups, world.deps);
    expect(run.exitCode).toBe(0);
    expect(world.facts.backups).toEqual([]);
    expect(run.findings).toEqual(['no backup matches /data/backups/*.sqlite']);
  });

  it('a missing backups folder is no match either, and runs nothing', async () => {
    const world = await outage({ backups: '/data/old/*.db' });
    const run = await runStep(testBackups, world.deps);
    expect(run.exitCode).toBe(0);
    expect(world.facts.backups).toEqual([]);
    expect(world.runtime.execArgvs()).toEqual([]);
  });

  it('a wildcard in the folder: usage error', async () => {
    const world = await outage({ backups: '/data/*/x.db' });
    const run = await runStep(testBackups, world.deps);
    expect(run.exitCode).toBe(2);
    expect(run.failed?.message).toBe('--backups "/data/*/x.db": only the last part of the path may hold wildcards');
  });

  it('no sqlite3 in the image: each backup copied out and checked here', async () => {
    const world = await outage();
    world.facts.hasSqlite3 = false;
    const run = await runStep(testBackups, world.deps);
    expect(run.exitCode).toBe(0);
    expect(world.runtime.calls.filter((call) => call.method === 'copyOut').map((call) => call.args[1]).sort()).toEqual(['/data/backups/2024-12-31.db', '/data/backups/2025-01-01.db']);
    expect(world.runtime.execArgvs()).toEqual([['find', '/data/backups', '-maxdepth', '1', '-type', 'f', '-print0']]);
    expect(world.facts.backups).toMatchObject([
      { ok: true, tables: BACKUP_TABLES, via: 'a copy checked locally' },
      { ok: false, errors: ['SQLITE_CORRUPT: database disk image is malformed'], via: 'a copy checked locally' },
    ]);
  });
});
