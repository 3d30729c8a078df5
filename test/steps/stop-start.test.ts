import { describe, expect, it } from 'vitest';
import { startApp } from '../../src/steps/start-app.js';
import { stopApp } from '../../src/steps/stop-app.js';
import { fakeDb } from '../fakes/fake-db.js';
import { INCIDENT_ID, makeDeps, type TestWorld } from '../fakes/make-deps.js';
import { DB, settleTarget, setUpOutage } from '../fakes/outage.js';
import { runStep } from '../fakes/run-step.js';

async function outage(): Promise<TestWorld> {
  const world = makeDeps({ container: 'app', db: DB });
  setUpOutage(world);
  await settleTarget(world);
  world.facts.stagedPath = '/data/.app.db.staged';
  world.runtime.calls.length = 0;
  return world;
}

describe('stop-app', () => {
  it('stops the container and records when', async () => {
    const world = await outage();
    const run = await runStep(stopApp, world.deps);
    expect(run.exitCode).toBe(0);
    expect(world.runtime.state('app')).toBe('exited');
    expect(world.facts.stoppedAt).toBe(world.clock.now());
    const id = world.facts.target?.containerId;
    expect(world.runtime.calls.filter((call) => call.method === 'stop')).toEqual([{ method: 'stop', args: [id, 30] }]);
    // The swap's helper first, while the app still runs: its start is not downtime. Each is an engine API call,
    // recorded as the call with the CLI equivalent beside it.
    const helper = `app-rescue-${INCIDENT_ID}-swap`;
    expect(run.commands.filter((command) => command.phase === 'action').map((command) => command.action)).toEqual([
      {
        kind: 'call',
        where: 'engine',
        call: `POST /containers/create?name=${helper}, POST /containers/${helper}/start`,
        cli: ['docker', 'run', '-d', '--name', helper, '--label', `sqlite-rescue.helper=${INCIDENT_ID}`, '--volumes-from', 'app', '--network', 'none', '--entrypoint', 'sleep', 'ghcr.io/acme/app:3f2c1a', '86400'],
        mutates: true,
      },
      { kind: 'call', where: 'engine', call: `POST /containers/${id}/stop?t=30`, cli: ['docker', 'stop', '-t', '30', 'app'], mutates: true },
    ]);
    expect(world.runtime.state(helper)).toBe('running');
    expect(run.findings).toEqual(['stopped app at 2025-01-01T02:00:00.000Z (now exited)']);
  });

  it('resumed after the swap and the start: counts as done, the app is not stopped a second time', async () => {
    const world = await outage();
    const staged = world.facts.stagedPath as string;
    const snapshot = fakeDb({ tables: { posts: 40 }, note: 'snapshot' });
    world.facts.snapshot = { path: '/inc/snapshot.db', sha256: 'x', bytes: snapshot.length, tables: { posts: 40 } };
    // The swap as it left things: old files in quarantine, the snapshot under the live name, nothing staged.
    world.runtime.putFile('app', `/data/rescue-quarantine/${INCIDENT_ID}/app.db`, 'old corrupt db');
    world.runtime.putFile('app', DB, snapshot);
    expect(world.runtime.fileAt('app', staged)).toBeUndefined();
    const run = await runStep(stopApp, world.deps, { resumeFrom: new Map([['stop-app', { at: '2025-01-01T01:59:00.000Z', summary: 'stopped app in 0.2 s' }]]) });
    expect(run.exitCode).toBe(0);
    expect(world.runtime.state('app')).toBe('running');
    expect(world.runtime.calls.filter((call) => call.method === 'stop' || call.method === 'startHelper')).toEqual([]);
    expect(run.events.find((event) => event.type === 'step-succeeded')).toMatchObject({ summary: 'verified after the interruption: the swap it was stopped for is in place and app runs again' });
  });

  it('resumed while the app runs and nothing was swapped: stops it again', async () => {
    const world = await outage();
    world.facts.snapshot = { path: '/inc/snapshot.db', sha256: 'x', bytes: 10, tables: {} };
    const run = await runStep(stopApp, world.deps, { resumeFrom: new Map([['stop-app', { at: '2025-01-01T01:59:00.000Z', summary: 'stopped app in 0.2 s' }]]) });
    expect(run.exitCode).toBe(0);
    expect(world.runtime.state('app')).toBe('exited');
    expect(world.facts.stoppedAt).toBe(world.clock.now());
  });

  it('an image that cannot run the swap helper: refused before the stop, the app keeps running', async () => {
    const world = await outage();
    world.runtime.withoutBinary('sleep');
    const run = await runStep(stopApp, world.deps);
    expect(run.exitCode).toBe(1);
    expect(run.failed?.message).toMatch(/^cannot start the helper container that would do the swap: /);
    expect(run.failed?.hint).toMatch(/^app was not stopped and nothing was changed/);
    expect(world.runtime.state('app')).toBe('running');
    expect(world.runtime.calls.filter((call) => call.method === 'stop')).toEqual([]);
  });

  it('refuses before anything is staged', async () => {
    const world = await outage();
    world.facts.stagedPath = undefined;
    const run = await runStep(stopApp, world.deps);
    expect(run.failed?.hint).toBe('run the step "stage-in-container" first (it was skipped or failed)');
    expect(world.runtime.state('app')).toBe('running');
  });

  it('interactive: the operator must type the container name', async () => {
    const world = await outage();
    const run = await runStep(stopApp, world.deps, { answer: () => ({ kind: 'confirm-typed', typed: 'app-pr-12' }) });
    expect(run.exitCode).toBe(3);
    expect(world.runtime.state('app')).toBe('running');
  });

  it('dry-run: says the command and that the downtime is unknown', async () => {
    const world = await outage();
    const run = await runStep(stopApp, world.deps, { isDryRun: true });
    const helper = `app-rescue-${INCIDENT_ID}-swap`;
    expect(run.events.find((event) => event.type === 'step-not-performed')).toMatchObject({
      commands: [`docker run -d --name ${helper} --label sqlite-rescue.helper=${INCIDENT_ID} --volumes-from app --network none --entrypoint sleep ghcr.io/acme/app:3f2c1a 86400`, 'docker stop -t 30 app'],
    });
    expect(run.findings).toEqual(['dry-run could not tell: whether app stops cleanly within 30 s, and so the real downtime']);
    expect(world.runtime.state('app')).toBe('running');
  });
});

