import { describe, expect, it } from 'vitest';
import { displayLine } from '../../src/runbook/actions.js';
import { quarantineAndSwap } from '../../src/steps/quarantine-and-swap.js';
import { fakeDb } from '../fakes/fake-db.js';
import { sha256Of } from '../fakes/fake-local-files.js';
import { INCIDENT_ID, makeDeps, type TestWorld } from '../fakes/make-deps.js';
import { DB, LOCAL_TABLES, settleTarget, setUpOutage } from '../fakes/outage.js';
import { runStep, runSteps } from '../fakes/run-step.js';
import { DOWNTIME_RECORD } from '../../src/steps/downtime-record.js';
import { findContainer } from '../../src/steps/find-container.js';
import { describeRunState } from '../../src/steps/run-state.js';
import { stopApp } from '../../src/steps/stop-app.js';
import { ALWAYS, realApp, swarmApp, UNLESS_STOPPED } from '../fakes/real-apps.js';

const STAGED = `/data/.app.db.rescue-${INCIDENT_ID}.incoming`;
const QUARANTINE = `/data/rescue-quarantine/${INCIDENT_ID}`;
const SNAPSHOT = fakeDb({ tables: LOCAL_TABLES, note: 'snapshot' });

// The app stopped, the snapshot staged beside the live files.
async function readyToSwap(): Promise<TestWorld & { old: Record<string, Buffer> }> {
  const world = makeDeps({ container: 'app', db: DB });
  setUpOutage(world);
  world.runtime.putFile('app', STAGED, SNAPSHOT);
  await world.runtime.stop('app', 30);
  await settleTarget(world);
  world.facts.stagedPath = STAGED;
  world.facts.stoppedAt = world.clock.now();
  world.facts.snapshot = { path: '/inc/snapshot.db', sha256: sha256Of(SNAPSHOT), bytes: SNAPSHOT.length, tables: LOCAL_TABLES };
  const old = Object.fromEntries(
    [DB, `${DB}-wal`, `${DB}-shm`].map((path) => [path, world.runtime.fileAt('app', path)?.content as Buffer]),
  );
  world.runtime.calls.length = 0;
  return { ...world, old };
}

const HELPER = `app-rescue-${INCIDENT_ID}-swap`;
const helperOf = (world: TestWorld) => world.runtime.calls.find((call) => call.method === 'startHelper');
const noRm = (world: TestWorld) =>
  expect(world.runtime.execArgvs().filter((argv) => argv.some((arg) => /^(rm|rmdir|unlink|truncate)$/.test(arg)))).toEqual([]);

