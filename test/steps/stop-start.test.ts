import { describe, expect, it } from 'vitest';
import type { Prompt } from '../../src/runbook/events.js';
import { DOWNTIME_RECORD } from '../../src/steps/downtime-record.js';
import { startApp } from '../../src/steps/start-app.js';
import { stopApp } from '../../src/steps/stop-app.js';
import type { StepKind } from '../../src/steps/step-kind.js';
import { fakeDb } from '../fakes/fake-db.js';
import type { ContainerSpec } from '../fakes/fake-container-runtime.js';
import { INCIDENT_ID, makeDeps, type TestWorld } from '../fakes/make-deps.js';
import { DB, settleTarget, setUpOutage } from '../fakes/outage.js';
import { ALWAYS, composeReplicas, crashLooping, DEAF_PID1, realApp, swarmApp, UNLESS_STOPPED } from '../fakes/real-apps.js';
import { runStep, runSteps, type StepRun } from '../fakes/run-step.js';
import { findContainer } from '../../src/steps/find-container.js';

const HELPER = `app-rescue-${INCIDENT_ID}-swap`;
const STAGED = '/data/.app.db.staged';

async function outage(): Promise<TestWorld> {
  const world = makeDeps({ container: 'app', db: DB });
  setUpOutage(world);
  await settleTarget(world);
  world.facts.stagedPath = STAGED;
  world.runtime.calls.length = 0;
  return world;
}

// A world of real-apps.ts after find-container (writers and all), with the copy staged: ready for the stop.
async function readyToStop(world: TestWorld): Promise<TestWorld> {
  const found = await runStep(findContainer, world.deps);
  expect(found.failed?.message).toBeUndefined();
  world.facts.stagedPath = STAGED;
  world.runtime.calls.length = 0;
  return world;
}

const actionsOf = (run: StepRun) => run.commands.filter((command) => command.phase === 'action').map((command) => command.action);
const cliOf = (run: StepRun) => actionsOf(run).map((action) => (action.kind === 'call' ? action.cli.join(' ') : action.argv.join(' ')));
const record = (world: TestWorld) => JSON.parse(world.incidentFiles.read(DOWNTIME_RECORD));
const confirmQuestion = async (kind: StepKind, world: TestWorld) => {
  const prompts: Prompt[] = [];
  await runStep(kind, world.deps, { answer: (prompt) => (prompts.push(prompt), { kind: 'confirm-typed', typed: 'app' }) });
  return prompts.find((prompt) => prompt.kind === 'confirm-typed')?.message;
};

