import { describe, expect, it } from 'vitest';
import { startApp } from '../../src/steps/start-app.js';
import { stopApp } from '../../src/steps/stop-app.js';
import { makeDeps, type TestWorld } from '../fakes/make-deps.js';
import { DB, setUpOutage } from '../fakes/outage.js';
import { runStep } from '../fakes/run-step.js';

async function outage(): Promise<TestWorld> {
  const world = makeDeps({ container: 'app', db: DB });
  setUpOutage(world);
  world.facts.container = await world.runtime.inspect('app');
  world.facts.stagedPath = '/data/.app.db.staged';
  world.runtime.calls.length = 0;
  return world;
}

describe('stop-app', () => {
  it('stops the container and records when', async () => {
    const world = await outage();
    const run = await runStep(stopApp, world.deps, { mutates: true });
    expect(run.exitCode).toBe(0);
    expect(world.runtime.state('app')).toBe('exited');
    expect(world.facts.stoppedAt).toBe(world.clock.now());
    expect(world.runtime.calls.filter((call) => call.method === 'stop')).toEqual([{ method: 'stop', args: [world.facts.container?.id, 30] }]);
    expect(run.events.find((event) => event.type === 'command')).toMatchObject({ command: { argv: ['docker', 'stop', '-t', '30', 'app'], where: 'engine' } });
    expect(run.findings).toEqual(['stopped app at 2025-01-01T02:00:00.000Z (now exited)']);
  });

  it('refuses before anything is staged', async () => {
    const world = await outage();
    world.facts.stagedPath = undefined;
    const run = await runStep(stopApp, world.deps, { mutates: true });
    expect(run.failed?.hint).toBe('run the step "stage-in-container" first (it was skipped or failed)');
    expect(world.runtime.state('app')).toBe('running');
  });

  it('interactive: the operator must type the container name', async () => {
    const world = await outage();
    const run = await runStep(stopApp, world.deps, { mutates: true, answer: () => ({ kind: 'confirm-typed', typed: 'app-pr-12' }) });
    expect(run.exitCode).toBe(3);
    expect(world.runtime.state('app')).toBe('running');
  });

  it('dry-run: says the command and that the downtime is unknown', async () => {
    const world = await outage();
    const run = await runStep(stopApp, world.deps, { mutates: true, isDryRun: true });
    expect(run.events.find((event) => event.type === 'step-not-performed')).toMatchObject({ commands: ['docker stop -t 30 app'] });
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
    const run = await runStep(startApp, world.deps, { mutates: true });
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
    world.facts.container = await world.runtime.inspect('app');
    const run = await runStep(startApp, world.deps, { mutates: true });
    expect(run.exitCode).toBe(1);
    expect(run.failed?.message).toBe('app did not stay up: it is exited');
    expect(run.failed?.hint).toContain('docker logs app');
  });
});
