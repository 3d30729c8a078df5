// The whole runbook against the real apps of issue 12, in the fakes: a crash-looping app, one whose PID 1 cannot hear
// SIGTERM, a Swarm service, Compose replicas. What an operator would check afterwards: the app runs and stays up, its
// restart policy (or replica count) is back as it was, the snapshot is live, the old files are quarantined.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/runbook/events.js';
import { renderReport } from '../../src/report/render-report.js';
import { DOWNTIME_RECORD } from '../../src/steps/downtime-record.js';
import { INCIDENT_ID, type TestWorld } from '../fakes/make-deps.js';
import { DB } from '../fakes/outage.js';
import { ALWAYS, composeReplicas, crashLooping, DEAF_PID1, realApp, serviceWrites, swarmApp, UNLESS_STOPPED } from '../fakes/real-apps.js';
import { restore } from '../fakes/run-runbook.js';

const QUARANTINE = `/data/rescue-quarantine/${INCIDENT_ID}`;
const ALL_STEPS = [
  'find-container',
  'check-live-db',
  'test-backups',
  'choose-source',
  'snapshot-source',
  'stage-in-container',
  'stop-app',
  'quarantine-and-swap',
  'start-app',
  'verify',
];
const succeeded = (events: readonly RunEvent[]) => events.flatMap((event) => (event.type === 'step-succeeded' ? [event.stepId] : []));
const failure = (events: readonly RunEvent[]) => events.find((event) => event.type === 'step-failed');

function expectRestored(world: TestWorld, container: string): void {
  expect(world.runtime.fileAt(container, DB)?.content).toEqual(world.files.read(join(world.deps.incident.dir, 'snapshot.db')));
  expect(world.runtime.listFiles(container, QUARANTINE)).toEqual([
    `${QUARANTINE}/app.db`,
    `${QUARANTINE}/app.db-shm`,
    `${QUARANTINE}/app.db-wal`,
  ]);
}