describe('stop-app', () => {
  it("stops the container with docker's default 10 s (never a fixed 30), and records when", async () => {
    const world = await outage();
    const run = await runStep(stopApp, world.deps);
    expect(run.exitCode).toBe(0);
    expect(world.runtime.state('app')).toBe('exited');
    expect(world.facts.stoppedAt).toBe(world.clock.now());
    const id = world.facts.target?.containerId;
    expect(world.runtime.calls.filter((call) => call.method === 'stop')).toEqual([{ method: 'stop', args: [id, 10] }]);
    // The swap's helper first, while the app still runs: its start is not downtime. Each is an engine API call,
    // recorded as the call with the CLI equivalent beside it. The policy is `no` already: nothing to change.
    expect(actionsOf(run)).toEqual([
      {
        kind: 'call',
        where: 'engine',
        call: `POST /containers/create?name=${HELPER}, POST /containers/${HELPER}/start`,
        cli: [
          'docker',
          'run',
          '-d',
          '--name',
          HELPER,
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
        mutates: true,
      },
      {
        kind: 'call',
        where: 'engine',
        call: `POST /containers/${id}/stop?t=10`,
        cli: ['docker', 'stop', '-t', '10', 'app'],
        mutates: true,
      },
    ]);
    expect(world.runtime.state(HELPER)).toBe('running');
    expect(run.findings).toEqual([
      "PID 1 `/app/run.sh` handles SIGTERM: app gets docker's default 10 s to exit",
      'stopped app at 2025-01-01T02:00:00.000Z in 0.0 s (now app exited)',
    ]);
    // PID 1 was read before the stop, and a countdown shown while docker waited.
    expect(world.runtime.calls.findIndex((call) => call.method === 'readPid1Signals')).toBeLessThan(
      world.runtime.calls.findIndex((call) => call.method === 'stop'),
    );
    expect(run.events.filter((event) => event.type === 'step-waiting')).toMatchObject([
      { what: 'app: up to 10 s to exit on SIGTERM; docker kills it then', untilMs: world.clock.now() + 10_000 },
      { stepId: 'stop-app' },
    ]);
  });

  it.each<[string, Partial<ContainerSpec>, { stopTimeout?: number }, number, number, string]>([
    [
      'its own StopTimeout',
      { stopTimeout: 25, sigtermExitMs: 3000 },
      {},
      25,
      3000,
      'PID 1 `/app/run.sh` handles SIGTERM: app gets its own stop timeout of 25 s to exit',
    ],
    [
      'PID 1 ignores SIGTERM: killed after the short grace',
      { pid1: DEAF_PID1 },
      {},
      1,
      1000,
      'PID 1 `/app/run.sh` ignores SIGTERM (it installs no handler, and the kernel drops it for a PID 1): docker would wait 10 s and ' +
        'then kill it; it is killed after a 1 s grace instead',
    ],
    [
      'an app that takes 3 s to stop cleanly gets its 3 s',
      { sigtermExitMs: 3000 },
      {},
      10,
      3000,
      "PID 1 `/app/run.sh` handles SIGTERM: app gets docker's default 10 s to exit",
    ],
    [
      '--stop-timeout 4 wins',
      { stopTimeout: 25, pid1: DEAF_PID1 },
      { stopTimeout: 4 },
      4,
      4000,
      '--stop-timeout 4: app gets 4 s to exit; PID 1 `/app/run.sh` ignores SIGTERM, so all 4 s pass before docker kills it',
    ],
  ])('%s', async (_name, spec, options, timeoutSec, tookMs, reason) => {
    const world = await readyToStop(realApp(spec, { container: 'app', db: DB, ...options }));
    const before = world.clock.now();
    const run = await runStep(stopApp, world.deps);
    expect(run.exitCode).toBe(0);
    expect(world.runtime.calls.filter((call) => call.method === 'stop').map((call) => call.args[1])).toEqual([timeoutSec]);
    expect(world.facts.stoppedAt).toBe(before + tookMs);
    expect(run.findings[0]).toBe(reason);
  });

  it('the one downtime confirmation says the expected downtime, and why', async () => {
    expect(await confirmQuestion(stopApp, await readyToStop(realApp({ pid1: DEAF_PID1 })))).toBe(
      'Stop app (production: container app, ' +
        (await realApp().runtime.inspect('app')).id.slice(0, 12) +
        '), swap in the snapshot and start it again? The app is down from here until it is verified started: about 3 s (PID 1 ' +
        '`/app/run.sh` ignores SIGTERM (it installs no handler, and the kernel drops it for a PID 1): docker would wait 10 s and then ' +
        'kill it; it is killed after a 1 s grace instead). Type app to confirm.',
    );
    expect(await confirmQuestion(stopApp, await readyToStop(realApp()))).toMatch(
      / about 3 s, up to 12 s if it takes its whole 10 s to exit \(PID 1 `\/app\/run\.sh` handles SIGTERM/,
    );
    expect(await confirmQuestion(stopApp, await readyToStop(crashLooping()))).toMatch(
      / about 2 s \(app is restarting: it is between two crashes: the stop cancels the restart docker has scheduled\)/,
    );
  });

  it('the downtime confirmation says what the restored copy loses: since its time for a copy, what it lacks for one built now', async () => {
    const base = { ok: true, size: 4096, tables: { posts: 950 }, errors: [], mtime: '2025-01-01T01:00:00.000Z' };
    const local = await readyToStop(realApp());
    local.facts.source = { ...base, id: 'local', kind: 'local', path: '/home/op/app.db' };
    expect(await confirmQuestion(stopApp, local)).toContain(
      '; restoring the local copy loses the rows written after 2025-01-01T01:00:00.000Z.',
    );
    const merged = await readyToStop(realApp());
    const loss = { totalMissing: 0, perTable: { posts: 0 }, reference: '/incident/salvaged.db' };
    merged.facts.source = { ...base, id: 'merged', kind: 'merged', path: '/incident/merged.db', loss };
    const question = await confirmQuestion(stopApp, merged);
    expect(question).toContain('; restoring the merged copy loses nothing the damaged database still holds.');
    expect(question).not.toContain('rows written after');
  });

  it('records the restart policy, sets it to no before the stop, and a daemon restart in the window revives nothing', async () => {
    const world = await readyToStop(realApp({ restartPolicy: ALWAYS }));
    const run = await runStep(stopApp, world.deps);
    expect(run.exitCode).toBe(0);
    expect(cliOf(run).slice(1)).toEqual(['docker update --restart no app', 'docker stop -t 10 app']);
    expect(record(world)).toEqual({ policies: [{ id: world.facts.target?.containerId, name: 'app', policy: ALWAYS }] });
    expect(run.findings).toContain(
      'restart policy set to no for the downtime window (it was app: always), put back after the start; recorded in downtime-window.json',
    );
    expect(world.runtime.restartPolicyOf('app')).toEqual({ name: 'no', maximumRetryCount: 0 });
    world.runtime.restartDaemon();
    expect(world.runtime.state('app')).toBe('exited');
  });

  it('without the policy change, the same daemon restart would have revived it (the control)', async () => {
    const world = realApp({ restartPolicy: ALWAYS });
    await world.runtime.stop('app', 10);
    world.runtime.restartDaemon();
    expect(world.runtime.state('app')).toBe('running');
  });

  it('a crash-looping app: set to no, then stopped, which cancels the restart docker had scheduled', async () => {
    const world = await readyToStop(crashLooping());
    const run = await runStep(stopApp, world.deps);
    expect(run.exitCode).toBe(0);
    expect(cliOf(run).slice(1)).toEqual(['docker update --restart no app', 'docker stop -t 10 app']);
    // PID 1 of a container between two crashes cannot be read, and is not waited on.
    expect(world.runtime.calls.filter((call) => call.method === 'readPid1Signals')).toEqual([]);
    world.clock.advance(60_000);
    expect(world.runtime.state('app')).toBe('exited');
  });

  it('a failed stop puts the policy back and removes the helper', async () => {
    const world = await readyToStop(realApp({ restartPolicy: UNLESS_STOPPED }));
    world.runtime.stop = async () => {
      throw new Error('engine hung up');
    };
    const run = await runStep(stopApp, world.deps);
    expect(run.exitCode).toBe(1);
    expect(
      run.commands
        .filter((command) => command.phase === 'cleanup')
        .map((command) => (command.action.kind === 'call' ? command.action.cli.join(' ') : '')),
    ).toEqual([`docker rm -f ${HELPER}`, 'docker update --restart unless-stopped app']);
    expect(world.runtime.restartPolicyOf('app')).toEqual(UNLESS_STOPPED);
    expect(record(world).restoredAt).toBe(new Date(world.clock.now()).toISOString());
    expect(run.findings).toContain('restart policy put back after the failed stop: app: unless-stopped');
  });

  it('Compose replicas on one database: all stopped, side by side, each with its own grace', async () => {
    const world = await readyToStop(composeReplicas());
    const run = await runStep(stopApp, world.deps);
    expect(run.exitCode).toBe(0);
    expect(cliOf(run).slice(1)).toEqual([
      'docker update --restart no shop-web-1',
      'docker update --restart no shop-web-2',
      'docker stop -t 10 shop-web-1',
      'docker stop -t 10 shop-web-2',
    ]);
    expect([world.runtime.state('shop-web-1'), world.runtime.state('shop-web-2')]).toEqual(['exited', 'exited']);
  });

  it('a writer that appeared since find-container is refused before the stop, and nothing changes', async () => {
    const world = await readyToStop(realApp({ restartPolicy: UNLESS_STOPPED }));
    world.runtime.addContainer({ name: 'cron-job', mounts: [{ destination: '/srv', volume: 'app-data' }] });
    const run = await runStep(stopApp, world.deps);
    expect(run.exitCode).toBe(2);
    expect(run.failed?.message).toBe(
      "another container writes to the database's volume app-data (/data in app), or would be started by the engine on its own, and it " +
        'is not part of the stop: cron-job (running)',
    );
    expect(run.failed?.hint).toBe('stop it first (`docker stop cron-job`) and start it again after the restore — nothing was changed');
    expect(world.runtime.calls.filter((call) => ['stop', 'setRestartPolicy', 'startHelper'].includes(call.method))).toEqual([]);
    expect(world.runtime.state('app')).toBe('running');
  });

  it('a Swarm task: the helper first, then the service scaled to 0, its task gone and the volume free', async () => {
    const world = swarmApp();
    await readyToStop(world);
    const helper = `${world.facts.target?.containerName}-rescue-${INCIDENT_ID}-swap`;
    const run = await runStep(stopApp, world.deps);
    expect(run.exitCode).toBe(0);
    expect(cliOf(run)).toEqual([
      expect.stringMatching(/^docker run -d --name .* --volumes-from app\.1\./),
      'docker service scale app=0',
      'docker service ps app',
    ]);
    // Swarm removes a task scaled away: the helper, started first, is what still sees the volume.
    expect(world.runtime.swarm.inspect('app')).toMatchObject({ replicas: 0, tasks: [] });
    expect(world.runtime.state(helper)).toBe('running');
    expect(world.runtime.calls.filter((call) => call.method === 'stop' || call.method === 'setRestartPolicy')).toEqual([]);
    expect(record(world)).toEqual({ policies: [], service: { id: world.runtime.swarm.inspect('app').id, name: 'app', replicas: 1 } });
  });

  it('a Swarm task whose PID 1 ignores SIGTERM is killed once the service is scaled to 0', async () => {
    const world = swarmApp({ pid1: DEAF_PID1 });
    await readyToStop(world);
    const run = await runStep(stopApp, world.deps);
    expect(run.exitCode).toBe(0);
    expect(cliOf(run).slice(1)).toEqual([
      'docker service scale app=0',
      `docker kill --signal SIGKILL ${world.facts.target?.containerName}`,
      'docker service ps app',
    ]);
  });

  it('resumed after the swap and the start: counts as done, the app is not stopped a second time', async () => {
    const world = await outage();
    const snapshot = fakeDb({ tables: { posts: 40 }, note: 'snapshot' });
    world.facts.snapshot = { path: '/inc/snapshot.db', sha256: 'x', bytes: snapshot.length, tables: { posts: 40 } };
    // The swap as it left things: old files in quarantine, the snapshot under the live name, nothing staged.
    world.runtime.putFile('app', `/data/rescue-quarantine/${INCIDENT_ID}/app.db`, 'old corrupt db');
    world.runtime.putFile('app', DB, snapshot);
    const run = await runStep(stopApp, world.deps, {
      resumeFrom: new Map([['stop-app', { at: '2025-01-01T01:59:00.000Z', summary: 'stopped app in 0.2 s' }]]),
    });
    expect(run.exitCode).toBe(0);
    expect(world.runtime.state('app')).toBe('running');
    expect(world.runtime.calls.filter((call) => call.method === 'stop' || call.method === 'startHelper')).toEqual([]);
    expect(run.events.find((event) => event.type === 'step-succeeded')).toMatchObject({
      summary: 'verified after the interruption: the swap it was stopped for is in place and app runs again',
    });
  });

  it('resumed while the app runs and nothing was swapped: stops it again', async () => {
    const world = await outage();
    world.facts.snapshot = { path: '/inc/snapshot.db', sha256: 'x', bytes: 10, tables: {} };
    const run = await runStep(stopApp, world.deps, {
      resumeFrom: new Map([['stop-app', { at: '2025-01-01T01:59:00.000Z', summary: 'stopped app in 0.2 s' }]]),
    });
    expect(run.exitCode).toBe(0);
    expect(world.runtime.state('app')).toBe('exited');
    expect(world.facts.stoppedAt).toBe(world.clock.now());
  });

  it('run again after a crash between the policy change and the stop: the recorded policy, not the `no` it reads now', async () => {
    const world = await readyToStop(realApp({ restartPolicy: ALWAYS }));
    await world.incidentFiles.writeText(
      DOWNTIME_RECORD,
      JSON.stringify({ policies: [{ id: world.facts.target?.containerId, name: 'app', policy: ALWAYS }] }),
    );
    await world.runtime.setRestartPolicy('app', { name: 'no', maximumRetryCount: 0 });
    const run = await runStep(stopApp, world.deps);
    expect(run.exitCode).toBe(0);
    expect(cliOf(run).slice(1)).toEqual(['docker stop -t 10 app']);
    expect(record(world).policies[0].policy).toEqual(ALWAYS);
  });

  it('an image that cannot run the swap helper: refused before the stop, the app keeps running and keeps its policy', async () => {
    const world = await readyToStop(realApp({ restartPolicy: UNLESS_STOPPED }));
    world.runtime.withoutBinary('sleep');
    const run = await runStep(stopApp, world.deps);
    expect(run.exitCode).toBe(1);
    expect(run.failed?.message).toMatch(/^cannot start the helper container that would do the swap: /);
    expect(run.failed?.hint).toMatch(/^app was not stopped and nothing was changed/);
    expect(world.runtime.state('app')).toBe('running');
    expect(world.runtime.restartPolicyOf('app')).toEqual(UNLESS_STOPPED);
    expect(world.runtime.calls.filter((call) => call.method === 'stop' || call.method === 'setRestartPolicy')).toEqual([]);
  });

  it('refuses before anything is staged', async () => {
    const world = await outage();
    world.facts.stagedPath = undefined;
    const run = await runStep(stopApp, world.deps);
    expect(run.failed?.hint).toBe('run the step "stage-in-container" first (it was skipped or failed)');
    expect(world.runtime.state('app')).toBe('running');
  });

  it("interactive: the operator must type the app's name", async () => {
    const world = await outage();
    const run = await runStep(stopApp, world.deps, { answer: () => ({ kind: 'confirm-typed', typed: 'app-pr-12' }) });
    expect(run.exitCode).toBe(3);
    expect(world.runtime.state('app')).toBe('running');
  });

  it('dry-run: prints the commands the run performs, with the expected downtime, and changes nothing', async () => {
    const world = await readyToStop(realApp({ restartPolicy: UNLESS_STOPPED, pid1: DEAF_PID1 }));
    const run = await runStep(stopApp, world.deps, { isDryRun: true });
    expect(run.events.find((event) => event.type === 'step-not-performed')).toMatchObject({
      commands: [
        `docker run -d --name ${HELPER} --label sqlite-rescue.helper=${INCIDENT_ID} --volumes-from app --network none --entrypoint sleep ` +
          `ghcr.io/acme/app:3f2c1a 86400`,
        'docker update --restart no app',
        'docker stop -t 1 app',
      ],
    });
    expect(run.findings.at(-1)).toBe(
      'dry-run could not tell: how long the stop really takes, and so the real downtime (expected: about 3 s)',
    );
    expect(world.runtime.state('app')).toBe('running');
    expect(world.runtime.restartPolicyOf('app')).toEqual(UNLESS_STOPPED);
  });
});

describe('start-app', () => {
  it('starts the container, waits on it running (no fixed sleep), and gives the downtime', async () => {
    const world = await outage();
    await world.runtime.stop('app', 10);
    world.facts.stoppedAt = world.clock.now();
    world.clock.advance(61_000);
    const run = await runStep(startApp, world.deps);
    expect(run.exitCode).toBe(0);
    expect(world.runtime.state('app')).toBe('running');
    expect(world.facts.startedAt).toBe(world.facts.stoppedAt + 61_000);
    expect(world.clock.sleeps).toEqual([]);
    expect(run.findings).toEqual(['started app: downtime 61.0 s (stop → start)']);
    expect(run.events.find((event) => event.type === 'step-succeeded')).toMatchObject({ summary: 'started app, downtime 61.0 s' });
  });

  it('puts the restart policy back exactly, after the start, and the record says so', async () => {
    const world = await readyToStop(realApp({ restartPolicy: { name: 'on-failure', maximumRetryCount: 5 } }));
    const run = await runSteps([stopApp, startApp], world.deps);
    expect(run.exitCode).toBe(0);
    expect(run.planned.get('start-app')?.map((action) => (action.kind === 'call' ? action.cli.join(' ') : ''))).toEqual([
      `docker rm -f ${HELPER}`,
      'docker start app',
      'docker update --restart on-failure:5 app',
    ]);
    expect(world.runtime.restartPolicyOf('app')).toEqual({ name: 'on-failure', maximumRetryCount: 5 });
    expect(record(world)).toMatchObject({
      policies: [{ name: 'app', policy: { name: 'on-failure', maximumRetryCount: 5 } }],
      restoredAt: new Date(world.clock.now()).toISOString(),
    });
    expect(run.findings).toContain('restart policy put back as it was: app: on-failure:5');
  });

  it('an app that exits at once fails the step, saying where things are, and its policy is put back all the same', async () => {
    // Still corrupt (nothing was swapped here): the app's check at start fails and it exits.
    const world = await readyToStop(crashLooping());
    await runStep(stopApp, world.deps);
    const run = await runStep(startApp, world.deps);
    expect(run.exitCode).toBe(1);
    expect(run.failed?.message).toBe('app did not stay up: it is exited');
    expect(run.failed?.hint).toContain('docker logs app');
    expect(world.runtime.restartPolicyOf('app')).toEqual(UNLESS_STOPPED);
    expect(run.findings).toContain('restart policy put back as it was after the failed start: app: unless-stopped');
  });

  it('resumed after a crash between the start and the policy restore: runs again and puts it back', async () => {
    const world = await readyToStop(realApp({ restartPolicy: ALWAYS }));
    await runStep(stopApp, world.deps);
    await world.runtime.start('app');
    world.facts.downtime = undefined;
    const run = await runStep(startApp, world.deps, {
      resumeFrom: new Map([['start-app', { at: '2025-01-01T02:00:00.000Z', summary: 'started app' }]]),
    });
    expect(run.exitCode).toBe(0);
    expect(run.output).toContain('done before the interruption, but not in place now: running it again');
    expect(world.runtime.restartPolicyOf('app')).toEqual(ALWAYS);
  });

  it('a Swarm service is scaled back to its recorded replicas, and its new task becomes the target', async () => {
    const world = swarmApp();
    await readyToStop(world);
    const old = world.facts.target?.containerId;
    const helper = `${world.facts.target?.containerName}-rescue-${INCIDENT_ID}-swap`;
    const run = await runSteps([stopApp, startApp], world.deps);
    expect(run.exitCode).toBe(0);
    // The swap, not run here, would have removed its helper: start-app removes it before the scale.
    expect(run.planned.get('start-app')?.map((action) => (action.kind === 'call' ? action.cli.join(' ') : ''))).toEqual([
      `docker rm -f ${helper}`,
      'docker service scale app=1',
      'docker service ps app',
    ]);
    const service = world.runtime.swarm.inspect('app');
    expect(service.replicas).toBe(1);
    expect(service.tasks.map((task) => task.containerId)).toEqual([world.facts.target?.containerId]);
    expect(world.facts.target?.containerId).not.toBe(old);
    expect(world.runtime.state(world.facts.target?.containerId as string)).toBe('running');
  });

  it('dry-run: shows the start and the policy it would put back', async () => {
    const world = await readyToStop(realApp({ restartPolicy: UNLESS_STOPPED }));
    const run = await runStep(startApp, world.deps, { isDryRun: true });
    expect(run.events.find((event) => event.type === 'step-not-performed')).toMatchObject({
      commands: ['docker start app', 'docker update --restart unless-stopped app'],
    });
  });
});
