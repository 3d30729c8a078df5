import { describe, expect, it } from 'vitest';
import { quarantineAndSwap, swapCommands } from '../../src/steps/quarantine-and-swap.js';
import { fakeDb } from '../fakes/fake-db.js';
import { sha256Of } from '../fakes/fake-local-files.js';
import { INCIDENT_ID, makeDeps, type TestWorld } from '../fakes/make-deps.js';
import { DB, LOCAL_TABLES, setUpOutage } from '../fakes/outage.js';
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
  world.facts.container = await world.runtime.inspect('app');
  world.facts.stagedPath = STAGED;
  world.facts.stoppedAt = world.clock.now();
  world.facts.snapshot = { path: '/inc/snapshot.db', sha256: sha256Of(SNAPSHOT), bytes: SNAPSHOT.length, tables: LOCAL_TABLES };
  const old = Object.fromEntries([DB, `${DB}-wal`, `${DB}-shm`].map((path) => [path, world.runtime.fileAt('app', path)?.content as Buffer]));
  world.runtime.calls.length = 0;
  return { ...world, old };
}

const helperOf = (world: TestWorld) => world.runtime.calls.find((call) => call.method === 'startHelper');
const noRm = (world: TestWorld) => expect(world.runtime.execArgvs().filter((argv) => argv.some((arg) => /^(rm|rmdir|unlink|truncate)$/.test(arg)))).toEqual([]);

describe('quarantine-and-swap', () => {
  it('renames the .db, -wal and -shm into quarantine, then the staged copy to the live name', async () => {
    const world = await readyToSwap();
    const run = await runStep(quarantineAndSwap, world.deps, { mutates: true });
    expect(run.exitCode).toBe(0);
    expect(helperOf(world)?.args).toEqual([world.facts.container?.id, INCIDENT_ID]);
    const helperExecs = world.runtime.calls.filter((call) => call.method === 'exec');
    expect(new Set(helperExecs.map((call) => call.args[0])).size).toBe(1);
    expect(helperExecs[0].args[0]).not.toBe(world.facts.container?.id);
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
    expect(run.events.filter((event) => event.type === 'command').map((event) => event.type === 'command' && event.command.where)).toEqual(['engine', 'helper', 'helper', 'helper', 'helper', 'helper']);
  });

  it('uses the helper stop-app started before the stop, and removes it', async () => {
    const world = await readyToSwap();
    const ready = await world.runtime.startHelper(world.facts.container?.id as string, INCIDENT_ID);
    world.facts.swapHelperId = ready;
    world.runtime.calls.length = 0;
    const run = await runStep(quarantineAndSwap, world.deps, { mutates: true });
    expect(run.exitCode).toBe(0);
    expect(helperOf(world)).toBeUndefined();
    expect(new Set(world.runtime.calls.filter((call) => call.method === 'exec').map((call) => call.args[0]))).toEqual(new Set([ready]));
    expect(world.runtime.calls.filter((call) => call.method === 'removeHelper').map((call) => call.args[0])).toEqual([ready]);
    expect(run.events.filter((event) => event.type === 'command').every((event) => event.type === 'command' && event.command.where === 'helper')).toBe(true);
    expect(world.runtime.fileAt('app', DB)?.content).toEqual(SNAPSHOT);
  });

  it('a database without a -wal: only the files that exist are moved', async () => {
    const world = await readyToSwap();
    world.runtime.deleteFile('app', `${DB}-wal`);
    const run = await runStep(quarantineAndSwap, world.deps, { mutates: true });
    expect(run.exitCode).toBe(0);
    expect(world.runtime.execArgvs().filter((argv) => argv[0] === 'mv').map((argv) => argv[1])).toEqual([DB, `${DB}-shm`, STAGED]);
    expect(world.facts.quarantined?.map((file) => file.from)).toEqual([DB, `${DB}-shm`]);
  });

  it('a failing mv stops the step, says what was moved, and the helper is still removed', async () => {
    const world = await readyToSwap();
    world.runtime.failExec((argv) => argv[0] === 'mv' && argv[1] === `${DB}-wal`, { exitCode: 1, stdout: '', stderr: "mv: can't rename '/data/app.db-wal': Permission denied\n" });
    const run = await runStep(quarantineAndSwap, world.deps, { mutates: true });
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
    const run = await runStep(quarantineAndSwap, world.deps, { mutates: true });
    expect(run.exitCode).toBe(1);
    expect(run.failed?.hint).toBe('nothing was moved; the app is stopped: docker start app to bring it back as it was');
    expect(world.runtime.calls.filter((call) => call.method === 'removeHelper')).toHaveLength(1);
  });

  it('a staged file of the wrong size: nothing is moved, no helper started', async () => {
    const world = await readyToSwap();
    world.runtime.putFile('app', STAGED, SNAPSHOT.subarray(0, 10));
    const run = await runStep(quarantineAndSwap, world.deps, { mutates: true });
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
    const run = await runStep(quarantineAndSwap, world.deps, { mutates: true });
    expect(run.failed?.message).toBe('the staged copy /data/.gone is gone');
    expect(world.runtime.execArgvs()).toEqual([]);
  });

  it('dry-run: probes the helper binaries and lists the docker run commands', async () => {
    const world = await readyToSwap();
    await world.runtime.start('app');
    const run = await runStep(quarantineAndSwap, world.deps, { mutates: true, isDryRun: true });
    expect(run.exitCode).toBe(0);
    expect(world.runtime.execArgvs()).toEqual([['sleep', '--help'], ['mkdir', '--help'], ['mv', '--help']]);
    expect(run.findings[0]).toBe('the image ghcr.io/acme/app:3f2c1a has sleep, mkdir and mv: the swap helper can run');
    expect(run.events.find((event) => event.type === 'step-not-performed')).toMatchObject({
      commands: swapCommands('app', 'ghcr.io/acme/app:3f2c1a', DB, INCIDENT_ID).map((argv) => argv.join(' ')),
    });
    expect(world.runtime.fileAt('app', DB)?.content).toEqual(world.old[DB]);
  });

  it('swapCommands: the by-hand equivalent, renames only', () => {
    expect(swapCommands('app', 'img:1', DB, 'I')).toEqual([
      ['docker', 'run', '--rm', '--volumes-from', 'app', '--entrypoint', 'mkdir', 'img:1', '-p', '/data/rescue-quarantine/I'],
      ['docker', 'run', '--rm', '--volumes-from', 'app', '--entrypoint', 'mv', 'img:1', DB, '/data/rescue-quarantine/I/'],
      ['docker', 'run', '--rm', '--volumes-from', 'app', '--entrypoint', 'mv', 'img:1', `${DB}-wal`, '/data/rescue-quarantine/I/'],
      ['docker', 'run', '--rm', '--volumes-from', 'app', '--entrypoint', 'mv', 'img:1', `${DB}-shm`, '/data/rescue-quarantine/I/'],
      ['docker', 'run', '--rm', '--volumes-from', 'app', '--entrypoint', 'mv', 'img:1', `/data/.app.db.rescue-I.incoming`, DB],
    ]);
  });
});
