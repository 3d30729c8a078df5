import { describe, expect, it } from 'vitest';
import type { ContainerDetails, Mount, SwarmService } from '../../src/ports/container-runtime.js';
import type { DataMount } from '../../src/steps/facts.js';
import { judgeWriters, sharesVolume, type Sharer } from '../../src/steps/writers.js';

const volume = (name: string, rw = true): Mount => ({
  type: 'volume',
  name,
  source: `/var/lib/docker/volumes/${name}/_data`,
  destination: '/data',
  rw,
});
const DATA: DataMount = { type: 'volume', name: 'app-data', source: '/var/lib/docker/volumes/app-data/_data', destination: '/data' };
const compose = (service: string, number: number, extra: Record<string, string> = {}) => ({
  'com.docker.compose.project': 'shop',
  'com.docker.compose.service': service,
  'com.docker.compose.container-number': String(number),
  ...extra,
});

function details(over: Partial<ContainerDetails> = {}): ContainerDetails {
  return {
    id: 'target',
    name: 'shop-web-1',
    image: 'shop:1',
    imageId: 'i',
    labels: compose('web', 1),
    state: 'running',
    status: '',
    createdAt: '',
    startedAt: null,
    health: null,
    mounts: [volume('app-data')],
    user: '',
    restartPolicy: { name: 'unless-stopped', maximumRetryCount: 0 },
    restartCount: 0,
    stopTimeout: null,
    stopSignal: null,
    pid: 1,
    swarm: null,
    ...over,
  };
}

function sharer(id: string, over: Partial<Sharer> = {}): Sharer {
  return {
    id,
    name: id,
    image: 'shop:1',
    imageId: 'i',
    labels: {},
    state: 'running',
    status: '',
    createdAt: '',
    mounts: [volume('app-data')],
    ...over,
  };
}

function service(over: Partial<SwarmService> = {}): SwarmService {
  return {
    id: 'svc1',
    name: 'shop_web',
    mode: 'replicated',
    replicas: 1,
    tasks: [{ id: 't1', containerId: 'target', nodeId: 'n1', state: 'running', desiredState: 'running', slot: 1 }],
    ...over,
  };
}

const swarmTarget = details({
  name: 'shop_web.1.t1',
  labels: { 'com.docker.swarm.service.id': 'svc1', 'com.docker.swarm.service.name': 'shop_web', 'com.docker.swarm.task.id': 't1' },
  swarm: { serviceId: 'svc1', serviceName: 'shop_web', taskId: 't1' },
});

describe('sharesVolume', () => {
  it.each([
    ['the same named volume', [volume('app-data')], true],
    ['the same volume read-only: cannot write', [volume('app-data', false)], false],
    ['another volume', [volume('other')], false],
    ['a bind of the folder holding the volume', [{ type: 'bind', source: '/var/lib/docker/volumes', destination: '/v', rw: true }], true],
    [
      'a bind of a folder inside it',
      [{ type: 'bind', source: '/var/lib/docker/volumes/app-data/_data/backups', destination: '/b', rw: true }],
      true,
    ],
    [
      'a bind beside it with a common prefix',
      [{ type: 'bind', source: '/var/lib/docker/volumes/app-data-old', destination: '/b', rw: true }],
      false,
    ],
    ['no mounts listed', undefined, false],
    ["a tmpfs: no source, in the container's memory", [{ type: 'tmpfs', source: '', destination: '/data', rw: true }], false],
  ])('%s', (_name, mounts, expected) => {
    expect(sharesVolume({ mounts: mounts as Mount[] | undefined }, DATA)).toBe(expected);
  });
});