describe('start-app', () => {
  it('starts the container, records when, and gives the downtime', async () => {
    const world = await outage();
    await world.runtime.stop('app', 30);
    world.facts.stoppedAt = world.clock.now();
    world.clock.advance(61_000);
    const run = await runStep(startApp, world.deps);
    expect(run.exitCode).toBe(0);
    expect(world.runtime.state('app')).toBe('running');
    expect(world.facts.startedAt).toBe(world.facts.stoppedAt + 61_000);
    expect(world.clock.sleeps).toEqual([1000]);
    expect(run.findings).toEqual(['started app: downtime 61.0 s (stop → start)']);
    expect(run.events.find((event) => event.type === 'step-succeeded')).toMatchObject({ summary: 'started app, downtime 61.0 s' });
  });

  it('an app that exits at once fails the step, saying where things are', async () => {
    const world = makeDeps({ container: 'app', db: DB });
    world.runtime.addContainer({ name: 'app', state: 'exited', exitsOnStart: true, mounts: [{ destination: '/data', volume: 'v' }] });
    await settleTarget(world);
    const run = await runStep(startApp, world.deps);
    expect(run.exitCode).toBe(1);
    expect(run.failed?.message).toBe('app did not stay up: it is exited');
    expect(run.failed?.hint).toContain('docker logs app');
  });
});
