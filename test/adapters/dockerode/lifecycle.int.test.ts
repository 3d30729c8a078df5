import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalRuntime, HELPER_LABEL } from '../../../src/adapters/dockerode/index.js';
import { ContainerNotFoundError, HelperUnavailableError } from '../../../src/runbook/errors.js';
import {
  APP_IMAGE,
  APP_NOSQLITE_IMAGE,
  docker,
  makeTestPrefix,
  removeTestResources,
  startAppContainer,
  tryDocker,
  type AppContainer,
} from '../../support/docker/index.js';

const prefix = makeTestPrefix('life');
const runtime = createLocalRuntime();
let app: AppContainer;

beforeAll(async () => {
  await removeTestResources(prefix);
  app = await startAppContainer({ name: `${prefix}app`, volumeName: `${prefix}data`, labels: { 'test.role': 'app' } });
});

afterAll(async () => {
  await removeTestResources(prefix);
});

describe('DockerRuntime.inspect and listContainers', () => {
  it('maps a running container', async () => {
    const details = await runtime.inspect(app.name);
    expect(details).toMatchObject({
      id: app.id,
      name: app.name,
      image: APP_IMAGE,
      state: 'running',
      health: null,
      user: '',
      labels: { 'test.role': 'app' },
    });
    expect(details.imageId).toMatch(/^sha256:/);
    expect(details.startedAt).not.toBeNull();
    expect(details.mounts).toEqual([expect.objectContaining({ type: 'volume', name: app.volumeName, destination: '/data', rw: true })]);
  });

  it('reports startedAt null for a container that never started', async () => {
    const id = await docker(['create', '--name', `${prefix}never`, APP_IMAGE]);
    const details = await runtime.inspect(id);
    expect(details).toMatchObject({ state: 'created', startedAt: null, name: `${prefix}never` });
  });

  it('throws ContainerNotFoundError for an unknown name', async () => {
    await expect(runtime.inspect(`${prefix}nobody`)).rejects.toBeInstanceOf(ContainerNotFoundError);
  });

  it('lists the app among all containers', async () => {
    const all = await runtime.listContainers();
    expect(all.find((c) => c.id === app.id)).toMatchObject({ name: app.name, state: 'running', image: APP_IMAGE });
  });
});

describe('DockerRuntime.stop and start', () => {
  it('are idempotent', async () => {
    const other = await startAppContainer({ name: `${prefix}toggle`, volumeName: `${prefix}toggle-data` });
    await runtime.start(other.id);
    const stoppingAt = Date.now();
    await runtime.stop(other.id, 10);
    // The app traps SIGTERM, so stopping must not wait for the 10 s timeout.
    expect(Date.now() - stoppingAt).toBeLessThan(5_000);
    await runtime.stop(other.id, 10);
    expect((await runtime.inspect(other.id)).state).toBe('exited');
    await runtime.start(other.id);
    await runtime.start(other.id);
    expect((await runtime.inspect(other.id)).state).toBe('running');
  });

  it('throw ContainerNotFoundError for an unknown container', async () => {
    await expect(runtime.stop(`${prefix}nobody`, 1)).rejects.toBeInstanceOf(ContainerNotFoundError);
    await expect(runtime.start(`${prefix}nobody`)).rejects.toBeInstanceOf(ContainerNotFoundError);
  });
});

describe('DockerRuntime.startHelper and removeHelper', () => {
  it('shares the stopped app volume, runs as the app user, and can rename inside it', async () => {
    const target = await startAppContainer({
      name: `${prefix}owned`,
      volumeName: `${prefix}owned-data`,
      user: '1000:1000',
      image: APP_NOSQLITE_IMAGE,
    });
    await runtime.exec(target.id, ['sh', '-c', 'echo payload > /data/move-me.tmp']);
    await runtime.stop(target.id, 5);

    const helperId = await runtime.startHelper(target.id, { name: `${prefix}owned-helper`, label: 'drill-1' });
    const helper = await runtime.inspect(helperId);
    expect(helper).toMatchObject({ state: 'running', user: '1000:1000', labels: { [HELPER_LABEL]: 'drill-1' } });
    expect(helper.name.startsWith(`${prefix}owned`)).toBe(true);
    expect((await runtime.exec(helperId, ['id', '-u'])).stdout.trim()).toBe('1000');
    expect((await runtime.exec(helperId, ['mv', '/data/move-me.tmp', '/data/moved.txt'])).exitCode).toBe(0);
    expect((await runtime.exec(helperId, ['cat', '/data/moved.txt'])).stdout).toBe('payload\n');
    expect(await runtime.statPath(target.id, '/data/move-me.tmp')).toBeNull();
    const network = await docker(['inspect', '--format', '{{.HostConfig.NetworkMode}}', helperId]);
    expect(network).toBe('none');

    await runtime.removeHelper(helperId);
    await expect(runtime.inspect(helperId)).rejects.toBeInstanceOf(ContainerNotFoundError);
    // The shared volume survives the helper.
    expect((await tryDocker(['volume', 'inspect', target.volumeName])).exitCode).toBe(0);
    await runtime.removeHelper(helperId);
  });

  it('refuses to remove a container without the helper label', async () => {
    await expect(runtime.removeHelper(app.id)).rejects.toThrow(/refusing to remove/);
    expect((await runtime.inspect(app.id)).state).toBe('running');
  });

  it('throws HelperUnavailableError when the image has no sleep, and leaves no helper behind', async () => {
    const image = `${prefix}nosleep:latest`.toLowerCase();
    await importEmptyImage(image);
    try {
      const targetId = await docker(['create', '--name', `${prefix}nosleep-app`, image, '/app']);
      const attempt = runtime.startHelper(targetId, { name: `${prefix}nosleep-helper`, label: 'drill-2' });
      await expect(attempt).rejects.toBeInstanceOf(HelperUnavailableError);
      await expect(attempt).rejects.toThrow(/did not start: .*sleep/);
      const leftovers = await docker(['ps', '--all', '--quiet', '--filter', `label=${HELPER_LABEL}=drill-2`]);
      expect(leftovers).toBe('');
    } finally {
      await removeTestResources(`${prefix}nosleep`);
      await tryDocker(['image', 'rm', '--force', image]);
    }
  });
});

// An image holding one text file and no binaries at all.
async function importEmptyImage(ref: string): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'srt-nosleep-'));
  try {
    await writeFile(join(dir, 'README'), 'no binaries here\n');
    await execa('tar', ['-C', dir, '-cf', join(dir, 'rootfs.tar'), 'README']);
    await docker(['import', join(dir, 'rootfs.tar'), ref]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
