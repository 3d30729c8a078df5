import { describe, expect, it } from 'vitest';
import { checkLiveDb } from '../../src/steps/check-live-db.js';
import { fakeDb } from '../fakes/fake-db.js';
import { makeDeps, type TestWorld } from '../fakes/make-deps.js';
import { CORRUPT_ROWS, DB, settleTarget, setUpOutage } from '../fakes/outage.js';
import { execArgvs, runStep, type StepRun } from '../fakes/run-step.js';
import { LIST_TABLES_SQL } from '../../src/steps/sqlite-cli.js';

// The checks the step ran; the schema read that goes beside them (for matching local copies) is asserted on its own.
const checks = (run: StepRun) => execArgvs(run).filter((argv) => !argv.includes(LIST_TABLES_SQL));

async function outage(): Promise<TestWorld> {
  const world = makeDeps({ container: 'app', db: DB });
  setUpOutage(world);
  await settleTarget(world);
  world.runtime.calls.length = 0;
  return world;
}

describe('check-live-db', () => {
  it('healthy under --yes: ends the run, nothing to recover', async () => {
    const world = await outage();
    world.runtime.putFile('app', DB, fakeDb({ tables: { posts: 1 } }));
    const run = await runStep(checkLiveDb, world.deps);
    expect(run.exitCode).toBe(0);
    expect(run.finished.headline).toBe('nothing to recover: /data/app.db in app is healthy');
    // quick_check passes, so only the full integrity_check can call it healthy.
    expect(checks(run)).toEqual([
      ['sqlite3', '-readonly', DB, 'PRAGMA mmap_size=2147418112; PRAGMA quick_check;'],
      ['sqlite3', '-readonly', DB, 'PRAGMA mmap_size=2147418112; PRAGMA integrity_check;'],
    ]);
    expect(world.facts.live).toEqual({
      verdict: 'ok',
      check: 'integrity_check',
      errors: [],
      errorCount: 0,
      ranBy: 'sqlite3 in the container',
      onCopy: false,
    });
  });

  it('healthy, interactive, the operator goes on anyway', async () => {
    const world = await outage();
    world.runtime.putFile('app', DB, fakeDb({ tables: { posts: 1 } }));
    const run = await runStep(checkLiveDb, world.deps, { answer: () => ({ kind: 'yes-no', yes: true }) });
    expect(run.exitCode).toBe(0);
    expect(run.events.find((event) => event.type === 'step-succeeded')).toMatchObject({
      summary: "healthy, restoring anyway at the operator's request",
    });
    expect(run.finished.headline).toBe('restored and verified');
  });

  it('corrupt: a summary with the error count and the first error', async () => {
    const world = await outage();
    const run = await runStep(checkLiveDb, world.deps);
    expect(run.exitCode).toBe(0);
    expect(run.events.find((event) => event.type === 'step-succeeded')).toMatchObject({
      summary: `CORRUPT: 2 errors (quick_check by sqlite3 in the container); first: ${CORRUPT_ROWS[0]}`,
    });
    expect(run.output).toEqual(CORRUPT_ROWS);
    // Damage quick_check sees decides it: the slower integrity_check does not run.
    expect(checks(run).filter((argv) => argv[0] === 'sqlite3')).toEqual([
      ['sqlite3', '-readonly', DB, 'PRAGMA mmap_size=2147418112; PRAGMA quick_check;'],
    ]);
    expect(run.findings[0]).toBe(
      `the live database ${DB} is corrupt: quick_check found 2 errors, first: ${CORRUPT_ROWS[0]} (integrity_check, slower, would decide nothing more)`,
    );
    // Its tables were read too (a damaged database's schema page usually still reads): they match local copies.
    expect(execArgvs(run)).toContainEqual(['sqlite3', '-readonly', '-json', DB, LIST_TABLES_SQL]);
    expect(world.facts.liveTables).toEqual(['posts', 'users']);
    expect(run.events.find((event) => event.type === 'step-succeeded')).toMatchObject({
      verdict: { tone: 'bad', label: 'corrupt (2 errors)' },
    });
    expect(world.facts).toMatchObject({ live: { verdict: 'corrupt', errorCount: 2, errors: CORRUPT_ROWS } });
  });

  it('only an index disagrees with its table: quick_check passes, the full integrity_check finds it', async () => {
    const world = await outage();
    world.runtime.putFile('app', DB, fakeDb({ tables: { posts: 3 }, indexErrors: ['row 2 missing from index posts_by_author'] }));
    const run = await runStep(checkLiveDb, world.deps);
    expect(
      checks(run)
        .filter((argv) => argv[0] === 'sqlite3')
        .map((argv) => argv[3]),
    ).toEqual(['PRAGMA mmap_size=2147418112; PRAGMA quick_check;', 'PRAGMA mmap_size=2147418112; PRAGMA integrity_check;']);
    expect(world.facts.live).toEqual({
      verdict: 'corrupt',
      check: 'integrity_check',
      errors: ['row 2 missing from index posts_by_author'],
      errorCount: 1,
      ranBy: 'sqlite3 in the container',
      onCopy: false,
    });
    expect(run.events.find((event) => event.type === 'step-succeeded')).toMatchObject({
      summary: 'CORRUPT: 1 error (integrity_check by sqlite3 in the container); first: row 2 missing from index posts_by_author',
    });
  });

  it('sqlite3 killed by a signal (exit 137, the OOM killer): no verdict, never "corrupt"', async () => {
    const world = await outage();
    world.runtime.failExec((argv) => argv[0] === 'sqlite3', { exitCode: 137, stdout: '', stderr: '' });
    const run = await runStep(checkLiveDb, world.deps);
    expect(run.exitCode).toBe(1);
    expect(run.failed?.message).toBe(`sqlite3 was killed (exit 137) while running quick_check on ${DB}: no verdict`);
    expect(run.failed?.hint).toMatch(/^exit 137 is usually the container's memory limit; retry this step/);
    expect(world.facts.live).toBeUndefined();
    expect(run.events.some((event) => event.type === 'step-succeeded')).toBe(false);
  });

  it('sqlite3 exits 11: one error, from stderr', async () => {
    const world = await outage();
    world.runtime.putFile('app', DB, fakeDb({ tables: {}, fatal: 'database disk image is malformed' }));
    const run = await runStep(checkLiveDb, world.deps);
    expect(run.events.find((event) => event.type === 'step-succeeded')).toMatchObject({
      summary: 'CORRUPT: 1 error (quick_check by sqlite3 in the container); first: Error: database disk image is malformed',
    });
  });

  it('no sqlite3 in the image: the .db and -wal are copied out and checked here', async () => {
    const world = await outage();
    world.runtime.withoutBinary('sqlite3');
    await settleTarget(world);
    const run = await runStep(checkLiveDb, world.deps);
    expect(run.exitCode).toBe(0);
    expect(world.facts.live).toMatchObject({ verdict: 'corrupt', ranBy: 'SQLite on this machine', onCopy: true, errors: CORRUPT_ROWS });
    const copies = world.runtime.calls.filter((call) => call.method === 'copyOut').map((call) => call.args[1]);
    expect(copies).toEqual([DB, `${DB}-wal`]);
    const [check] = world.sqlite.calls;
    expect(check.method).toBe('check');
    expect(check.args[0]).toBe(`${world.deps.incident.dir}/live-copy-1/app.db`);
    expect(check.args[1]).toBe('quick');
    // The damage is then diagnosed on that same copy, table by table, while the run goes on.
    expect(world.sqlite.calls.map((call) => [call.method, call.args[0]])).toEqual([
      ['check', check.args[0]],
      ['diagnose', check.args[0]],
    ]);
    expect(run.output[0]).toBe('no sqlite3 in the image: checking a copy of the database on this machine');
  });

  it('the -wal goes away while it is copied (a crash-looper closed the database): the .db, now holding it, is copied again', async () => {
    const world = await outage();
    world.runtime.withoutBinary('sqlite3');
    await settleTarget(world);
    // The app's last connection closes as the .db is copied out: its frames are folded into the .db, the -wal deleted.
    const copyOut = world.runtime.copyOut.bind(world.runtime);
    world.runtime.copyOut = async (id, path, dir) => {
      const local = await copyOut(id, path, dir);
      if (path === DB && world.runtime.fileAt('app', `${DB}-wal`)) world.runtime.deleteFile('app', `${DB}-wal`);
      return local;
    };
    const run = await runStep(checkLiveDb, world.deps);
    expect(run.exitCode).toBe(0);
    expect(world.facts.live).toMatchObject({ verdict: 'corrupt', onCopy: true });
    const copies = world.runtime.calls.filter((call) => call.method === 'copyOut').map((call) => [call.args[1], call.args[2]]);
    const dir = world.deps.incident.dir;
    expect(copies).toEqual([
      [DB, `${dir}/live-copy-1`],
      [`${DB}-wal`, `${dir}/live-copy-1`],
      [DB, `${dir}/live-copy-2`],
    ]);
    expect(world.sqlite.calls[0].args[0]).toBe(`${dir}/live-copy-2/app.db`);
    expect(run.output).toContain(
      `${DB}-wal went away while it was copied (the app closed the database): copying ${DB} again, which now holds it`,
    );
  });

  it('the database is missing: exit 2 with an ls hint', async () => {
    const world = makeDeps({ container: 'app', db: '/data/nope.db' });
    setUpOutage(world);
    await settleTarget(world, 'app', '/data/nope.db');
    const run = await runStep(checkLiveDb, world.deps);
    expect(run.exitCode).toBe(2);
    expect(run.failed).toMatchObject({
      message: '/data/nope.db does not exist in app',
      hint: 'list the folder with: docker exec app ls -la /data',
    });
  });

  it('--db is a directory: exit 2', async () => {
    const world = makeDeps({ container: 'app', db: '/data/backups' });
    setUpOutage(world);
    await settleTarget(world, 'app', '/data/backups');
    const run = await runStep(checkLiveDb, world.deps);
    expect(run.exitCode).toBe(2);
    expect(run.failed?.message).toBe('/data/backups in app is a directory, not a database file');
  });

  it('without find-container first: says which step to run', async () => {
    const world = makeDeps({ db: DB });
    const run = await runStep(checkLiveDb, world.deps);
    expect(run.exitCode).toBe(1);
    expect(run.failed).toMatchObject({
      message: 'the target is not known yet',
      hint: 'run the step "find-container" first (it was skipped or failed)',
    });
  });
});