describe('quarantine-and-swap', () => {
  it('renames the .db, -wal and -shm into quarantine, then the staged copy to the live name', async () => {
    const world = await readyToSwap();
    const run = await runStep(quarantineAndSwap, world.deps);
    expect(run.exitCode).toBe(0);
    expect(helperOf(world)?.args).toEqual([world.facts.target?.containerId, { name: HELPER, label: INCIDENT_ID }]);
    // Every rename runs in that one helper, addressed by the name the plan gave it.
    expect(new Set(world.runtime.calls.filter((call) => call.method === 'exec').map((call) => call.args[0]))).toEqual(new Set([HELPER]));
    expect(world.runtime.execArgvs()).toEqual([
      ['mkdir', '-p', QUARANTINE],
      ['mv', DB, `${QUARANTINE}/app.db`],
      ['mv', `${DB}-wal`, `${QUARANTINE}/app.db-wal`],
      ['mv', `${DB}-shm`, `${QUARANTINE}/app.db-shm`],
      ['mv', STAGED, DB],
    ]);
    noRm(world);
    expect(world.runtime.fileAt('app', DB)?.content).toEqual(SNAPSHOT);
    expect(world.runtime.fileAt('app', STAGED)).toBeUndefined();
    expect(world.runtime.fileAt('app', `${DB}-wal`)).toBeUndefined();
    expect(world.runtime.fileAt('app', `${DB}-shm`)).toBeUndefined();
    for (const [path, content] of Object.entries(world.old))
      expect(world.runtime.fileAt('app', `${QUARANTINE}/${path.slice('/data/'.length)}`)?.content).toEqual(content);
    expect(world.runtime.calls.filter((call) => call.method === 'removeHelper')).toHaveLength(1);
    expect((await world.runtime.listContainers()).map((container) => container.name)).toEqual(['app', 'app-pr-12']);
    expect(world.facts).toMatchObject({
      swapped: true,
      quarantineDir: QUARANTINE,
      quarantined: [{ from: DB, to: `${QUARANTINE}/app.db`, size: world.old[DB].length }, { from: `${DB}-wal` }, { from: `${DB}-shm` }],
    });
    expect(run.commands.filter((command) => command.phase === 'action').map((command) => command.action.where)).toEqual([
      'engine',
      'helper',
      'helper',
      'helper',
      'helper',
      'helper',
      'engine',
    ]);
    expect(JSON.parse(world.incidentFiles.read('quarantine-manifest.json'))).toMatchObject({
      dir: QUARANTINE,
      files: [{ from: DB }, { from: `${DB}-wal` }, { from: `${DB}-shm` }],
    });
  });

  it('uses the helper stop-app started before the stop, and removes it', async () => {
    const world = await readyToSwap();
    const ready = await world.runtime.startHelper(world.facts.target?.containerId as string, { name: HELPER, label: INCIDENT_ID });
    world.runtime.calls.length = 0;
    const run = await runStep(quarantineAndSwap, world.deps);
    expect(run.exitCode).toBe(0);
    expect(helperOf(world)).toBeUndefined();
    expect(new Set(world.runtime.calls.filter((call) => call.method === 'exec').map((call) => call.args[0]))).toEqual(new Set([HELPER]));
    expect(world.runtime.calls.filter((call) => call.method === 'removeHelper').map((call) => call.args[0])).toEqual([HELPER]);
    expect((await world.runtime.listContainers()).map((container) => container.id)).not.toContain(ready);
    expect(run.commands.filter((command) => command.phase === 'action').map((command) => command.action.where)).toEqual([
      'helper',
      'helper',
      'helper',
      'helper',
      'helper',
      'engine',
    ]);
    expect(world.runtime.fileAt('app', DB)?.content).toEqual(SNAPSHOT);
  });

  it('a database without a -wal: only the files that exist are moved', async () => {
    const world = await readyToSwap();
    world.runtime.deleteFile('app', `${DB}-wal`);
    const run = await runStep(quarantineAndSwap, world.deps);
    expect(run.exitCode).toBe(0);
    expect(
      world.runtime
        .execArgvs()
        .filter((argv) => argv[0] === 'mv')
        .map((argv) => argv[1]),
    ).toEqual([DB, `${DB}-shm`, STAGED]);
    expect(world.facts.quarantined?.map((file) => file.from)).toEqual([DB, `${DB}-shm`]);
  });

  it('a failing mv stops the step, says what was moved, and the helper is still removed', async () => {
    const world = await readyToSwap();
    world.runtime.failExec((argv) => argv[0] === 'mv' && argv[1] === `${DB}-wal`, {
      exitCode: 1,
      stdout: '',
      stderr: "mv: can't rename '/data/app.db-wal': Permission denied\n",
    });
    const run = await runStep(quarantineAndSwap, world.deps);
    expect(run.exitCode).toBe(1);
    expect(run.failed?.message).toBe(
      `mv ${DB}-wal ${QUARANTINE}/app.db-wal failed (exit 1): mv: can't rename '/data/app.db-wal': Permission denied`,
    );
    expect(run.failed?.hint).toBe(`${DB} already moved to ${QUARANTINE}; the app is stopped: run \`sqlite-rescue resume\` to finish`);
    expect(world.runtime.calls.filter((call) => call.method === 'removeHelper')).toHaveLength(1);
    expect(world.runtime.execArgvs().some((argv) => argv[1] === STAGED)).toBe(false);
    expect(world.runtime.fileAt('app', `${DB}-wal`)?.content).toEqual(world.old[`${DB}-wal`]);
    expect(world.facts.swapped).toBeUndefined();
    noRm(world);
  });

  it('the helper is removed when mkdir fails too', async () => {
    const world = await readyToSwap();
    world.runtime.failExec((argv) => argv[0] === 'mkdir', { exitCode: 1, stdout: '', stderr: 'mkdir: Read-only file system\n' });
    const run = await runStep(quarantineAndSwap, world.deps);
    expect(run.exitCode).toBe(1);
    expect(run.failed?.hint).toBe('nothing was moved; the app is stopped: docker start app to bring it back as it was');
    expect(world.runtime.calls.filter((call) => call.method === 'removeHelper')).toHaveLength(1);
  });

  it('a staged file of the wrong size: nothing is moved, no helper started', async () => {
    const world = await readyToSwap();
    world.runtime.putFile('app', STAGED, SNAPSHOT.subarray(0, 10));
    const run = await runStep(quarantineAndSwap, world.deps);
    expect(run.exitCode).toBe(1);
    expect(run.failed?.message).toBe(`the staged copy ${STAGED} is 10 bytes, not ${SNAPSHOT.length}`);
    expect(run.failed?.hint).toContain('nothing was moved');
    expect(world.runtime.execArgvs()).toEqual([]);
    expect(helperOf(world)).toBeUndefined();
    expect(world.runtime.fileAt('app', DB)?.content).toEqual(world.old[DB]);
  });

  it('a staged file that is gone: nothing is moved', async () => {
    const world = await readyToSwap();
    world.facts.stagedPath = '/data/.gone';
    const run = await runStep(quarantineAndSwap, world.deps);
    expect(run.failed?.message).toBe('the staged copy /data/.gone is gone');
    expect(world.runtime.execArgvs()).toEqual([]);
  });

  it('dry-run: says whether the image can run the helper, lists the commands the run would perform, changes nothing', async () => {
    const world = await readyToSwap();
    await world.runtime.start('app');
    const run = await runStep(quarantineAndSwap, world.deps, { isDryRun: true });
    expect(run.exitCode).toBe(0);
    expect(world.runtime.execArgvs()).toEqual([]);
    expect(run.findings[0]).toBe('the image ghcr.io/acme/app:3f2c1a has sleep, mkdir and mv: the swap helper can run');
    expect(run.events.find((event) => event.type === 'step-not-performed')).toMatchObject({
      // The helper is the one stop-app starts before the stop: the swap uses it.
      commands: [
        `docker exec ${HELPER} mkdir -p ${QUARANTINE}`,
        `docker exec ${HELPER} mv ${DB} ${QUARANTINE}/app.db`,
        `docker exec ${HELPER} mv ${DB}-wal ${QUARANTINE}/app.db-wal`,
        `docker exec ${HELPER} mv ${DB}-shm ${QUARANTINE}/app.db-shm`,
        `docker exec ${HELPER} mv ${STAGED} ${DB}`,
        `docker rm -f ${HELPER}`,
      ],
    });
    expect(world.runtime.fileAt('app', DB)?.content).toEqual(world.old[DB]);
  });

  it('runbook print: the same commands, with the blanks named', () => {
    const { deps } = makeDeps({});
    const quarantine = `'<db-dir>/rescue-quarantine/${INCIDENT_ID}'`;
    expect(quarantineAndSwap.declare({ facts: {}, options: {}, incident: deps.incident }).map(displayLine)).toEqual([
      `docker run -d --name '<swap-helper>' --label sqlite-rescue.helper=${INCIDENT_ID} --volumes-from '<container>' --network none --entrypoint sleep '<image>' 86400`,
      `docker exec '<swap-helper>' mkdir -p ${quarantine}`,
      `docker exec '<swap-helper>' mv '<db-dir>/<db-name>' '<db-dir>/rescue-quarantine/${INCIDENT_ID}/<db-name>'`,
      `docker exec '<swap-helper>' mv '<db-dir>/<db-name>-wal' '<db-dir>/rescue-quarantine/${INCIDENT_ID}/<db-name>-wal'`,
      `docker exec '<swap-helper>' mv '<db-dir>/<db-name>-shm' '<db-dir>/rescue-quarantine/${INCIDENT_ID}/<db-name>-shm'`,
      `docker exec '<swap-helper>' mv '<db-dir>/.<db-name>.rescue-${INCIDENT_ID}.incoming' '<db-dir>/<db-name>'`,
      "docker rm -f '<swap-helper>'",
    ]);
  });
});

