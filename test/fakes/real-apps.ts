// Real apps as the fakes model them, for the steps of issue 12: the outage of outage.ts, but the app crash-loops on
// its corrupt database under a restart policy, or its PID 1 cannot hear SIGTERM, or it is a Swarm task, or a Compose
// service with replicas on one volume.
import type { Pid1SignalsReading, RestartPolicy } from '../../src/ports/container-runtime.js';
import type { ContainerSpec } from './fake-container-runtime.js';
import { fakeDb } from './fake-db.js';
import { makeDeps, type TestWorld } from './make-deps.js';
import { BACKUP_TABLES, CORRUPT_ROWS, DB, LOCAL, LOCAL_TABLES } from './outage.js';

export const UNLESS_STOPPED: RestartPolicy = { name: 'unless-stopped', maximumRetryCount: 0 };
export const ALWAYS: RestartPolicy = { name: 'always', maximumRetryCount: 0 };
export const DEAF_PID1: Pid1SignalsReading = {
  known: true,
  signals: { catchesSigterm: false, ignoresSigterm: false, command: ['/bin/sh', '/app/run.sh'], via: 'exec' },
};

/** The volume's files as outage.ts lays them out, written through `container` (anything that mounts it). */
export function putOutageFiles(world: TestWorld, container: string): void {
  const { runtime, files } = world;
  runtime.putFile(container, DB, fakeDb({ tables: { posts: 41, users: 5 }, errors: CORRUPT_ROWS }), { uid: 1001, gid: 1001, mode: 0o640 });
  runtime.putFile(container, `${DB}-wal`, 'wal frames');
  runtime.putFile(container, `${DB}-shm`, 'shm index');
  runtime.putFile(container, '/data/backups/2024-12-31.db', fakeDb({ tables: BACKUP_TABLES }), { mtime: '2024-12-31T00:00:00.000Z' });
  files.put(LOCAL, fakeDb({ tables: LOCAL_TABLES, note: 'laptop copy' }), '2024-12-30T00:00:00.000Z');
}

/** `app` on volume app-data, as the spec says (default: running, Coolify production, policy no). */
export function realApp(
  spec: Partial<ContainerSpec> = {},
  options: Parameters<typeof makeDeps>[0] = { container: 'app', db: DB, local: LOCAL },
  opts: { overSsh?: boolean } = {},
): TestWorld {
  const world = makeDeps(options, {}, opts);
  world.runtime.addContainer({
    name: 'app',
    image: 'ghcr.io/acme/app:3f2c1a',
    labels: { 'coolify.pullRequestId': '0' },
    startedAt: '2025-01-01T00:00:00.000Z',
    mounts: [{ destination: '/data', volume: 'app-data' }],
    ...spec,
  });
  putOutageFiles(world, 'app');
  return world;
}

/** The app checks its database at start and exits when quick_check fails: under unless-stopped it crash-loops. */
export function crashLooping(policy: RestartPolicy = UNLESS_STOPPED, opts: { overSsh?: boolean } = {}): TestWorld {
  return realApp({ state: 'restarting', restartPolicy: policy, restartCount: 7, exitsWhileCorrupt: DB }, undefined, opts);
}

/** While any running container of the service `name` mounts the volume, every tick of the clock writes to `path`. */
export function serviceWrites(world: TestWorld, service: string, path: string): void {
  world.clock.onAdvance((now) => {
    const task = world.runtime.swarm
      .inspect(service)
      .tasks.find(
        (candidate) => candidate.state === 'running' && candidate.containerId && world.runtime.state(candidate.containerId) === 'running',
      );
    if (!task?.containerId) return;
    const existing = world.runtime.fileAt(task.containerId, path);
    world.runtime.putFile(task.containerId, path, Buffer.concat([existing?.content ?? Buffer.alloc(0), Buffer.from('w')]), {
      mtime: new Date(now).toISOString(),
    });
  });
}

/** A one-replica Swarm service `app` with its volume at /data; the task container's name is app.1.<task id>. */
export function swarmApp(
  spec: { mode?: 'replicated' | 'global'; replicas?: number; nodeId?: string; pid1?: Pid1SignalsReading } = {},
): TestWorld & { task: string } {
  const world = makeDeps({ container: 'app.', db: DB, local: LOCAL }, {});
  world.runtime.addService({
    name: 'app',
    image: 'ghcr.io/acme/app:3f2c1a',
    mounts: [{ destination: '/data', volume: 'app-data' }],
    ...spec,
  });
  const task = world.runtime.swarm.inspect('app').tasks[0]?.containerId as string;
  putOutageFiles(world, task);
  return { ...world, task };
}

const compose = (number: number) => ({
  'com.docker.compose.project': 'shop',
  'com.docker.compose.service': 'web',
  'com.docker.compose.container-number': String(number),
});

/** Compose service web of project shop, two replicas on one volume; the run is asked for shop-web-1. */
export function composeReplicas(): TestWorld {
  const world = makeDeps({ container: 'shop-web-1', db: DB, local: LOCAL }, {});
  for (const number of [1, 2]) {
    world.runtime.addContainer({
      name: `shop-web-${number}`,
      image: 'shop/web:7',
      labels: compose(number),
      restartPolicy: UNLESS_STOPPED,
      mounts: [{ destination: '/data', volume: 'app-data' }],
    });
  }
  putOutageFiles(world, 'shop-web-1');
  return world;
}
