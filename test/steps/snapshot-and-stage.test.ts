import { describe, expect, it } from 'vitest';
import { snapshotSource } from '../../src/steps/snapshot-source.js';
import { stageInContainer } from '../../src/steps/stage-in-container.js';
import { fakeDb, readFakeDb } from '../fakes/fake-db.js';
import { sha256Of } from '../fakes/fake-local-files.js';
import { INCIDENT_ID, makeDeps, type TestWorld } from '../fakes/make-deps.js';
import { DB, LOCAL, LOCAL_TABLES, settleTarget, setUpOutage } from '../fakes/outage.js';
import { crashLooping } from '../fakes/real-apps.js';
import { execArgvs, runStep } from '../fakes/run-step.js';

const STAGED = `/data/.app.db.rescue-${INCIDENT_ID}.incoming`;

async function outage(): Promise<TestWorld> {
  const world = makeDeps({ container: 'app', db: DB, local: LOCAL });
  setUpOutage(world);
  await settleTarget(world);
  world.runtime.calls.length = 0;
  return world;
}

describe('snapshot-source', () => {
  it('snapshots the local copy through SQLite, hashes it and starts its full check for the next step', async () => {
    const world = await outage();
    world.facts.source = { id: 'local', kind: 'local', path: LOCAL, ok: true, mtime: '', size: 1, tables: LOCAL_TABLES, errors: [] };
    const run = await runStep(snapshotSource, world.deps);
    expect(run.exitCode).toBe(0);
    const dest = `${world.deps.incident.dir}/snapshot.db`;
    expect(world.sqlite.calls.map((call) => [call.method, ...call.args])).toEqual([
      ['snapshot', LOCAL, dest],
      ['check', dest, 'full'],
      ['stats', dest],
    ]);
    const content = world.files.read(dest);
    expect(world.facts.snapshot).toEqual({ path: dest, sha256: sha256Of(content), bytes: content.length, tables: LOCAL_TABLES });
    expect(world.deps.services.snapshotCheck.waiting()).toBeUndefined();
    expect(run.events.find((event) => event.type === 'step-succeeded')).toMatchObject({
      summary: expect.stringMatching(/integrity_check under way \(stage-in-container waits for it\)$/),
    });
    expect(world.runtime.calls).toEqual([]);
  });

  it('dry-run: waits for the full check, whose verdict is what a dry-run is for', async () => {
    const world = await outage();
    world.facts.source = { id: 'local', kind: 'local', path: LOCAL, ok: true, mtime: '', size: 1, tables: LOCAL_TABLES, errors: [] };
    const run = await runStep(snapshotSource, world.deps, { isDryRun: true });
    expect(run.exitCode).toBe(0);
    const dest = `${world.deps.incident.dir}/snapshot.db`;
    expect(world.sqlite.calls.map((call) => [call.method, ...call.args])).toContainEqual(['check', dest, 'full']);
    expect(run.events.find((event) => event.type === 'step-succeeded')).toMatchObject({
      summary: expect.stringMatching(/integrity_check ok$/),
    });
  });

  it('a backup is copied out of the container first', async () => {
    const world = await outage();
    world.facts.source = {
      id: 'backup:/data/backups/2024-12-31.db',
      kind: 'backup',
      path: '/data/backups/2024-12-31.db',
      ok: true,
      mtime: '',
      size: 1,
      tables: {},
      errors: [],
    };
    const run = await runStep(snapshotSource, world.deps);
    expect(run.exitCode).toBe(0);
    expect(world.runtime.calls).toMatchObject([
      {
        method: 'copyOut',
        args: [world.facts.target?.containerId, '/data/backups/2024-12-31.db', `${world.deps.incident.dir}/source-copy-1`],
      },
    ]);
    expect(world.sqlite.calls[0].args[0]).toBe(`${world.deps.incident.dir}/source-copy-1/2024-12-31.db`);
  });

  it('a snapshot whose rows cannot be counted fails with what integrity_check found', async () => {
    const world = await outage();
    world.files.put(LOCAL, fakeDb({ tables: { posts: 1 }, errors: ['Page 2: btree damaged'] }));
    world.facts.source = { id: 'local', kind: 'local', path: LOCAL, ok: true, mtime: '', size: 1, tables: {}, errors: [] };
    const run = await runStep(snapshotSource, world.deps);
    expect(run.exitCode).toBe(1);
    expect(run.failed?.message).toBe(`the snapshot of ${LOCAL} fails integrity_check: Page 2: btree damaged`);
    expect(world.facts.snapshot).toBeUndefined();
  });

  it('a snapshot only integrity_check finds damaged in: stage-in-container fails and removes its staged copy', async () => {
    const world = await outage();
    // Rows count fine; only the full check sees that an index disagrees with its table.
    world.files.put(LOCAL, fakeDb({ tables: LOCAL_TABLES, indexErrors: ['row 7 missing from index posts_by_author'] }));
    world.facts.source = { id: 'local', kind: 'local', path: LOCAL, ok: true, mtime: '', size: 1, tables: LOCAL_TABLES, errors: [] };
    expect((await runStep(snapshotSource, world.deps)).exitCode).toBe(0);
    world.runtime.calls.length = 0;
    const run = await runStep(stageInContainer, world.deps);
    expect(run.exitCode).toBe(1);
    expect(run.failed?.message).toBe(`the snapshot of ${LOCAL} fails integrity_check: row 7 missing from index posts_by_author`);
    expect(run.failed?.hint).toMatch(/^this copy must not be restored; the live database is untouched/);
    // The copy went on beside the check; the check's verdict removes it again and the live file is as it was.
    expect(world.runtime.calls.filter((call) => call.method === 'copyIn')).toHaveLength(1);
    expect(execArgvs(run).at(-1)).toEqual(['rm', '-f', STAGED]);
    expect(world.runtime.fileAt('app', STAGED)).toBeUndefined();
    expect(readFakeDb(world.runtime.fileAt('app', DB)?.content as Buffer)?.errors).toHaveLength(2);
    expect(run.output).toContain(`removed the staged copy ${STAGED}: its snapshot failed integrity_check`);
    expect(world.facts.stagedPath).toBeUndefined();
    // A retry checks again rather than trusting a failed result.
    world.sqlite.calls.length = 0;
    await world.deps.services.snapshotCheck.result(world.facts.snapshot?.path as string);
    expect(world.sqlite.calls.map((call) => call.method)).toEqual(['check']);
  });
});