describe('judgeWriters', () => {
  it('alone on its volume: the target is the one writer', () => {
    expect(judgeWriters({ target: details(), dataMount: DATA, others: [sharer('redis', { mounts: [volume('redis')] })] })).toEqual({
      plan: { kind: 'containers', containers: [{ id: 'target', name: 'shop-web-1' }] },
      risks: [],
    });
  });

  it('Compose replicas of the same service on the volume: stopped with it, named as a risk', () => {
    const judged = judgeWriters({
      target: details(),
      dataMount: DATA,
      others: [
        sharer('shop-web-2', { labels: compose('web', 2) }),
        sharer('shop-web-3', { labels: compose('web', 3), state: 'restarting' }),
      ],
    });
    expect(judged.plan).toEqual({
      kind: 'containers',
      containers: [
        { id: 'target', name: 'shop-web-1' },
        { id: 'shop-web-2', name: 'shop-web-2' },
        { id: 'shop-web-3', name: 'shop-web-3' },
      ],
    });
    expect(judged.risks).toEqual([
      expect.stringMatching(
        /^Compose service web has 3 replicas on one database \(volume app-data \(\/data in shop-web-1\)\): SQLite takes one writer/,
      ),
    ]);
  });

  it.each<[string, Sharer, RegExp]>([
    [
      'another service of the project',
      sharer('shop-worker-1', { labels: compose('worker', 1) }),
      /^another container writes to the database's volume app-data \(\/data in shop-web-1\), or .+: shop-worker-1 \(running\)$/,
    ],
    [
      'a one-off of the same service (`docker compose run`)',
      sharer('shop-web-run-1', { labels: compose('web', 1, { 'com.docker.compose.oneoff': 'True' }) }),
      /shop-web-run-1 \(running\)$/,
    ],
    ['a plain container', sharer('backup-agent'), /backup-agent \(running\)$/],
    [
      'a stopped container the engine restarts on a daemon restart',
      sharer('old-web', { state: 'exited', restartPolicy: { name: 'always', maximumRetryCount: 0 } }),
      /old-web \(exited, restart policy always\)$/,
    ],
  ])('refused before any change: %s', (_name, other, message) => {
    let caught: unknown;
    try {
      judgeWriters({ target: details(), dataMount: DATA, others: [other] });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({
      message: expect.stringMatching(message),
      exitCode: 2,
      hint: expect.stringMatching(/ — nothing was changed$/),
    });
  });

  it('the hint says what to type', () => {
    const others = [sharer('worker'), sharer('old', { state: 'exited', restartPolicy: { name: 'on-failure', maximumRetryCount: 3 } })];
    expect(() => judgeWriters({ target: details(), dataMount: DATA, others })).toThrow(
      expect.objectContaining({
        hint:
          'stop it first (`docker stop worker`) and start it again after the restore; set `docker update --restart=no old` for the ' +
          'restore and put the policy back after it — nothing was changed',
      }),
    );
  });

  it.each<[string, Sharer]>([
    ['stopped with no policy', sharer('old', { state: 'exited', restartPolicy: { name: 'no', maximumRetryCount: 0 } })],
    [
      'stopped by hand under unless-stopped',
      sharer('old', { state: 'exited', restartPolicy: { name: 'unless-stopped', maximumRetryCount: 0 } }),
    ],
    ['mounting it read-only', sharer('cadvisor', { mounts: [volume('app-data', false)] })],
  ])('not a writer: %s', (_name, other) => {
    expect(judgeWriters({ target: details(), dataMount: DATA, others: [other] }).plan).toEqual({
      kind: 'containers',
      containers: [{ id: 'target', name: 'shop-web-1' }],
    });
  });

  it('a Swarm task: its service is scaled, its other tasks are not strangers', () => {
    const other = sharer('shop_web.2.t2', { labels: { 'com.docker.swarm.service.id': 'svc1' } });
    const judged = judgeWriters({
      target: swarmTarget,
      dataMount: DATA,
      others: [other],
      swarm: { service: service({ replicas: 2 }), nodeId: 'n1' },
    });
    expect(judged.plan).toEqual({ kind: 'swarm', service: { id: 'svc1', name: 'shop_web', replicas: 2 } });
    expect(judged.risks).toEqual([expect.stringMatching(/^Swarm service shop_web runs 2 replicas on one database/)]);
  });

  it.each<[string, SwarmService, string | null, RegExp]>([
    [
      'a global service',
      service({ mode: 'global', replicas: null }),
      'n1',
      /^shop_web\.1\.t1 is a task of the global Swarm service shop_web: it cannot be scaled to 0/,
    ],
    ['a replicated job', service({ mode: 'replicated-job', replicas: null }), 'n1', /replicated-job Swarm service/],
    [
      'a task on another node',
      service({
        tasks: [...service().tasks, { id: 't2', containerId: null, nodeId: 'n2', state: 'running', desiredState: 'running', slot: 2 }],
      }),
      'n1',
      /^Swarm service shop_web has tasks on another node \(n2\)/,
    ],
    ['an engine outside the swarm', service(), null, /this engine is not an active member of a swarm$/],
  ])('Swarm refused before any change: %s', (_name, svc, nodeId, message) => {
    expect(() => judgeWriters({ target: swarmTarget, dataMount: DATA, others: [], swarm: { service: svc, nodeId } })).toThrow(
      expect.objectContaining({ message: expect.stringMatching(message), exitCode: 2 }),
    );
  });
});