describe('quarantine-and-swap: real apps (issue 12)', () => {
  // find-container and stop-app as the run makes them, the snapshot staged: the window is open.
  async function stopped(world: TestWorld): Promise<TestWorld> {
    world.runtime.putFile('app', STAGED, SNAPSHOT);
    const run = await runSteps([findContainer, stopApp], world.deps);
    expect(run.failed?.message).toBeUndefined();
    world.facts.stagedPath = STAGED;
    world.facts.snapshot = { path: '/inc/snapshot.db', sha256: sha256Of(SNAPSHOT), bytes: SNAPSHOT.length, tables: LOCAL_TABLES };
    world.runtime.calls.length = 0;
    return world;
  }
  const stagedWorld = async (world: TestWorld) => {
    world.facts.stagedPath = STAGED;
    return stopped(world);
  };

  it('a writer that runs again is refused before anything moves', async () => {
    const world = await stagedWorld(realApp({ restartPolicy: ALWAYS }));
    await world.runtime.start('app');
    const run = await runStep(quarantineAndSwap, world.deps);
    expect(run.exitCode).toBe(1);
    expect(run.failed?.message).toBe('app is running: the swap needs every writer stopped');
    expect(run.failed?.hint).toMatch(
      /^something started it since the stop .*: stop it \(docker stop app\) and retry this step; nothing was moved by this attempt$/,
    );
    expect(world.runtime.execArgvs()).toEqual([]);
    expect(world.runtime.fileAt('app', DB)?.content).not.toEqual(SNAPSHOT);
  });

  it('a daemon restart stopped the helper: it is replaced, the policy kept the app down', async () => {
    const world = await stagedWorld(realApp({ restartPolicy: ALWAYS }));
    world.runtime.restartDaemon();
    expect(world.runtime.state('app')).toBe('exited');
    expect(world.runtime.state(HELPER)).toBe('exited');
    const run = await runStep(quarantineAndSwap, world.deps);
    expect(run.exitCode).toBe(0);
    expect(
      run.planned
        .get('quarantine-and-swap')
        ?.slice(0, 2)
        .map((action) => (action.kind === 'call' ? action.cli.slice(0, 4).join(' ') : '')),
    ).toEqual([`docker rm -f ${HELPER}`, `docker run -d --name`]);
    expect(world.runtime.fileAt('app', DB)?.content).toEqual(SNAPSHOT);
  });

  it('fails before anything moved: the restart policy is put back (the app may start as it was)', async () => {
    const world = await stagedWorld(realApp({ restartPolicy: UNLESS_STOPPED }));
    world.runtime.failExec((argv) => argv[0] === 'mkdir', { exitCode: 1, stdout: '', stderr: 'mkdir: Read-only file system\n' });
    const run = await runStep(quarantineAndSwap, world.deps);
    expect(run.exitCode).toBe(1);
    expect(world.runtime.restartPolicyOf('app')).toEqual(UNLESS_STOPPED);
    expect(run.findings).toContain('nothing was moved: restart policy put back (app: unless-stopped)');
    expect(JSON.parse(world.incidentFiles.read(DOWNTIME_RECORD)).restoredAt).toBeDefined();
  });

  it('fails after a file moved: the policy stays no, so nothing starts the app on a half-swapped volume', async () => {
    const world = await stagedWorld(realApp({ restartPolicy: ALWAYS }));
    world.runtime.failExec((argv) => argv[0] === 'mv' && argv[1] === `${DB}-wal`, {
      exitCode: 1,
      stdout: '',
      stderr: 'mv: Permission denied\n',
    });
    const run = await runStep(quarantineAndSwap, world.deps);
    expect(run.exitCode).toBe(1);
    expect(world.runtime.restartPolicyOf('app')).toEqual({ name: 'no', maximumRetryCount: 0 });
    world.runtime.restartDaemon();
    expect(world.runtime.state('app')).toBe('exited');
    expect(describeRunState(world.facts)).toContain(
      'restart policy set to no for the downtime window (it was app: always): `sqlite-rescue resume` finishes the restore and puts it ' +
        'back; by hand only once the swap is finished',
    );
  });

  it('a retry after the policy was put back sets it to no again before anything moves', async () => {
    const world = await stagedWorld(realApp({ restartPolicy: UNLESS_STOPPED }));
    let mkdirs = 0;
    world.runtime.failExec((argv) => argv[0] === 'mkdir' && (mkdirs += 1) === 1, { exitCode: 1, stdout: '', stderr: 'mkdir: busy\n' });
    expect((await runStep(quarantineAndSwap, world.deps)).exitCode).toBe(1);
    expect(world.runtime.restartPolicyOf('app')).toEqual(UNLESS_STOPPED);
    world.runtime.calls.length = 0;
    const retry = await runStep(quarantineAndSwap, world.deps);
    expect(retry.exitCode).toBe(0);
    expect(retry.planned.get('quarantine-and-swap')?.[0]).toMatchObject({
      kind: 'call',
      cli: ['docker', 'update', '--restart', 'no', 'app'],
    });
    expect(JSON.parse(world.incidentFiles.read(DOWNTIME_RECORD)).restoredAt).toBeUndefined();
  });

  it('a Swarm service scaled to 0: its task container is gone, the volume is read through the swap helper', async () => {
    const world = swarmApp();
    world.runtime.putFile(world.task, STAGED, SNAPSHOT);
    await runSteps([findContainer, stopApp], { ...world.deps, facts: Object.assign(world.facts, { stagedPath: STAGED }) });
    world.facts.snapshot = { path: '/inc/snapshot.db', sha256: sha256Of(SNAPSHOT), bytes: SNAPSHOT.length, tables: LOCAL_TABLES };
    const helper = `${world.facts.target?.containerName}-rescue-${INCIDENT_ID}-swap`;
    await expect(world.runtime.inspect(world.task)).rejects.toThrow(/no container/);
    const run = await runStep(quarantineAndSwap, world.deps);
    expect(run.exitCode).toBe(0);
    expect(new Set(world.runtime.calls.filter((call) => call.method === 'statPath').map((call) => call.args[0]))).toEqual(
      new Set([helper]),
    );
    expect(run.findings.at(-1)).toMatch(/\/data\/app\.db is now the snapshot/);
  });
});