describe('stage-in-container', () => {
  async function withSnapshot(): Promise<TestWorld> {
    const world = await outage();
    const path = `${world.deps.incident.dir}/snapshot.db`;
    const content = fakeDb({ tables: LOCAL_TABLES, note: 'snapshot' });
    world.files.put(path, content);
    world.facts.snapshot = { path, sha256: sha256Of(content), bytes: content.length, tables: LOCAL_TABLES };
    world.runtime.calls.length = 0;
    return world;
  }

  it('copies the snapshot beside the live file with its owner, and proves the sha256 inside', async () => {
    const world = await withSnapshot();
    const run = await runStep(stageInContainer, world.deps);
    expect(run.exitCode).toBe(0);
    const id = world.facts.target?.containerId;
    expect(execArgvs(run)).toEqual([
      ['df', '-Pk', '/data'],
      ['stat', '-c', '%u %g %a', DB],
      ['sha256sum', STAGED],
    ]);
    // No check under way (a resumed run): the snapshot's integrity_check starts here, beside the copy.
    expect(world.sqlite.calls.map((call) => [call.method, ...call.args])).toEqual([['check', world.facts.snapshot?.path, 'full']]);
    expect(world.runtime.calls.find((call) => call.method === 'copyIn')?.args).toEqual([
      id,
      world.facts.snapshot?.path,
      '/data',
      `.app.db.rescue-${INCIDENT_ID}.incoming`,
      { uid: 1001, gid: 1001, mode: 0o640 },
    ]);
    expect(world.runtime.fileAt('app', STAGED)?.content).toEqual(world.files.read(world.facts.snapshot?.path as string));
    expect(readFakeDb(world.runtime.fileAt('app', DB)?.content as Buffer)?.errors).toHaveLength(2);
    expect(world.facts.stagedPath).toBe(STAGED);
    expect(run.events.filter((event) => event.type === 'step-progress').at(-1)).toMatchObject({
      progress: { done: world.facts.snapshot?.bytes, unit: 'bytes' },
    });
  });

  it("the copy goes on while the snapshot's check runs; the step waits for the check and says so", async () => {
    const world = await outage();
    world.facts.source = { id: 'local', kind: 'local', path: LOCAL, ok: true, mtime: '', size: 1, tables: LOCAL_TABLES, errors: [] };
    const release = world.sqlite.holdFullChecks();
    expect((await runStep(snapshotSource, world.deps)).exitCode).toBe(0);
    world.runtime.calls.length = 0;
    const staging = runStep(stageInContainer, world.deps);
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Copied and hashed in the container while the check is still held.
    expect(world.runtime.fileAt('app', STAGED)?.content).toEqual(world.files.read(world.facts.snapshot?.path as string));
    expect(world.runtime.execArgvs().at(-1)).toEqual(['sha256sum', STAGED]);
    release();
    const run = await staging;
    expect(run.exitCode).toBe(0);
    expect(run.output.at(-1)).toMatch(/^the copy is in place and verified; integrity_check of the snapshot still running \(\d+ s so far/);
    expect(world.facts.stagedPath).toBe(STAGED);
  });

  it("a failed copy is reported at once, without waiting for the snapshot's check (it goes on for the retry)", async () => {
    const world = await outage();
    world.facts.source = { id: 'local', kind: 'local', path: LOCAL, ok: true, mtime: '', size: 1, tables: LOCAL_TABLES, errors: [] };
    const release = world.sqlite.holdFullChecks();
    expect((await runStep(snapshotSource, world.deps)).exitCode).toBe(0);
    world.runtime.failExec((argv) => argv[0] === 'sha256sum', { exitCode: 0, stdout: `${'0'.repeat(64)}  ${STAGED}\n`, stderr: '' });
    // The check is still held: a step that waited for it would never end.
    const run = await runStep(stageInContainer, world.deps);
    expect(run.exitCode).toBe(1);
    expect(run.failed?.message).toContain('does not match the snapshot');
    expect(world.deps.services.snapshotCheck.waiting()).toMatch(/^integrity_check of the snapshot still running/);
    release();
    await world.deps.services.snapshotCheck.result(world.facts.snapshot?.path as string);
  });

  it('a sha256 mismatch fails; the live file is untouched', async () => {
    const world = await withSnapshot();
    world.runtime.failExec((argv) => argv[0] === 'sha256sum', { exitCode: 0, stdout: `${'0'.repeat(64)}  ${STAGED}\n`, stderr: '' });
    const run = await runStep(stageInContainer, world.deps);
    expect(run.exitCode).toBe(1);
    expect(run.failed?.message).toContain('does not match the snapshot');
    expect(run.failed?.hint).toBe('retry this step (the copy starts over); the live database has not been touched');
  });

  it('no sha256sum in the image: hashed through the archive API', async () => {
    const world = await withSnapshot();
    world.runtime.withoutBinary('sha256sum');
    await settleTarget(world);
    const run = await runStep(stageInContainer, world.deps);
    expect(run.exitCode).toBe(0);
    // The image has no sha256sum, as find-container found: the plan hashes through the archive API instead.
    expect(run.planned.get('stage-in-container')?.at(-1)).toMatchObject({
      kind: 'call',
      call: `GET /containers/${world.facts.target?.containerId}/archive?path=${STAGED}, hashed here as it streams`,
    });
    expect(world.runtime.calls.some((call) => call.method === 'sha256' && call.args[1] === STAGED)).toBe(true);
  });

  it('dry-run: plans the copy and changes nothing', async () => {
    const world = await withSnapshot();
    const run = await runStep(stageInContainer, world.deps, { isDryRun: true });
    expect(run.failed?.message).toBeUndefined();
    expect(run.exitCode).toBe(0);
    expect(run.events.find((event) => event.type === 'step-not-performed')).toMatchObject({
      commands: [`docker cp ${world.facts.snapshot?.path} app:${STAGED}`, `docker exec app sha256sum ${STAGED}`],
    });
    // Only the read-only probes ran: whether the app runs steadily, the free space and the live file's owner.
    expect(world.runtime.calls.map((call) => call.method)).toEqual(['inspect', 'exec', 'exec']);
    expect(execArgvs(run)).toEqual([
      ['df', '-Pk', '/data'],
      ['stat', '-c', '%u %g %a', DB],
    ]);
    expect(world.runtime.fileAt('app', STAGED)).toBeUndefined();
    expect(run.findings).toEqual([
      `free space beside ${DB} in app: ${10 * 1024 ** 3} bytes, the snapshot needs ${world.facts.snapshot?.bytes}`,
      'dry-run could not tell: whether the copy into the container and its sha256 check succeed (nothing was copied)',
    ]);
  });

  it('dry-run: too little space beside the database is a finding', async () => {
    const world = await withSnapshot();
    world.runtime.freeBytes = 0;
    const run = await runStep(stageInContainer, world.deps, { isDryRun: true });
    expect(run.findings[0]).toBe(
      `NOT ENOUGH SPACE: not enough space beside ${DB} in app: 0 bytes free, the snapshot needs ` + `${world.facts.snapshot?.bytes}`,
    );
    expect(world.facts.dryRunBlockers).toEqual([
      `not enough space beside ${DB} in app: 0 bytes free, the snapshot needs ` + `${world.facts.snapshot?.bytes}`,
    ]);
  });
});

describe('stage-in-container: an app that does not run steadily', () => {
  async function crashLoopWithSnapshot(opts: { overSsh?: boolean } = {}): Promise<TestWorld> {
    const world = crashLooping(undefined, opts);
    await settleTarget(world);
    const path = `${world.deps.incident.dir}/snapshot.db`;
    const content = fakeDb({ tables: LOCAL_TABLES, note: 'snapshot' });
    world.files.put(path, content);
    world.facts.snapshot = { path, sha256: sha256Of(content), bytes: content.length, tables: LOCAL_TABLES };
    world.runtime.calls.length = 0;
    return world;
  }

  it('a crash-looping app: probes in a read-only helper, the copy and its hash through a stage helper, nothing in the app', async () => {
    const world = await crashLoopWithSnapshot();
    const run = await runStep(stageInContainer, world.deps);
    expect(run.failed?.message).toBeUndefined();
    const appId = world.facts.target?.containerId;
    expect(
      world.runtime.calls.filter((call) => call.method === 'exec').every((call) => call.args[0] !== appId && call.args[0] !== 'app'),
    ).toBe(true);
    const read = `app-rescue-${INCIDENT_ID}-read`;
    const stage = `app-rescue-${INCIDENT_ID}-stage`;
    expect(
      run.commands
        .filter((command) => command.phase === 'probe' && command.action.kind === 'argv')
        .map((command) => command.action.kind === 'argv' && [command.action.container, ...command.action.argv]),
    ).toEqual([
      [read, 'df', '-Pk', '/data'],
      [read, 'stat', '-c', '%u %g %a', DB],
    ]);
    expect(
      run.planned.get('stage-in-container')?.map((action) => (action.kind === 'call' ? action.cli : [action.container, ...action.argv])),
    ).toEqual([
      [
        'docker',
        'run',
        '-d',
        '--name',
        stage,
        '--label',
        `sqlite-rescue.helper=${INCIDENT_ID}`,
        '--volumes-from',
        'app',
        '--network',
        'none',
        '--entrypoint',
        'sleep',
        'ghcr.io/acme/app:3f2c1a',
        '86400',
      ],
      ['docker', 'cp', world.facts.snapshot?.path, `${stage}:${STAGED}`],
      [stage, 'sha256sum', STAGED],
      ['docker', 'rm', '-f', stage],
    ]);
    // On the app's volume, with the live file's owner, and both helpers are gone.
    expect(world.runtime.fileAt('app', STAGED)).toMatchObject({ uid: 1001, gid: 1001, mode: 0o640 });
    expect((await world.runtime.listContainers()).map((container) => container.name)).toEqual(['app']);
  });

  it('over --host the same: the free space is read in a read-only helper, the copy goes through the stage helper', async () => {
    const world = await crashLoopWithSnapshot({ overSsh: true });
    const run = await runStep(stageInContainer, world.deps);
    expect(run.failed?.message).toBeUndefined();
    const appId = world.facts.target?.containerId;
    expect(
      world.runtime.calls.filter((call) => call.method === 'exec').every((call) => call.args[0] !== appId && call.args[0] !== 'app'),
    ).toBe(true);
    expect(world.runtime.fileAt('app', STAGED)?.content).toEqual(world.files.read(world.facts.snapshot?.path as string));
  });
});
