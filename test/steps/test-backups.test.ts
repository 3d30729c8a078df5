import { describe, expect, it } from 'vitest';
import { BACKUP_CHECKS_AT_ONCE, CHECK_LOOP, testBackups } from '../../src/steps/test-backups.js';
import { fakeDb } from '../fakes/fake-db.js';
import { makeDeps, type TestWorld } from '../fakes/make-deps.js';
import { BACKUP_TABLES, DB, settleTarget, setUpOutage } from '../fakes/outage.js';
import { LIST_TABLES_SQL } from '../fakes/fake-container-runtime.js';
import { execArgvs, runStep } from '../fakes/run-step.js';
import { isHealthy } from '../../src/steps/checks.js';
import type { RestoreOptions } from '../../src/steps/deps.js';

async function outage(options: RestoreOptions = {}): Promise<TestWorld> {
  const world = makeDeps({ container: 'app', db: DB, ...options });
  setUpOutage(world);
  await settleTarget(world);
  return world;
}

describe('test-backups', () => {
  it('without --backups: every other SQLite file on the mounts, found by its header, checked immutable; healthy ones counted', async () => {
    const world = await outage();
    world.runtime.putFile('app', '/data/site-data-2026-11-25.sqlite.bak', fakeDb({ tables: BACKUP_TABLES, note: 'odd name' }), {
      mtime: '2024-12-29T00:00:00.000Z',
    });
    const run = await runStep(testBackups, world.deps);
    expect(run.exitCode).toBe(0);
    // Not the live database, not notes.txt (no header); the oddly named one wherever it lives.
    expect(world.facts.backups?.map((report) => report.path)).toEqual([
      '/data/backups/2024-12-31.db',
      '/data/backups/2025-01-01.db',
      '/data/site-data-2026-11-25.sqlite.bak',
    ]);
    expect(run.output).toContain(
      'found /data/site-data-2026-11-25.sqlite.bak (' +
        fakeDb({ tables: BACKUP_TABLES, note: 'odd name' }).length +
        ' bytes, 2024-12-29T00:00:00.000Z) in /data',
    );
    expect(execArgvs(run)[0].slice(0, 2)).toEqual(['sh', '-c']);
    expect(run.findings).toEqual(['2 of 3 backups pass integrity_check (1 failed quick_check already)']);
  });

  it('--backups GLOB: the files matching it, checked immutable; healthy ones counted', async () => {
    const world = await outage({ backups: '/data/backups/*.db' });
    const run = await runStep(testBackups, world.deps);
    expect(run.exitCode).toBe(0);
    const good = 'file:/data/backups/2024-12-31.db?immutable=1';
    const bad = 'file:/data/backups/2025-01-01.db?immutable=1';
    expect(execArgvs(run)).toEqual([
      ['find', '/data/backups', '-maxdepth', '1', '-type', 'f', '-print0'],
      // One exec per group (here one backup each), the paths as arguments of a fixed loop, never in a shell string.
      ['sh', '-c', CHECK_LOOP, 'sh', 'PRAGMA mmap_size=2147418112; PRAGMA quick_check;', '--rescue-000000000000000000000001--', good],
      ['sh', '-c', CHECK_LOOP, 'sh', 'PRAGMA mmap_size=2147418112; PRAGMA quick_check;', '--rescue-000000000000000000000002--', bad],
      // The one that passes quick_check gets the full check, which decides.
      ['sqlite3', '-readonly', good, 'PRAGMA mmap_size=2147418112; PRAGMA integrity_check;'],
      ['sqlite3', '-readonly', '-json', good, LIST_TABLES_SQL],
      [
        'sqlite3',
        '-readonly',
        '-json',
        good,
        `SELECT 'posts' AS name, count(*) AS n FROM "posts" UNION ALL SELECT 'users' AS name, count(*) AS n FROM "users";`,
      ],
    ]);
    expect(world.facts.backups).toMatchObject([
      {
        path: '/data/backups/2024-12-31.db',
        verdict: { verdict: 'ok', check: 'integrity_check', ranBy: 'sqlite3 in the container' },
        tables: BACKUP_TABLES,
        mtime: '2024-12-31T00:00:00.000Z',
      },
      {
        path: '/data/backups/2025-01-01.db',
        verdict: { verdict: 'corrupt', errors: ['Error: database disk image is malformed'], errorCount: 1 },
        tables: undefined,
      },
    ]);
    expect(run.findings).toEqual(['1 of 2 backups pass integrity_check (1 failed quick_check already)']);
    expect(run.events.find((event) => event.type === 'step-succeeded')).toMatchObject({ summary: '1 of 2 backups healthy' });
    expect(
      run.events.filter((event) => event.type === 'step-progress').map((event) => event.type === 'step-progress' && event.progress.done),
    ).toEqual([0, 1, 2]);
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
    expect(execArgvs(run)).toEqual([]);
  });

  it('a wildcard in the folder: usage error', async () => {
    const world = await outage({ backups: '/data/*/x.db' });
    const run = await runStep(testBackups, world.deps);
    expect(run.exitCode).toBe(2);
    expect(run.failed?.message).toBe('--backups "/data/*/x.db": only the last part of the path may hold wildcards');
  });

  it('nine backups: a few execs side by side, each answer given to its own file', async () => {
    const world = await outage({ backups: '/data/many/*.db' });
    const healthy = new Set([1, 4, 8]);
    for (let day = 0; day < 9; day++) {
      const content = healthy.has(day)
        ? fakeDb({ tables: { posts: day } })
        : day === 6
          ? 'torn: not a database'
          : fakeDb({ tables: { posts: day }, errors: [`Page ${day}: never used`] });
      world.runtime.putFile('app', `/data/many/b${day}.db`, content);
    }
    world.runtime.calls.length = 0;
    const run = await runStep(testBackups, world.deps);
    expect(run.exitCode).toBe(0);
    expect(execArgvs(run).filter((argv) => argv[0] === 'sh')).toHaveLength(BACKUP_CHECKS_AT_ONCE);
    expect(
      world.facts.backups?.map((report) => [
        report.path,
        isHealthy(report.verdict),
        isHealthy(report.verdict) ? report.tables?.posts : report.verdict.errors[0],
      ]),
    ).toEqual(
      Array.from({ length: 9 }, (_, day) => [
        `/data/many/b${day}.db`,
        healthy.has(day),
        healthy.has(day) ? day : day === 6 ? 'Error: file is not a database' : `Page ${day}: never used`,
      ]),
    );
    expect(run.findings[0]).toBe('3 of 9 backups pass integrity_check (6 failed quick_check already)');
  });

  it('a copy whose indexes disagree with its table passes quick_check, and integrity_check calls it corrupt', async () => {
    const world = await outage();
    world.runtime.putFile(
      'app',
      '/data/backups/2024-12-31.db',
      fakeDb({ tables: BACKUP_TABLES, indexErrors: ['row 3 missing from index posts_by_day'] }),
    );
    const run = await runStep(testBackups, world.deps);
    expect(run.exitCode).toBe(0);
    expect(world.facts.backups?.map((report) => [isHealthy(report.verdict), report.verdict.check, report.verdict.errors[0]])).toEqual([
      [false, 'integrity_check', 'row 3 missing from index posts_by_day'],
      [false, 'quick_check', 'Error: database disk image is malformed'],
    ]);
    expect(run.findings).toEqual(['0 of 2 backups pass integrity_check (1 failed quick_check already)']);
  });

  it('no sh in the image: one sqlite3 exec per backup', async () => {
    const world = await outage();
    world.runtime.withoutBinary('sh');
    const run = await runStep(testBackups, world.deps);
    expect(run.exitCode).toBe(0);
    expect(
      execArgvs(run)
        .filter((argv) => argv[0] === 'sqlite3' && argv.length === 4)
        .map((argv) => `${argv[2]} ${argv[3].split(' ').at(-1)}`),
    ).toEqual([
      'file:/data/backups/2024-12-31.db?immutable=1 quick_check;',
      'file:/data/backups/2025-01-01.db?immutable=1 quick_check;',
      'file:/data/backups/2024-12-31.db?immutable=1 integrity_check;',
    ]);
    expect(world.facts.backups?.map((report) => isHealthy(report.verdict))).toEqual([true, false]);
  });

  it('sqlite3 missing although the probe saw it: the loop finds out, each backup is copied out and checked here', async () => {
    const world = await outage();
    world.runtime.withoutBinary('sqlite3');
    const run = await runStep(testBackups, world.deps);
    expect(run.exitCode).toBe(0);
    expect(world.facts.backups).toMatchObject([
      { verdict: { verdict: 'ok', ranBy: 'SQLite on this machine', onCopy: true } },
      { verdict: { verdict: 'corrupt', onCopy: true } },
    ]);
  });

  it('no sqlite3 in the image: each backup copied out and checked here', async () => {
    const world = await outage({ backups: '/data/backups/*.db' });
    world.facts.imageTools = world.facts.imageTools?.filter((tool) => tool !== 'sqlite3');
    const run = await runStep(testBackups, world.deps);
    expect(run.exitCode).toBe(0);
    expect(
      world.runtime.calls
        .filter((call) => call.method === 'copyOut')
        .map((call) => call.args[1])
        .sort(),
    ).toEqual(['/data/backups/2024-12-31.db', '/data/backups/2025-01-01.db']);
    expect(execArgvs(run)).toEqual([['find', '/data/backups', '-maxdepth', '1', '-type', 'f', '-print0']]);
    expect(world.facts.backups).toMatchObject([
      { verdict: { verdict: 'ok', ranBy: 'SQLite on this machine', onCopy: true }, tables: BACKUP_TABLES },
      { verdict: { verdict: 'corrupt', errors: ['SQLITE_CORRUPT: database disk image is malformed'], onCopy: true } },
    ]);
  });
});