describe('the whole restore of real apps, against the fakes', () => {
  it('a crash-looping app under unless-stopped: running and stable, its policy back, nothing run inside it while it looped', async () => {
    const world = crashLooping(UNLESS_STOPPED);
    world.runtime.appWritesTo('app', `${DB}-wal`);
    const { exitCode, events } = await restore(world);
    expect(failure(events)).toBeUndefined();
    expect(exitCode).toBe(0);
    expect(succeeded(events)).toEqual(ALL_STEPS);
    expect(world.runtime.state('app')).toBe('running');
    expect(world.runtime.restartPolicyOf('app')).toEqual(UNLESS_STOPPED);
    expectRestored(world, 'app');
    // Before the stop nothing ran in the app's own container: it was restarting.
    const appId = world.facts.target?.containerId;
    const stopAt = events.findIndex((event) => event.type === 'step-started' && event.stepId === 'stop-app');
    const execsBefore = events
      .slice(0, stopAt)
      .flatMap((event) => (event.type === 'command' && event.command.action.kind === 'argv' ? [event.command.action.container] : []));
    expect(execsBefore.length).toBeGreaterThan(0);
    expect(execsBefore.every((name) => name !== 'app' && name !== appId)).toBe(true);
    // Its backups are checked in place by the image's sqlite3 in a read-only helper, never copied out one by one.
    const backupCommands = events.flatMap((event) =>
      event.type === 'command' && event.stepId === 'test-backups' ? [event.command.action] : [],
    );
    expect(
      backupCommands.some(
        (action) => action.kind === 'argv' && action.where === 'helper' && action.argv.join(' ').includes('integrity_check'),
      ),
    ).toBe(true);
    expect(
      backupCommands.some(
        (action) => action.kind === 'call' && action.call.startsWith('GET ') && action.call.includes('/archive?path=/data/backups/'),
      ),
    ).toBe(false);
    const report = renderReport(events);
    expect(report).toContain('restart policy set to no for the downtime window (it was app: unless-stopped), put back after the start');
    expect(report).toContain('restart policy put back as it was: app: unless-stopped');
    expect(report).toMatch(/the app stayed up 5\.0 s \(restart count 0, unchanged\) and wrote to the database/);
    expect(JSON.parse(world.incidentFiles.read(DOWNTIME_RECORD))).toMatchObject({
      policies: [{ name: 'app', policy: UNLESS_STOPPED }],
      restoredAt: expect.any(String),
    });
  });

  it("a crash-looper caught in the instant it runs between two crashes: still read through copies, never exec'd into", async () => {
    // Started by the engine 2 s before the run (restart count 7): one crash from restarting again.
    const world = realApp({
      state: 'running',
      restartPolicy: UNLESS_STOPPED,
      restartCount: 7,
      startedAt: '2025-01-01T01:59:58.000Z',
      exitsWhileCorrupt: DB,
    });
    world.runtime.appWritesTo('app', `${DB}-wal`);
    const { exitCode, events } = await restore(world);
    expect(failure(events)).toBeUndefined();
    expect(exitCode).toBe(0);
    const stopAt = events.findIndex((event) => event.type === 'step-started' && event.stepId === 'stop-app');
    const inApp = events
      .slice(0, stopAt)
      .filter((event) => event.type === 'command' && event.command.action.kind === 'argv' && event.command.action.container === 'app');
    expect(inApp).toEqual([]);
    expect(
      events.some((event) => event.type === 'step-output' && event.stepId === 'check-live-db' && /not running steadily/.test(event.line)),
    ).toBe(true);
  });

  it('PID 1 ignores SIGTERM: killed after 1 s, not the 10 s docker would wait', async () => {
    const world = realApp({ pid1: DEAF_PID1, restartPolicy: ALWAYS });
    world.runtime.appWritesTo('app', `${DB}-wal`);
    const { exitCode, events } = await restore(world);
    expect(exitCode).toBe(0);
    expect(events.find((event) => event.type === 'step-succeeded' && event.stepId === 'stop-app')).toMatchObject({
      summary: 'stopped app in 1.0 s',
      durationMs: 1000,
    });
    expect(world.runtime.restartPolicyOf('app')).toEqual(ALWAYS);
  });

  it('a one-replica Swarm service: scaled to 0 and back to 1, verified on its new task', async () => {
    const world = swarmApp();
    serviceWrites(world, 'app', `${DB}-wal`);
    const { exitCode, events } = await restore(world);
    expect(failure(events)).toBeUndefined();
    expect(exitCode).toBe(0);
    const service = world.runtime.swarm.inspect('app');
    expect(service.replicas).toBe(1);
    expect(service.tasks).toHaveLength(1);
    const task = service.tasks[0].containerId as string;
    expect(task).not.toBe(world.task);
    expect(world.facts.target?.containerId).toBe(task);
    expectRestored(world, task);
    expect(
      world.runtime.calls.filter((call) => call.method === 'stop' || call.method === 'start' || call.method === 'setRestartPolicy'),
    ).toEqual([]);
  });

  it('Compose replicas on one database: both stopped and started, both policies back', async () => {
    const world = composeReplicas();
    world.runtime.appWritesTo('shop-web-1', `${DB}-wal`);
    const { exitCode, events } = await restore(world);
    expect(failure(events)).toBeUndefined();
    expect(exitCode).toBe(0);
    expect([world.runtime.state('shop-web-1'), world.runtime.state('shop-web-2')]).toEqual(['running', 'running']);
    expect([world.runtime.restartPolicyOf('shop-web-1'), world.runtime.restartPolicyOf('shop-web-2')]).toEqual([
      UNLESS_STOPPED,
      UNLESS_STOPPED,
    ]);
    expectRestored(world, 'shop-web-1');
  });

  it('a global Swarm service: refused at find-container, exit 2, nothing changed', async () => {
    const world = swarmApp({ mode: 'global' });
    const { exitCode, events } = await restore(world);
    expect(exitCode).toBe(2);
    expect(failure(events)).toMatchObject({ stepId: 'find-container', hint: expect.stringMatching(/ — nothing was changed$/) });
    expect(
      world.runtime.calls.filter((call) =>
        ['scaleService', 'stop', 'kill', 'startHelper', 'copyIn', 'setRestartPolicy'].includes(call.method),
      ),
    ).toEqual([]);
  });
});
