// A single-node Docker Swarm for tests on the shared engine, left as it was found. The engine is shared by every test
// process on the machine, so membership is leased: the first lease inits the swarm (`docker swarm init
// --advertise-addr 127.0.0.1`) and the last release leaves it (`docker swarm leave --force`, and the docker_gwbridge
// network init made). A swarm that existed before any lease is someone else's and is never left. Leases of processes
// that died are dropped the next time anyone takes or releases one.
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { APP_IMAGE } from './ensure-test-images.js';
import { docker, tryDocker } from './docker-cli.js';

const STATE_DIR = '/tmp/sqlite-rescue-test-swarm';
const MUTEX = join(STATE_DIR, 'mutex');
const HOLDERS = join(STATE_DIR, 'holders');
// Written when a lease ran `swarm init`: what the last release must undo.
const MADE_SWARM = join(STATE_DIR, 'made-swarm');
const MADE_GWBRIDGE = join(STATE_DIR, 'made-docker_gwbridge');
const MUTEX_STALE_MS = 120_000;

export interface SwarmLease {
  /** This engine's node id in the swarm. */
  nodeId: string;
  release(): Promise<void>;
}

export async function leaseSingleNodeSwarm(): Promise<SwarmLease> {
  const holder = join(HOLDERS, `${process.pid}-${Date.now().toString(36)}`);
  await withMutex(async () => {
    await dropDeadHolders();
    if ((await swarmState()) !== 'active') {
      const hadGwbridge = (await tryDocker(['network', 'inspect', 'docker_gwbridge'])).exitCode === 0;
      await docker(['swarm', 'init', '--advertise-addr', '127.0.0.1']);
      await writeFile(MADE_SWARM, '');
      if (!hadGwbridge) await writeFile(MADE_GWBRIDGE, '');
    }
    await writeFile(holder, '');
  });
  const nodeId = await docker(['info', '--format', '{{.Swarm.NodeID}}']);
  let released = false;
  return {
    nodeId,
    release: async () => {
      if (released) return;
      released = true;
      await withMutex(async () => {
        await rm(holder, { force: true });
        await dropDeadHolders();
        if ((await readdir(HOLDERS)).length > 0 || !existsSync(MADE_SWARM)) return;
        await docker(['swarm', 'leave', '--force']);
        await rm(MADE_SWARM, { force: true });
        if (existsSync(MADE_GWBRIDGE)) {
          await tryDocker(['network', 'rm', 'docker_gwbridge']);
          await rm(MADE_GWBRIDGE, { force: true });
        }
      });
    },
  };
}

export interface TestService {
  id: string;
  name: string;
  volumeName?: string;
}

/** A one-replica service of the test app with a named volume at /data; resolves once its task's container runs. */
export async function createReplicatedService(opts: {
  name: string;
  volumeName: string;
  image?: string;
  replicas?: number;
}): Promise<TestService> {
  const id = await docker([
    'service',
    'create',
    '--detach',
    '--quiet',
    '--name',
    opts.name,
    '--replicas',
    String(opts.replicas ?? 1),
    '--mount',
    `type=volume,source=${opts.volumeName},target=/data`,
    opts.image ?? APP_IMAGE,
  ]);
  await waitForRunningTasks(opts.name, opts.replicas ?? 1);
  return { id, name: opts.name, volumeName: opts.volumeName };
}

/** A global service of the test app (one task on every node: here, this one). */
export async function createGlobalService(opts: { name: string; image?: string }): Promise<TestService> {
  const id = await docker(['service', 'create', '--detach', '--quiet', '--name', opts.name, '--mode', 'global', opts.image ?? APP_IMAGE]);
  await waitForRunningTasks(opts.name, 1);
  return { id, name: opts.name };
}

/** The service's task containers on this engine that run now. */
export async function runningTaskContainers(serviceName: string): Promise<string[]> {
  const out = await docker([
    'ps',
    '--quiet',
    '--no-trunc',
    '--filter',
    `label=com.docker.swarm.service.name=${serviceName}`,
    '--filter',
    'status=running',
  ]);
  return out.split('\n').filter(Boolean);
}

/** Removes every service whose name starts with prefix and waits until their task containers are gone. */
export async function removeTestServices(prefix: string): Promise<void> {
  if (prefix.length < 3) throw new Error(`refusing to clean up with the short prefix ${JSON.stringify(prefix)}`);
  if ((await swarmState()) !== 'active') return;
  const names = (await docker(['service', 'ls', '--format', '{{.Name}}'])).split('\n').filter((name) => name.startsWith(prefix));
  if (names.length === 0) return;
  await docker(['service', 'rm', ...names]);
  await until(
    async () => {
      const left = await docker([
        'ps',
        '--all',
        '--quiet',
        ...names.flatMap((name) => ['--filter', `label=com.docker.swarm.service.name=${name}`]),
      ]);
      return left === '';
    },
    60_000,
    `the task containers of ${names.join(', ')} to go`,
  );
}

async function waitForRunningTasks(serviceName: string, count: number): Promise<void> {
  await until(
    async () => (await runningTaskContainers(serviceName)).length === count,
    60_000,
    `${count} running task(s) of ${serviceName}`,
  );
}

async function swarmState(): Promise<string> {
  return docker(['info', '--format', '{{.Swarm.LocalNodeState}}']);
}

async function until(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

// mkdir is atomic: the one that creates the directory holds the mutex. A mutex older than a run can hold it is stale.
async function withMutex<T>(work: () => Promise<T>): Promise<T> {
  await mkdir(HOLDERS, { recursive: true });
  const deadline = Date.now() + MUTEX_STALE_MS + 10_000;
  for (;;) {
    try {
      await mkdir(MUTEX);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age =
        Date.now() -
        (await stat(MUTEX).then(
          (info) => info.mtimeMs,
          () => Date.now(),
        ));
      if (age > MUTEX_STALE_MS) await rm(MUTEX, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`could not take ${MUTEX}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  try {
    return await work();
  } finally {
    await rm(MUTEX, { recursive: true, force: true });
  }
}

async function dropDeadHolders(): Promise<void> {
  for (const name of await readdir(HOLDERS)) {
    const pid = Number(name.split('-')[0]);
    if (!isAlive(pid)) await rm(join(HOLDERS, name), { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
