import { describe, expect, it } from 'vitest';
import { STABLE_MS, verify, WRITE_WAIT_MS } from '../../src/steps/verify.js';
import { fakeDb } from '../fakes/fake-db.js';
import { sha256Of } from '../fakes/fake-local-files.js';
import { INCIDENT_ID, makeDeps, type TestWorld } from '../fakes/make-deps.js';
import { DB, LOCAL_TABLES, settleTarget } from '../fakes/outage.js';
import { runStep } from '../fakes/run-step.js';

const QUARANTINE = `/data/rescue-quarantine/${INCIDENT_ID}`;
const SNAPSHOT = fakeDb({ tables: LOCAL_TABLES, note: 'snapshot' });

// After the swap and the start: the snapshot is live, the old files in quarantine.
async function restored(live: Buffer = SNAPSHOT, health: 'healthy' | 'starting' | null = null): Promise<TestWorld> {
  const world = makeDeps({ container: 'app', db: DB });
  world.runtime.addContainer({ name: 'app', health, mounts: [{ destination: '/data', volume: 'app-data' }] });
  world.runtime.putFile('app', DB, live);
  world.runtime.putFile('app', `${QUARANTINE}/app.db`, 'old corrupt db');
  world.runtime.putFile('app', `${QUARANTINE}/app.db-wal`, 'old wal');
  await settleTarget(world);
  world.facts.snapshot = { path: '/inc/snapshot.db', sha256: sha256Of(SNAPSHOT), bytes: SNAPSHOT.length, tables: LOCAL_TABLES };
  world.facts.quarantineDir = QUARANTINE;
  world.facts.swapped = true;
  world.facts.quarantined = [
    { from: DB, to: `${QUARANTINE}/app.db`, size: 14, sha256: '' },
    { from: `${DB}-wal`, to: `${QUARANTINE}/app.db-wal`, size: 7, sha256: '' },
  ];
  world.runtime.calls.length = 0;
  return world;
}

describe('verify', () => {
  it('healthy: integrity ok, every row there, quarantine hashed, the app writes', async () => {
    const world = await restored();
    world.runtime.appWritesTo('app', `${DB}-wal`);
    const run = await runStep(verify, world.deps);
    expect(run.exitCode).toBe(0);
    expect(run.events.find((event) => event.type === 'step-succeeded')).toMatchObject({
      summary: 'integrity ok, rows ≥ snapshot, the app wrote to the database',
    });
    // The quarantine is hashed into the record side by side with the live check (they read different files).
    const argvs = world.runtime.execArgvs();
    expect(argvs.filter((argv) => argv[0] === 'sha256sum')).toEqual([
      ['sha256sum', `${QUARANTINE}/app.db`],
      ['sha256sum', `${QUARANTINE}/app.db-wal`],
    ]);
    // The check and the row counts run side by side too: their order is not fixed.
    const others = argvs.filter((argv) => argv[0] !== 'sha256sum');
    expect(others).toHaveLength(3);
    expect(others).toEqual(
      expect.arrayContaining([
        // No -wal yet beside the live file: the check opens it immutable, so it creates no -wal/-shm of its own.
        ['sqlite3', '-readonly', `file:${DB}?immutable=1`, 'PRAGMA mmap_size=2147418112; PRAGMA integrity_check;'],
        ['sqlite3', '-readonly', '-json', DB, expect.stringContaining('FROM sqlite_schema')],
        ['sqlite3', '-readonly', '-json', DB, expect.stringContaining('count(*)')],
      ]),
    );
    expect(world.incidentFiles.read('quarantine.sha256')).toBe(
      `${sha256Of('old corrupt db')}  ${QUARANTINE}/app.db\n${sha256Of('old wal')}  ${QUARANTINE}/app.db-wal\n`,
    );
    expect(JSON.parse(world.incidentFiles.read('quarantine-manifest.json'))).toMatchObject({
      dir: QUARANTINE,
      files: [{ sha256: sha256Of('old corrupt db') }, { sha256: sha256Of('old wal') }],
    });
    expect(world.clock.sleeps).toEqual([500]);
  });

  it('a passing health check counts as the app being back', async () => {
    const world = await restored(SNAPSHOT, 'healthy');
    const run = await runStep(verify, world.deps);
    expect(run.exitCode).toBe(0);
    expect(run.findings.at(-1)).toBe("verified: integrity ok, every snapshot row present, the container's health check passes");
  });

  it('more rows live than in the snapshot is fine (the app wrote)', async () => {
    const world = await restored(fakeDb({ tables: { posts: 99, users: 5 } }), 'healthy');
    expect((await runStep(verify, world.deps)).exitCode).toBe(0);
  });

  it('rows missing: fails and names the tables', async () => {
    const world = await restored(fakeDb({ tables: { posts: 39, users: 5 } }));
    const run = await runStep(verify, world.deps);
    expect(run.exitCode).toBe(1);
    expect(run.failed?.message).toBe('the live database lacks rows of the snapshot: posts: 39 rows live, 40 in the snapshot');
  });

  it('the app never writes within the wait: fails after WRITE_WAIT_MS of (fake) time', async () => {
    const world = await restored();
    const before = world.clock.now();
    const run = await runStep(verify, world.deps);
    expect(run.exitCode).toBe(1);
    expect(run.failed?.message).toBe(`the app has not written to ${DB} within 20 s`);
    expect(run.failed?.hint).toContain('may just be idle');
    expect(world.clock.now() - before).toBe(WRITE_WAIT_MS);
  });

  it('the app stops again while we wait: fails', async () => {
    const world = await restored();
    world.clock.onAdvance(() => void world.runtime.stop('app', 0));
    const run = await runStep(verify, world.deps);
    expect(run.failed?.message).toBe('the app stopped again: app is exited');
  });

  it('the restored database fails integrity_check: fails and points at the quarantine', async () => {
    const world = await restored(fakeDb({ tables: LOCAL_TABLES, errors: ['Page 9: never used'] }));
    const run = await runStep(verify, world.deps);
    expect(run.failed?.message).toBe('the restored database fails integrity_check: Page 9: never used');
    expect(run.failed?.hint).toContain(QUARANTINE);
  });
});

