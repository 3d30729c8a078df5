import { describe, expect, it } from 'vitest';
import { findContainer } from '../../src/steps/find-container.js';
import { fakeDb } from '../fakes/fake-db.js';
import { INCIDENT_ID, makeDeps, type TestWorld } from '../fakes/make-deps.js';
import { composeReplicas, crashLooping, realApp, swarmApp } from '../fakes/real-apps.js';
import { DB, setUpOutage } from '../fakes/outage.js';
import { runStep } from '../fakes/run-step.js';

describe('find-container', () => {
  it('--container matching production and a preview: --yes picks production', async () => {
    const world = makeDeps({ container: 'app', db: DB });
    const { appId } = setUpOutage(world);
    const run = await runStep(findContainer, world.deps);
    expect(run.exitCode).toBe(0);
    expect(world.facts.target).toEqual({
      containerId: appId,
      containerName: 'app',
      image: 'ghcr.io/acme/app:3f2c1a',
      appName: 'app',
      dbPath: DB,
      dataMount: { type: 'volume', name: 'app-data', source: '/var/lib/docker/volumes/app-data/_data', destination: '/data' },
    });
    // One exec learns which tools the image has, so later plans can name the commands they will run.
    expect(world.facts.imageTools).toEqual(['sqlite3', 'sha256sum', 'df', 'stat', 'mv', 'mkdir', 'sleep', 'cp', 'rm', 'find']);
    expect(world.facts.candidates?.map((entry) => [entry.container.name, entry.role])).toEqual([
      ['app', 'production'],
      ['app-pr-12', 'preview'],
    ]);
    expect(run.output).toEqual([
      'production app  app  ghcr.io/acme/app:3f2c1a  running  started 2025-01-01T00:00:00.000Z — label coolify.pullRequestId=0 (production); running',
      'preview    app-pr-12  app-pr-12  ghcr.io/acme/app:pr-12  running  started 2025-01-01T01:00:00.000Z — label coolify.pullRequestId=12 (preview); running',
    ]);
    expect(run.findings).toEqual([
      'production container: app (ghcr.io/acme/app:3f2c1a), database /data/app.db on volume app-data at /data; no other container writes ' +
        'there',
    ]);
    expect(world.facts.writers).toEqual({ kind: 'containers', containers: [{ id: appId, name: 'app' }] });
  });

  it('without --container: the running containers with a file at --db', async () => {
    const world = makeDeps({ db: DB });
    setUpOutage(world);
    world.runtime.addContainer({ name: 'redis', image: 'redis:7', mounts: [{ destination: '/data', volume: 'redis-data' }] });
    const run = await runStep(findContainer, world.deps);
    expect(run.exitCode).toBe(0);
    expect(world.facts.candidates?.map((entry) => entry.container.name)).toEqual(['app', 'app-pr-12']);
    expect(world.facts.target?.containerName).toBe('app');
  });

  it('two production-looking containers: --yes refuses with exit 2 and lists both', async () => {
    const world = makeDeps({ container: 'app', db: DB });
    world.runtime.addContainer({ name: 'app-blue', mounts: [{ destination: '/data', volume: 'v1' }] });
    world.runtime.addContainer({ name: 'app-green', mounts: [{ destination: '/data', volume: 'v2' }] });
    const run = await runStep(findContainer, world.deps);
    expect(run.exitCode).toBe(2);
    expect(run.failed?.message).toMatch(/^2 containers matching "app" look like production:\n/);
    expect(run.failed?.message).toContain('app-blue');
    expect(run.failed?.message).toContain('app-green');
    expect(run.failed?.hint).toBe('pass --container with the exact name of the one to restore');
    expect(world.facts.target).toBeUndefined();
  });

  it('only previews match: --yes refuses', async () => {
    const world = makeDeps({ container: 'pr-12', db: DB });
    setUpOutage(world);
    const run = await runStep(findContainer, world.deps);
    expect(run.exitCode).toBe(2);
    expect(run.failed?.message).toMatch(/^no production-looking container matching "pr-12"; candidates:\n {2}preview {4}app-pr-12 /);
  });

  it('interactive: production is offered first and the operator may pick another', async () => {
    const world = makeDeps({ container: 'app', db: DB });
    const { previewId } = setUpOutage(world);
    const prompts: unknown[] = [];
    const run = await runStep(findContainer, world.deps, {
      answer: (prompt) => {
        prompts.push(prompt);
        return { kind: 'select', value: previewId };
      },
    });
    expect(run.exitCode).toBe(0);
    expect(prompts).toMatchObject([
      {
        kind: 'select',
        initialIndex: 0,
        options: [{ hint: 'production: label coolify.pullRequestId=0 (production); running' }, { value: previewId }],
      },
    ]);
    expect(world.facts.target?.containerName).toBe('app-pr-12');
  });

  it('no match for --container: exit 2 naming the query', async () => {
    const world = makeDeps({ container: 'nope', db: DB });
    setUpOutage(world);
    const run = await runStep(findContainer, world.deps);
    expect(run.exitCode).toBe(2);
    expect(run.failed).toMatchObject({
      message: 'no container matching "nope" on the fake Docker engine',
      hint: 'check --container nope against `docker ps -a`',
    });
  });

  it('nothing running has the database: the hint says --container', async () => {
    const world = makeDeps({ db: '/srv/other.db' });
    setUpOutage(world);
    const run = await runStep(findContainer, world.deps);
    expect(run.exitCode).toBe(2);
    expect(run.failed).toMatchObject({
      message: 'no container with a file at /srv/other.db on the fake Docker engine',
      hint: 'pass --container NAME',
    });
  });

  it('the chosen container is paused: exit 2, unpause it first', async () => {
    const world = makeDeps({ container: 'app', db: DB });
    world.runtime.addContainer({ name: 'app', state: 'paused', mounts: [{ destination: '/data', volume: 'app-data' }] });
    const run = await runStep(findContainer, world.deps);
    expect(run.exitCode).toBe(2);
    expect(run.failed).toMatchObject({
      message: 'container app is paused',
      hint: 'unpause it first (docker unpause app), then run the ' + 'restore again — nothing was changed',
    });
    expect(world.facts.target).toBeUndefined();
  });

  it('the database folder is not on a mount: exit 2', async () => {
    const world = makeDeps({ container: 'app', db: DB });
    world.runtime.addContainer({ name: 'app', mounts: [{ destination: '/uploads', volume: 'up' }] });
    world.runtime.putFile('app', DB, fakeDb({ tables: {} }));
    const run = await runStep(findContainer, world.deps);
    expect(run.exitCode).toBe(2);
    expect(run.failed?.message).toBe('/data in app is not on a volume or bind mount');
    expect(run.failed?.hint).toContain('check --db');
  });

  it('picks the deepest mount holding the folder', async () => {
    const world = makeDeps({ container: 'app', db: '/srv/app/data/app.db' });
    world.runtime.addContainer({
      name: 'app',
      mounts: [
        { destination: '/srv', bind: '/opt/srv' },
        { destination: '/srv/app/data', volume: 'db' },
        { destination: '/srv/app/d', volume: 'decoy' },
      ],
    });
    await runStep(findContainer, world.deps);
    expect(world.facts.target?.dataMount).toMatchObject({ type: 'volume', name: 'db', destination: '/srv/app/data' });
  });

  it('no --db: the database the app has open is found by its header among the files on its mounts, and --yes takes it', async () => {
    const world = makeDeps({ container: 'app' });
    setUpOutage(world);
    world.runtime.putFile('app', '/data/other/site-data.sqlite', fakeDb({ tables: { posts: 1 } }));
    world.runtime.putFile('app', '/data/app.db.txt', 'SQLite? no: a decoy named like one');
    world.runtime.holdOpen('app', 7, DB, `${DB}-wal`);
    const run = await runStep(findContainer, world.deps);
    expect(run.exitCode).toBe(0);
    expect(world.facts.target?.dbPath).toBe(DB);
    // Every SQLite file on the mounts, the one the app has open first; the decoy and the notes are not among them.
    // Ranked: open by the app, then names that do not look like copies, then the newest.
    expect(world.facts.discovery?.databases.map((found) => found.path)).toEqual([
      DB,
      '/data/other/site-data.sqlite',
      '/data/backups/2025-01-01.db',
      '/data/backups/2024-12-31.db',
    ]);
    expect(
      run.commands.some(
        (command) => command.action.kind === 'argv' && command.action.argv[0] === 'sh' && command.action.where === 'container',
      ),
    ).toBe(true);
  });

  it('no --db and the app holds no database open: --yes refuses, listing what was found', async () => {
    const world = makeDeps({ container: 'app' });
    setUpOutage(world);
    const run = await runStep(findContainer, world.deps);
    expect(run.exitCode).toBe(2);
    expect(run.failed?.message).toMatch(/^3 SQLite databases in app and not exactly one open by the app:\n {2}\/data\/app\.db /);
    expect(run.failed?.hint).toBe('pass --db with the path of the one to restore');
  });
});

