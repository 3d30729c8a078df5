// The fake's model of restart policies, PID 1 signals, kill and Swarm: the behaviours measured on dockerd 20.10 that
// step tests rely on (FACTS.md "Stopping apps", "Restart policies", "Swarm").
import { describe, expect, it } from 'vitest';
import type { Pid1SignalsReading } from '../../src/ports/container-runtime.js';
import { makeDeps } from './make-deps.js';

const IGNORES_TERM: Pid1SignalsReading = {
  known: true,
  signals: { catchesSigterm: false, ignoresSigterm: false, command: ['/bin/sh', '/app/run.sh'], via: 'exec' },
};

describe('FakeContainerRuntime: stopping', () => {
  it('docker stop waits out the timeout for a PID 1 that does not catch SIGTERM; kill ends it at once', async () => {
    const { runtime, clock } = makeDeps();
    runtime.addContainer({ name: 'slow', pid1: IGNORES_TERM });
    runtime.addContainer({ name: 'quick' });
    const started = clock.now();
    await runtime.stop('quick', 10);
    expect(clock.now() - started).toBe(0);
    await runtime.stop('slow', 10);
    expect(clock.now() - started).toBe(10_000);

    runtime.addContainer({ name: 'stuck', pid1: IGNORES_TERM });
    expect(await runtime.kill('stuck', 'SIGTERM')).toBe(true);
    expect(runtime.state('stuck')).toBe('running');
    expect(await runtime.kill('stuck', 'SIGKILL')).toBe(true);
    expect(runtime.state('stuck')).toBe('exited');
    expect(await runtime.kill('stuck', 'SIGKILL')).toBe(false);
  });

  it('reads PID 1 only while it runs', async () => {
    const { runtime } = makeDeps();
    runtime.addContainer({ name: 'app', pid1: IGNORES_TERM });
    expect(await runtime.readPid1Signals('app')).toEqual(IGNORES_TERM);
    await runtime.stop('app', 1);
    expect(await runtime.readPid1Signals('app')).toEqual({ known: false, reason: 'app is exited: it has no PID 1 to look at' });
  });
});

describe('FakeContainerRuntime: restart policies across a daemon restart', () => {
  it.each([
    ['always', true],
    ['unless-stopped', false],
    ['on-failure', false],
    ['no', false],
  ] as const)(
    'a hand-stopped container with %s comes back: %s; a running one is stopped by it, the swap helper too',
    async (name, comesBack) => {
      const { runtime } = makeDeps();
      runtime.addContainer({ name: 'app', restartPolicy: { name, maximumRetryCount: 0 } });
      const helper = await runtime.startHelper('app', { name: 'app-rescue-I-swap', label: 'I' });
      await runtime.stop('app', 10);
      runtime.restartDaemon();
      expect(runtime.state('app')).toBe(comesBack ? 'running' : 'exited');
      expect(runtime.state(helper)).toBe('exited');
    },
  );

  it('a crash loop with unless-stopped: update to no does not cancel the restart already due, stop does', async () => {
    const { runtime, clock } = makeDeps();
    const policy = { name: 'unless-stopped', maximumRetryCount: 0 } as const;
    runtime.addContainer({ name: 'looping', state: 'restarting', exitsOnStart: true, restartPolicy: policy });
    await runtime.setRestartPolicy('looping', { name: 'no', maximumRetryCount: 0 });
    expect(runtime.state('looping')).toBe('restarting');
    clock.advance(1_000);
    expect(runtime.state('looping')).toBe('exited');

    runtime.addContainer({ name: 'stopped-first', state: 'restarting', exitsOnStart: true, restartPolicy: policy });
    await runtime.stop('stopped-first', 10);
    runtime.restartDaemon();
    expect(runtime.state('stopped-first')).toBe('exited');
  });

  it('a policy set to no while stopped is what the restart respects', async () => {
    const { runtime } = makeDeps();
    runtime.addContainer({ name: 'app', restartPolicy: { name: 'always', maximumRetryCount: 0 } });
    await runtime.stop('app', 10);
    await runtime.setRestartPolicy('app', { name: 'no', maximumRetryCount: 0 });
    runtime.restartDaemon();
    expect(runtime.state('app')).toBe('exited');
    expect(runtime.restartPolicyOf('app')).toEqual({ name: 'no', maximumRetryCount: 0 });
    expect((await runtime.inspect('app')).restartPolicy).toEqual({ name: 'no', maximumRetryCount: 0 });
  });
});

describe('FakeContainerRuntime: Swarm', () => {
  it('a stopped task is replaced on the same volume after the restart delay; scaling to 0 removes it for good', async () => {
    const { runtime, clock } = makeDeps();
    const serviceId = runtime.addService({ name: 'shop_web', mounts: [{ destination: '/data', volume: 'shop-data' }] });
    const [first] = (await runtime.inspectService(serviceId)).tasks;
    const firstContainer = first.containerId as string;
    expect(await runtime.inspect(firstContainer)).toMatchObject({ swarm: { serviceId, serviceName: 'shop_web', taskId: first.id } });

    await runtime.stop(firstContainer, 10);
    expect((await runtime.inspectService('shop_web')).tasks.filter((task) => task.desiredState === 'running')).toEqual([]);
    clock.advance(4_999);
    expect((await runtime.inspectService('shop_web')).tasks.filter((task) => task.desiredState === 'running')).toEqual([]);
    clock.advance(1);
    const afterStop = await runtime.inspectService('shop_web');
    const replacement = afterStop.tasks.find((task) => task.desiredState === 'running');
    expect(replacement?.containerId).not.toBe(firstContainer);
    expect(runtime.state(replacement?.containerId as string)).toBe('running');
    expect((await runtime.inspect(replacement?.containerId as string)).mounts).toEqual([
      expect.objectContaining({ name: 'shop-data', destination: '/data' }),
    ]);

    await runtime.scaleService(serviceId, 0);
    expect(await runtime.waitForService(serviceId, { kind: 'no-tasks' }, 30_000)).toMatchObject({ replicas: 0 });
    expect((await runtime.listContainers()).filter((container) => container.state === 'running')).toEqual([]);
    await expect(runtime.inspect(replacement?.containerId as string)).rejects.toThrow('no container named or with id');
    await runtime.scaleService(serviceId, 1);
    expect(
      (await runtime.waitForService(serviceId, { kind: 'running', count: 1 }, 30_000)).tasks.filter((task) => task.state === 'running'),
    ).toHaveLength(1);
    expect(await runtime.swarmNodeId()).toBe(afterStop.tasks[0].nodeId);
  });

  it('refuses to scale a global service, and a wait that cannot hold throws', async () => {
    const { runtime } = makeDeps();
    runtime.addService({ name: 'agent', mode: 'global' });
    await expect(runtime.scaleService('agent', 0)).rejects.toMatchObject({
      exitCode: 2,
      message: 'service agent is global: only a replicated service can be scaled',
    });
    await expect(runtime.waitForService('agent', { kind: 'no-tasks' }, 5_000)).rejects.toThrow(
      'service agent did not reach its goal within 5 s',
    );
    await expect(runtime.inspectService('nothing')).rejects.toMatchObject({ exitCode: 2 });
  });

  it('is not in a swarm until a service exists', async () => {
    const { runtime } = makeDeps();
    expect(await runtime.swarmNodeId()).toBeNull();
  });
});