describe('verify: an app that crash-looped before the restore', () => {
  async function wasLooping(health: 'healthy' | 'starting' | null = null): Promise<TestWorld> {
    const world = await restored(SNAPSHOT, health);
    world.facts.appWasDown = { state: 'restarting', restartCount: 7 };
    world.runtime.appWritesTo('app', `${DB}-wal`);
    return world;
  }

  it('must stay up a few seconds, its restart count unchanged, and write: a write alone is not enough', async () => {
    const world = await wasLooping();
    const before = world.clock.now();
    const run = await runStep(verify, world.deps);
    expect(run.exitCode).toBe(0);
    expect(world.clock.now() - before).toBe(STABLE_MS);
    expect(run.findings.at(-1)).toBe(
      'verified: integrity ok, every snapshot row present, the app stayed up 5.0 s (restart count 0, unchanged) and wrote to the database',
    );
    expect(run.events.filter((event) => event.type === 'step-waiting')).toMatchObject([
      { what: 'app crash-looped before the restore: it must stay up 5 s, restart count unchanged, and write', untilMs: before + STABLE_MS },
      { stepId: 'verify' },
    ]);
  });

  it('restarted by its policy while watched: it does not stay up, and the step says so', async () => {
    const world = await wasLooping();
    let ticks = 0;
    world.clock.onAdvance(() => {
      if ((ticks += 1) === 3) world.runtime.crashAndRestart('app');
    });
    const run = await runStep(verify, world.deps);
    expect(run.exitCode).toBe(1);
    expect(run.failed?.message).toBe('app restarted while it was watched (restart count 0 → 1): it does not stay up');
  });

  it('with a health check, it must pass too', async () => {
    const world = await wasLooping('starting');
    world.clock.onAdvance((now) => {
      if (now - Date.parse('2025-01-01T02:00:00.000Z') >= 8000) world.runtime.setHealth('app', 'healthy');
    });
    const run = await runStep(verify, world.deps);
    expect(run.exitCode).toBe(0);
    expect(run.findings.at(-1)).toMatch(
      /the app stayed up 8\.0 s \(restart count 0, unchanged\), its health check passes and wrote to the database$/,
    );
  });

  it('a health check that never passes fails the step, though the app writes', async () => {
    const world = await wasLooping('starting');
    const run = await runStep(verify, world.deps);
    expect(run.exitCode).toBe(1);
    expect(run.failed?.message).toBe('app writes but its health check is starting after 20 s');
  });
});
