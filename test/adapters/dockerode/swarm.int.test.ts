// DockerRuntime's Swarm methods against a real single-node swarm on this engine (leased: left as it was found).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalRuntime } from '../../../src/adapters/dockerode/index.js';
import { RescueError } from '../../../src/runbook/errors.js';
import {
  createGlobalService,
  createReplicatedService,
  docker,
  leaseSingleNodeSwarm,
  makeTestPrefix,
  removeTestResources,
  removeTestServices,
  runningTaskContainers,
  type SwarmLease,
  type TestService,
} from '../../support/docker/index.js';

const prefix = makeTestPrefix('swarm');
const runtime = createLocalRuntime();
let lease: SwarmLease;
let web: TestService;
let agent: TestService;

beforeAll(async () => {
  lease = await leaseSingleNodeSwarm();
  web = await createReplicatedService({ name: `${prefix}web`, volumeName: `${prefix}web-data` });
  agent = await createGlobalService({ name: `${prefix}agent` });
});

afterAll(async () => {
  await removeTestServices(prefix).catch(() => undefined);
  await removeTestResources(prefix);
  await lease?.release();
});

describe('swarmNodeId', () => {
  it("is the engine's own node id", async () => {
    expect(await runtime.swarmNodeId()).toBe(lease.nodeId);
    expect(lease.nodeId).toMatch(/^[a-z0-9]{25}$/);
  });
});

describe('inspect of a task container', () => {
  it('names its service and task from the labels', async () => {
    const [containerId] = await runningTaskContainers(web.name);
    const details = await runtime.inspect(containerId);
    const service = await runtime.inspectService(web.name);
    expect(details.swarm).toEqual({
      serviceId: web.id,
      serviceName: web.name,
      taskId: service.tasks.find((task) => task.containerId === containerId)?.id,
    });
    expect(details.name.startsWith(`${web.name}.1.`)).toBe(true);
  });
});

describe('inspectService', () => {
  it('a replicated service: its replicas and its running task on this node', async () => {
    const [containerId] = await runningTaskContainers(web.name);
    const service = await runtime.inspectService(web.name);
    expect(service).toMatchObject({ id: web.id, name: web.name, mode: 'replicated', replicas: 1 });
    expect(service.tasks).toEqual([
      expect.objectContaining({ containerId, nodeId: lease.nodeId, state: 'running', desiredState: 'running', slot: 1 }),
    ]);
  });

  it('a global service: no replica count, tasks without a slot', async () => {
    const service = await runtime.inspectService(agent.id);
    expect(service).toMatchObject({ name: agent.name, mode: 'global', replicas: null });
    expect(service.tasks).toEqual([expect.objectContaining({ nodeId: lease.nodeId, state: 'running', slot: null })]);
  });

  it('an unknown service is an operator error with a hint', async () => {
    const error = await runtime.inspectService(`${prefix}nothing`).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RescueError);
    expect(error).toMatchObject({ exitCode: 2, message: `no Swarm service named or with id "${prefix}nothing"` });
  });
});

describe('scaleService and waitForService', () => {
  it('scales to 0 and waits until no task runs and its container has stopped, then back to 1', async () => {
    const [before] = await runningTaskContainers(web.name);
    await runtime.scaleService(web.name, 0);
    const stopped = await runtime.waitForService(web.name, { kind: 'no-tasks' }, 60_000);
    expect(stopped.replicas).toBe(0);
    expect(await runningTaskContainers(web.name)).toEqual([]);
    // dockerd 20.10 removes the containers of tasks scaled away; until it has, the container is stopped.
    expect(await docker(['ps', '--quiet', '--no-trunc', '--filter', `id=${before}`])).toBe('');

    await runtime.scaleService(web.name, 1);
    const running = await runtime.waitForService(web.name, { kind: 'running', count: 1 }, 60_000);
    const [after] = await runningTaskContainers(web.name);
    expect(after).not.toBe(before);
    expect(running.tasks.filter((task) => task.state === 'running').map((task) => task.containerId)).toEqual([after]);
    // The new task mounts the same volume.
    expect(await docker(['inspect', '--format', '{{range .Mounts}}{{.Name}}{{end}}', after])).toBe(web.volumeName);
  });

  it('refuses to scale a global service and changes nothing', async () => {
    const before = await docker(['service', 'inspect', '--format', '{{.Version.Index}}', agent.id]);
    const error = await runtime.scaleService(agent.name, 0).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ exitCode: 2, message: `service ${agent.name} is global: only a replicated service can be scaled` });
    expect(await docker(['service', 'inspect', '--format', '{{.Version.Index}}', agent.id])).toBe(before);
    expect(await runningTaskContainers(agent.name)).toHaveLength(1);
  });

  it('gives up after its timeout and names what is in the way', async () => {
    const error = await runtime.waitForService(web.name, { kind: 'no-tasks' }, 500).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RescueError);
    expect((error as Error).message).toMatch(
      new RegExp(`^service ${web.name} did not reach no task running within 1 s: task [0-9a-z]{12} running \\(desired running\\)`),
    );
  });
});
