import { describe, expect, it } from 'vitest';
import { appNameOf, imageTagOf } from '../../src/discovery/app-name.js';
import { listContainersForPicker } from '../../src/discovery/container-listing.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { FakeContainerRuntime } from '../fakes/fake-container-runtime.js';
import { FakeLocalFiles } from '../fakes/fake-local-files.js';
import { sqliteBytes } from './sqlite-bytes.js';

describe('appNameOf', () => {
  it.each([
    ['Coolify resource name', { 'coolify.resourceName': 'acme-site', 'coolify.name': 'x1y2z3' }, 'acme-site'],
    ['Coolify name', { 'coolify.name': 'acme' }, 'acme'],
    ['Compose project/service', { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'web' }, 'shop/web'],
    ['Dokku app', { 'com.dokku.app-name': 'blog' }, 'blog'],
    ['Kamal service and destination', { service: 'hey', role: 'web', destination: 'staging' }, 'hey (staging)'],
    ['Kamal service', { service: 'hey', role: 'web' }, 'hey'],
    ['a lone "service" label is no Kamal', { service: 'x' }, 'k8s_pod_1'],
    ['nothing: the container name', {}, 'k8s_pod_1'],
  ])('%s', (_name, labels, expected) => {
    expect(appNameOf(labels as Record<string, string>, 'k8s_pod_1')).toBe(expected);
  });
});

describe('imageTagOf', () => {
  it.each([
    ['ghcr.io/acme/app:pr-12', 'pr-12'],
    ['app', ''],
    ['registry:5000/acme/app', ''],
    ['registry:5000/acme/app:3f2c1a', '3f2c1a'],
    ['app:1.2@sha256:abc', '1.2'],
  ])('%s', (image, tag) => {
    expect(imageTagOf(image)).toBe(tag);
  });
});

describe('listContainersForPicker', () => {
  function world() {
    const runtime = new FakeContainerRuntime(new FakeClock(), new FakeLocalFiles());
    runtime.addContainer({
      name: 'prod',
      image: 'ghcr.io/acme/app:3f2c1a',
      labels: { 'coolify.name': 'acme' },
      mounts: [{ destination: '/data', volume: 'prod' }],
      startedAt: '2026-11-25T10:00:00.000Z',
    });
    runtime.addContainer({
      name: 'preview',
      image: 'ghcr.io/acme/app:pr-7',
      state: 'exited',
      mounts: [{ destination: '/data', volume: 'preview' }],
    });
    runtime.addContainer({ name: 'proxy', image: 'traefik:v3' });
    for (let i = 0; i < 12; i += 1) runtime.putFile('prod', `/data/tenants/t${i}.db`, sqliteBytes());
    runtime.putFile('preview', '/data/app.db', sqliteBytes());
    return runtime;
  }

  it('one row a container: name people know, image, tag, state, start, database count; helpers left out', async () => {
    const runtime = world();
    const helper = await runtime.startHelper('prod', { name: 'prod-rescue-leftover-read', label: 'leftover' });
    const listing = await listContainersForPicker(runtime);
    const rows = listing.containers.map(({ name, appName, tag, state, startedAt, databases }) => ({
      name,
      appName,
      tag,
      state,
      startedAt,
      databases,
    }));
    expect(rows).toEqual([
      {
        name: 'prod',
        appName: 'acme',
        tag: '3f2c1a',
        state: 'running',
        startedAt: '2026-11-25T10:00:00.000Z',
        databases: { count: 12, atLeast: false, via: 'exec' },
      },
      {
        name: 'preview',
        appName: 'preview',
        tag: 'pr-7',
        state: 'exited',
        startedAt: '2024-12-01T00:00:00.000Z',
        databases: { count: 1, atLeast: false, via: 'archive' },
      },
      {
        name: 'proxy',
        appName: 'proxy',
        tag: 'v3',
        state: 'running',
        startedAt: '2024-12-01T00:00:00.000Z',
        databases: { count: 0, atLeast: false, via: 'none' },
      },
    ]);
    expect(listing.containers.some((row) => row.id === helper)).toBe(false);
    // No helper is started to count a stopped container.
    expect(runtime.calls.filter((call) => call.method === 'startHelper')).toHaveLength(1);
  });

  it('a bound says "at least"; the limits are the caller\'s to widen', async () => {
    const listing = await listContainersForPicker(world(), { limits: { maxFiles: 5 } });
    expect(listing.containers[0].databases).toEqual({ count: 5, atLeast: true, via: 'exec' });
  });

  it("records every call, the counts' included", async () => {
    const seen: string[] = [];
    const listing = await listContainersForPicker(world(), { onCommand: (command) => seen.push(command.cli.slice(0, 2).join(' ')) });
    expect(listing.commands.map((command) => command.cli.slice(0, 2).join(' '))).toEqual(seen);
    expect(seen.filter((line) => line === 'docker exec')).toHaveLength(1);
    expect(seen.filter((line) => line === 'docker inspect')).toHaveLength(3);
  });
});
