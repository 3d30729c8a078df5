import { describe, expect, it } from 'vitest';
import { displayLine } from '../../src/runbook/actions.js';
import { quarantineAndSwap } from '../../src/steps/quarantine-and-swap.js';
import { fakeDb } from '../fakes/fake-db.js';
import { sha256Of } from '../fakes/fake-local-files.js';
import { INCIDENT_ID, makeDeps, type TestWorld } from '../fakes/make-deps.js';
import { DB, LOCAL_TABLES, settleTarget, setUpOutage } from '../fakes/outage.js';
import { runStep } from '../fakes/run-step.js';

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
  const old = Object.fromEntries([DB, `${DB}-wal`, `${DB}-shm`].map((path) => [path, world.runtime.fileAt('app', path)?.content as Buffer]));
  world.runtime.calls.length = 0;
  return { ...world, old };
}

const HELPER = `app-rescue-${INCIDENT_ID}-swap`;
const helperOf = (world: TestWorld) => world.runtime.calls.find((call) => call.method === 'startHelper');
const noRm = (world: TestWorld) => expect(world.runtime.execArgvs().filter((argv) => argv.some((arg) => /^(rm|rmdir|unlink|truncate)$/.test(arg)))).toEqual([]);

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
    for (const [path, content] of Object.entries(world.old)) expect(world.runtime.fileAt('app', `${QUARANTINE}/${path.slice('/data/'.length)}`)?.content).toEqual(content);
    expect(world.runtime.calls.filter((call) => call.method === 'removeHelper')).toHaveLength(1);
    expect((await world.runtime.listContainers()).map((container) => container.name)).toEqual(['app', 'app-pr-12']);
    expect(world.facts).toMatchObject({ swapped: true, quarantineDir: QUARANTINE, quarantined: [{ from: DB, to: `${QUARANTINE}/app.db`, size: world.old[DB].length }, { from: `${DB}-wal` }, { from: `${DB}-shm` }] });
    expect(run.commands.filter((command) => command.phase === 'action').map((command) => command.action.where)).toEqual(['engine', 'helper', 'helper', 'helper', 'helper', 'helper', 'engine']);
    expect(JSON.parse(world.incidentFiles.read('quarantine-manifest.json'))).toMatchObject({ dir: QUARANTINE, files: [{ from: DB }, { from: `${DB}-wal` }, { from: `${DB}-shm` }] });
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
    expect(run.commands.filter((command) => command.phase === 'action').map((command) => command.action.where)).toEqual(['helper', 'helper', 'helper', 'helper', 'helper', 'engine']);
    expect(world.runtime.fileAt('app', DB)?.content).toEqual(SNAPSHOT);
  });

  it('a database without a -wal: only the files that exist are moved', async () => {
    const world = await readyToSwap();
    world.runtime.deleteFile('app', `${DB}-wal`);
    const run = await runStep(quarantineAndSwap, world.deps);
    expect(run.exitCode).toBe(0);
    expect(world.runtime.execArgvs().filter((argv) => argv[0] === 'mv').map((argv) => argv[1])).toEqual([DB, `${DB}-shm`, STAGED]);
    expect(world.facts.quarantined?.map((file) => file.from)).toEqual([DB, `${DB}-shm`]);
  });

  it('a failing mv stops the step, says what was moved, and the helper is still removed', async () => {
    const world = await readyToSwap();
    world.runtime.failExec((argv) => argv[0] === 'mv' && argv[1] === `${DB}-wal`, { exitCode: 1, stdout: '', stderr: "mv: can't rename '/data/app.db-wal': Permission denied\n" });
    const run = await runStep(quarantineAndSwap, world.deps);
    expect(run.exitCode).toBe(1);
    expect(run.failed?.message).toBe(`mv ${DB}-wal ${QUARANTINE}/app.db-wal failed (exit 1): mv: can't rename '/data/app.db-wal': Permission denied`);
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
