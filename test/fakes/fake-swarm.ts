// Docker Swarm as FakeContainerRuntime models it (dockerd 20.10, measured): services whose tasks are containers of
// that runtime, named and labelled as Swarm names them. A task container stopped by hand is replaced by a new task on
// the same volumes once the service's restart delay (5 s) has passed on the clock, so only scaling stops a service;
// scaling down removes the tasks and their containers (desired state `remove`). Scaling converges at once.
import type { Pid1SignalsReading, ServiceGoal, SwarmService, SwarmServiceMode, SwarmTask } from '../../src/ports/container-runtime.js';
import { RescueError } from '../../src/runbook/errors.js';

export interface ServiceSpec {
  name: string;
  mode?: Extract<SwarmServiceMode, 'replicated' | 'global'>;
  /** Replicated only; default 1. */
  replicas?: number;
  image?: string;
  mounts?: Array<{ destination: string; volume?: string; bind?: string }>;
  /** The node its tasks run on; default this engine's node. A task elsewhere has no container on this engine. */
  nodeId?: string;
  /** What readPid1Signals answers for its task containers (see ContainerSpec.pid1). */
  pid1?: Pid1SignalsReading;
}

/** What the swarm needs from the runtime that holds its task containers. */
export interface SwarmHost {
  addTaskContainer(spec: {
    name: string;
    image?: string;
    labels: Record<string, string>;
    mounts?: ServiceSpec['mounts'];
    pid1?: Pid1SignalsReading;
  }): string;
  /** Stops and removes the container, as Swarm does to a task scaled away. */
  removeTaskContainer(containerId: string): void;
  isRunning(containerId: string): boolean;
  now(): number;
  onAdvance(listener: (now: number) => void): void;
}

/** Swarm's default `--restart-delay`: a failed or stopped task is replaced this long after it ended. */
export const RESTART_DELAY_MS = 5_000;

interface FakeService {
  id: string;
  spec: Required<Pick<ServiceSpec, 'name' | 'mode'>> & ServiceSpec;
  replicas: number | null;
  tasks: SwarmTask[];
  /** Bumped by every update, like the engine's version index. */
  version: number;
}

export const FAKE_NODE_ID = 'fakenode0000000000000001';

export class FakeSwarm {
  /** This engine's node id; null: not in a swarm. Adding a service joins one. */
  nodeId: string | null = null;
  private readonly services = new Map<string, FakeService>();
  private counter = 0;

  constructor(private readonly host: SwarmHost) {}

  addService(spec: ServiceSpec): string {
    this.nodeId ??= FAKE_NODE_ID;
    const id = this.nextId('svc');
    const mode = spec.mode ?? 'replicated';
    const service: FakeService = {
      id,
      spec: { ...spec, mode },
      replicas: mode === 'replicated' ? (spec.replicas ?? 1) : null,
      tasks: [],
      version: 1,
    };
    this.services.set(id, service);
    this.converge(service);
    return id;
  }

  inspect(idOrName: string): SwarmService {
    const service = this.find(idOrName);
    return {
      id: service.id,
      name: service.spec.name,
      mode: service.spec.mode,
      replicas: service.replicas,
      tasks: service.tasks.map((task) => ({ ...task })),
    };
  }

  scale(idOrName: string, replicas: number): void {
    const service = this.find(idOrName);
    if (service.spec.mode !== 'replicated') {
      throw new RescueError(`service ${service.spec.name} is ${service.spec.mode}: only a replicated service can be scaled`, {
        kind: 'operator',
        exitCode: 2,
      });
    }
    service.replicas = replicas;
    service.version += 1;
    this.converge(service);
  }

  wait(idOrName: string, goal: ServiceGoal, timeoutMs: number): SwarmService {
    const service = this.find(idOrName);
    const alive = service.tasks.filter((task) => task.desiredState === 'running');
    const holds =
      goal.kind === 'no-tasks'
        ? alive.length === 0 && service.tasks.every((task) => !task.containerId || !this.host.isRunning(task.containerId))
        : alive.filter((task) => task.state === 'running').length === goal.count && alive.every((task) => task.state === 'running');
    if (!holds) throw new RescueError(`service ${service.spec.name} did not reach its goal within ${Math.round(timeoutMs / 1000)} s`);
    return this.inspect(idOrName);
  }

  /** The runtime stopped a container: when it was a task Swarm still wants, Swarm replaces it after the delay. */
  onContainerStopped(containerId: string): void {
    for (const service of this.services.values()) {
      const task = service.tasks.find((candidate) => candidate.containerId === containerId && candidate.desiredState === 'running');
      if (!task) continue;
      task.state = 'complete';
      task.desiredState = 'shutdown';
      const due = this.host.now() + RESTART_DELAY_MS;
      this.host.onAdvance((now) => {
        if (now >= due) this.converge(service);
      });
    }
  }

  private converge(service: FakeService): void {
    const wanted = service.replicas ?? 1;
    const alive = service.tasks.filter((task) => task.desiredState === 'running');
    for (const task of alive.slice(wanted)) {
      service.tasks.splice(service.tasks.indexOf(task), 1);
      if (task.containerId) this.host.removeTaskContainer(task.containerId);
    }
    const slots = new Set(alive.slice(0, wanted).map((task) => task.slot));
    for (let slot = 1; alive.length < wanted && slot <= wanted; slot++) {
      if (slots.has(slot)) continue;
      alive.push(this.startTask(service, slot));
    }
  }

  private startTask(service: FakeService, slot: number): SwarmTask {
    const taskId = this.nextId('task');
    const nodeId = service.spec.nodeId ?? this.nodeId ?? FAKE_NODE_ID;
    const onThisNode = nodeId === this.nodeId;
    const name = service.spec.mode === 'global' ? `${service.spec.name}.${nodeId}.${taskId}` : `${service.spec.name}.${slot}.${taskId}`;
    const labels = {
      'com.docker.swarm.service.id': service.id,
      'com.docker.swarm.service.name': service.spec.name,
      'com.docker.swarm.task.id': taskId,
      'com.docker.swarm.node.id': nodeId,
    };
    const containerId = onThisNode
      ? this.host.addTaskContainer({
          name,
          image: service.spec.image,
          labels,
          mounts: service.spec.mounts,
          ...(service.spec.pid1 ? { pid1: service.spec.pid1 } : {}),
        })
      : null;
    const task: SwarmTask = {
      id: taskId,
      containerId,
      nodeId,
      state: 'running',
      desiredState: 'running',
      slot: service.spec.mode === 'global' ? null : slot,
    };
    service.tasks.push(task);
    return task;
  }

  private find(idOrName: string): FakeService {
    const service = this.services.get(idOrName) ?? [...this.services.values()].find((candidate) => candidate.spec.name === idOrName);
    if (!service)
      throw new RescueError(`no Swarm service named or with id "${idOrName}"`, {
        kind: 'operator',
        exitCode: 2,
        hint: 'list services with `docker service ls`',
      });
    return service;
  }

  private nextId(kind: string): string {
    this.counter += 1;
    return `${kind}${String(this.counter).padStart(21, '0')}`.slice(0, 25);
  }
}
