import { describe, expect, it } from 'vitest';
import { findContainer } from '../../src/steps/find-container.js';
import { fakeDb } from '../fakes/fake-db.js';
import { makeDeps } from '../fakes/make-deps.js';
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
    expect(world.facts.candidates?.map((entry) => [entry.container.name, entry.role])).toEqual([['app', 'production'], ['app-pr-12', 'preview']]);
    expect(run.output).toEqual([
      'production app  app  ghcr.io/acme/app:3f2c1a  running  started 2025-01-01T00:00:00.000Z — label coolify.pullRequestId=0 (production); running',
      'preview    app-pr-12  app-pr-12  ghcr.io/acme/app:pr-12  running  started 2025-01-01T01:00:00.000Z — label coolify.pullRequestId=12 (preview); running',
    ]);
    expect(run.findings).toEqual(['production container: app (ghcr.io/acme/app:3f2c1a), database /data/app.db on volume app-data at /data']);
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
    expect(prompts).toMatchObject([{ kind: 'select', initialIndex: 0, options: [{ hint: 'production: label coolify.pullRequestId=0 (production); running' }, { value: previewId }] }]);
    expect(world.facts.target?.containerName).toBe('app-pr-12');
  });

  it('no match for --container: exit 2 naming the query', async () => {
    const world = makeDeps({ container: 'nope', db: DB });
    setUpOutage(world);
    const run = await runStep(findContainer, world.deps);
    expect(run.exitCode).toBe(2);
    expect(run.failed).toMatchObject({ message: 'no container matching "nope" on the fake Docker engine', hint: 'check --container nope against `docker ps -a`' });
  });

  it('nothing running has the database: the hint says --container', async () => {
    const world = makeDeps({ db: '/srv/other.db' });
    setUpOutage(world);
    const run = await runStep(findContainer, world.deps);
    expect(run.exitCode).toBe(2);
    expect(run.failed).toMatchObject({ message: 'no container with a file at /srv/other.db on the fake Docker engine', hint: 'pass --container NAME' });
  });

  it('the chosen container is stopped: exit 2, start it first', async () => {
    const world = makeDeps({ container: 'app', db: DB });
    world.runtime.addContainer({ name: 'app', state: 'exited', mounts: [{ destination: '/data', volume: 'app-data' }] });
    const run = await runStep(findContainer, world.deps);
    expect(run.exitCode).toBe(2);
    expect(run.failed).toMatchObject({ message: 'container app is exited, not running' });
    expect(run.failed?.hint).toContain('docker start app');
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
    world.runtime.addContainer({ name: 'app', mounts: [{ destination: '/srv', bind: '/opt/srv' }, { destination: '/srv/app/data', volume: 'db' }, { destination: '/srv/app/d', volume: 'decoy' }] });
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
    expect(world.facts.discovery?.databases.map((found) => found.path)).toEqual([DB, '/data/other/site-data.sqlite', '/data/backups/2025-01-01.db', '/data/backups/2024-12-31.db']);
    expect(run.commands.some((command) => command.action.kind === 'argv' && command.action.argv[0] === 'sh' && command.action.where === 'container')).toBe(true);
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