describe('find-container: real apps (issue 12)', () => {
  it('a crash-looping app is accepted: nothing runs inside it, its tools are probed in a read-only helper', async () => {
    const world = crashLooping();
    const run = await runStep(findContainer, world.deps);
    expect(run.failed?.message).toBeUndefined();
    expect(world.facts.appWasDown).toEqual({ state: 'restarting', restartCount: 7 });
    expect(world.facts.imageTools).toEqual(['sqlite3', 'sha256sum', 'df', 'stat', 'mv', 'mkdir', 'sleep', 'cp', 'rm', 'find']);
    expect(run.findings[0]).toBe(
      'app is restarting, restarted 7 times under unless-stopped: nothing is run inside it; its reads go ' +
        'through a read-only helper from its image or the archive API',
    );
    const helper = `app-rescue-${INCIDENT_ID}-read`;
    // Every exec ran in the helper, whose volumes were mounted read-only; the helper is gone again.
    expect(new Set(world.runtime.calls.filter((call) => call.method === 'exec').map((call) => call.args[0]))).toEqual(new Set([helper]));
    expect(world.runtime.calls.find((call) => call.method === 'startHelper')?.args[1]).toEqual({
      name: helper,
      label: INCIDENT_ID,
      readOnlyVolumes: true,
    });
    expect(
      run.commands
        .filter((command) => command.action.kind === 'call' && command.action.call.includes(helper))
        .map((command) => command.action.mutates),
    ).toEqual([false, false, false]);
    expect((await world.runtime.listContainers()).map((container) => container.name)).toEqual(['app']);
  });

  it('a crash-looping app without --db: its databases are found through a helper too', async () => {
    const world = crashLooping();
    world.deps.options.db = undefined;
    const run = await runStep(findContainer, world.deps, {
      answer: (prompt) => (prompt.kind === 'select' ? { kind: 'select', value: prompt.options[0].value } : { kind: 'cancel' }),
    });
    expect(run.exitCode).toBe(0);
    expect(world.facts.target?.dbPath).toBe(DB);
  });

  it('an image that cannot run a helper: the tools are unknown, and it says what follows', async () => {
    const world = crashLooping();
    world.runtime.withoutBinary('sleep');
    const run = await runStep(findContainer, world.deps);
    expect(run.exitCode).toBe(0);
    expect(world.facts.imageTools).toEqual([]);
    expect(run.findings).toContain(
      'no helper can run from ghcr.io/acme/app:3f2c1a (it needs sleep): the checks read copies through the ' +
        'archive API, and the swap, which needs a helper, will be refused before the stop',
    );
  });

  it('a Swarm task: settled as a service scaled to 0 and back', async () => {
    const world = swarmApp({ replicas: 1 });
    const run = await runStep(findContainer, world.deps);
    expect(run.exitCode).toBe(0);
    expect(world.facts.writers).toEqual({
      kind: 'swarm',
      service: { id: world.runtime.swarm.inspect('app').id, name: 'app', replicas: 1 },
    });
    expect(world.facts.target?.appName).toBe('app');
  });

  it.each<[string, () => TestWorld, RegExp, RegExp]>([
    [
      'a global Swarm service',
      () => swarmApp({ mode: 'global' }),
      /is a task of the global Swarm service app: it cannot be scaled to 0/,
      /^recreate it as a replicated service for the restore/,
    ],
    [
      'another container on the same volume',
      () => {
        const world = realApp();
        world.runtime.addContainer({ name: 'worker', mounts: [{ destination: '/data', volume: 'app-data' }] });
        return world;
      },
      /not part of the stop: worker \(running\)$/,
      /^stop it first \(`docker stop worker`\)/,
    ],
  ])('refused before anything changes: %s', async (_name, build, message, hint) => {
    const world = build();
    const before = world.runtime.calls.length;
    const run = await runStep(findContainer, world.deps);
    expect(run.exitCode).toBe(2);
    expect(run.failed?.message).toMatch(message);
    expect(run.failed?.hint).toMatch(hint);
    expect(run.failed?.hint).toMatch(/ — nothing was changed$/);
    const changes = world.runtime.calls
      .slice(before)
      .filter((call) => ['stop', 'start', 'setRestartPolicy', 'scaleService', 'kill', 'startHelper', 'copyIn'].includes(call.method));
    expect(changes).toEqual([]);
    expect(world.facts.target).toBeUndefined();
  });

  it('Compose replicas on one database: the risk is named, and both are writers', async () => {
    const world = composeReplicas();
    const run = await runStep(findContainer, world.deps);
    expect(run.exitCode).toBe(0);
    expect(world.facts.writers).toMatchObject({ kind: 'containers', containers: [{ name: 'shop-web-1' }, { name: 'shop-web-2' }] });
    expect(run.findings[0]).toMatch(/^RISK: Compose service web has 2 replicas on one database/);
    expect(world.facts.target?.appName).toBe('web');
  });
});
