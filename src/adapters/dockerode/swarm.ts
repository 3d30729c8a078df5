// Swarm services through the engine API: what a service is and where its tasks are, scaling it, and waiting for its
// tasks to converge. A task container stopped by hand is replaced by Swarm at once, so scaling is the only way to
// stop a service's writer.
import type Dockerode from 'dockerode';
import type { ServiceGoal, SwarmService, SwarmServiceMode, SwarmTask, SwarmTaskState } from '../../ports/container-runtime.js';
import { RescueError } from '../../runbook/errors.js';
import { getEngineMessage, getStatusCode } from './engine-errors.js';

// States a task passes through before it runs, and running: a task in one of them holds (or will hold) the volume.
const ALIVE_STATES = new Set<SwarmTaskState>([
  'new',
  'allocated',
  'pending',
  'assigned',
  'accepted',
  'preparing',
  'ready',
  'starting',
  'running',
]);
const POLL_MS = 250;

interface RawService {
  ID: string;
  Version?: { Index?: number };
  Spec?: {
    Name?: string;
    Mode?: { Replicated?: { Replicas?: number }; Global?: object; ReplicatedJob?: object; GlobalJob?: object };
  } & Record<string, unknown>;
}

interface RawTask {
  ID: string;
  ServiceID?: string;
  NodeID?: string;
  Slot?: number;
  DesiredState?: string;
  Status?: { State?: string; ContainerStatus?: { ContainerID?: string } };
}

export async function readSwarmNodeId(docker: Dockerode): Promise<string | null> {
  const info = (await docker.info()) as { Swarm?: { NodeID?: string; LocalNodeState?: string } };
  return info.Swarm?.LocalNodeState === 'active' && info.Swarm.NodeID ? info.Swarm.NodeID : null;
}

export async function inspectSwarmService(docker: Dockerode, idOrName: string): Promise<SwarmService> {
  const raw = await inspectRaw(docker, idOrName);
  const tasks = (await docker.listTasks({ filters: { service: [raw.ID] } })) as RawTask[];
  const mode = modeOf(raw);
  return {
    id: raw.ID,
    name: raw.Spec?.Name ?? raw.ID,
    mode,
    replicas: mode === 'replicated' ? (raw.Spec?.Mode?.Replicated?.Replicas ?? 0) : null,
    tasks: tasks.filter((task) => task.ServiceID === raw.ID).map(toTask),
  };
}

export async function scaleSwarmService(docker: Dockerode, idOrName: string, replicas: number): Promise<void> {
  if (!Number.isInteger(replicas) || replicas < 0) throw new RescueError(`cannot scale to ${replicas} replicas`, { kind: 'bug' });
  const raw = await inspectRaw(docker, idOrName);
  const mode = modeOf(raw);
  const name = raw.Spec?.Name ?? raw.ID;
  if (mode !== 'replicated') {
    throw new RescueError(`service ${name} is ${mode}: only a replicated service can be scaled`, {
      kind: 'operator',
      exitCode: 2,
      hint: `a ${mode} service cannot be scaled to 0: remove it (\`docker service rm\`) only if you can recreate it — nothing was changed`,
    });
  }
  const spec = { ...raw.Spec, Mode: { Replicated: { Replicas: replicas } } };
  try {
    // docker-modem would otherwise put the whole spec in the query string too.
    await docker.getService(raw.ID).update({ _query: { version: raw.Version?.Index }, _body: spec });
  } catch (error) {
    const message = getEngineMessage(error);
    if (/out of sequence/i.test(message)) {
      throw new RescueError(`service ${name} changed while it was being scaled to ${replicas}: ${message}`, {
        kind: 'external',
        hint: `someone else updated it a moment ago: look with \`docker service inspect ${name}\` and run again`,
        cause: error,
      });
    }
    throw error;
  }
}

export async function waitForSwarmService(
  docker: Dockerode,
  idOrName: string,
  goal: ServiceGoal,
  timeoutMs: number,
): Promise<SwarmService> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const service = await inspectSwarmService(docker, idOrName);
    const inTheWay = blockingTasks(service, goal, goal.kind === 'no-tasks' ? await runningTaskContainers(docker, service.id) : []);
    if (inTheWay.length === 0) return service;
    if (Date.now() >= deadline) {
      const want = goal.kind === 'no-tasks' ? 'no task running' : `${goal.count} running task(s)`;
      const waited = Math.round(timeoutMs / 1000);
      throw new RescueError(`service ${service.name} did not reach ${want} within ${waited} s: ${inTheWay.join(', ')}`, {
        kind: 'external',
        hint: `look at its tasks with \`docker service ps --no-trunc ${service.name}\``,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

// The service's containers running on this engine, whatever the manager says of their tasks: a task can read shutdown
// (or be gone from the list) a moment before its container has exited. Containers on other nodes are not seen here.
async function runningTaskContainers(docker: Dockerode, serviceId: string): Promise<string[]> {
  const running = await docker.listContainers({ filters: { label: [`com.docker.swarm.service.id=${serviceId}`], status: ['running'] } });
  return running.map((container) => container.Id);
}

// What still keeps the goal from holding, for the timeout message; empty when it holds.
function blockingTasks(service: SwarmService, goal: ServiceGoal, runningContainers: string[]): string[] {
  const describe = (task: SwarmTask) => `task ${task.id.slice(0, 12)} ${task.state} (desired ${task.desiredState})`;
  if (goal.kind === 'no-tasks') {
    return [
      ...service.tasks.filter((task) => ALIVE_STATES.has(task.state)).map(describe),
      ...runningContainers
        .filter((id) => !service.tasks.some((task) => ALIVE_STATES.has(task.state) && task.containerId === id))
        .map((id) => `container ${id.slice(0, 12)} still runs`),
    ];
  }
  // Exactly `count` tasks alive, all of them running and meant to: one on its way up or down is one too many.
  const alive = service.tasks.filter((task) => ALIVE_STATES.has(task.state));
  const settled = alive.filter((task) => task.state === 'running' && task.desiredState === 'running');
  if (alive.length === goal.count && settled.length === goal.count) return [];
  return [`${settled.length} running`, ...alive.filter((task) => !settled.includes(task)).map(describe)];
}

async function inspectRaw(docker: Dockerode, idOrName: string): Promise<RawService> {
  try {
    return (await docker.getService(idOrName).inspect()) as RawService;
  } catch (error) {
    if (getStatusCode(error) === 404) {
      throw new RescueError(`no Swarm service named or with id "${idOrName}"`, {
        kind: 'operator',
        exitCode: 2,
        hint: 'list services with `docker service ls` (on a manager node)',
        cause: error,
      });
    }
    if (getStatusCode(error) === 503) {
      throw new RescueError(`the engine is not a Swarm manager, so it cannot show service "${idOrName}": ${getEngineMessage(error)}`, {
        kind: 'operator',
        exitCode: 2,
        hint: 'run against a manager node of the swarm (`docker node ls` works there)',
        cause: error,
      });
    }
    throw error;
  }
}

function modeOf(raw: RawService): SwarmServiceMode {
  const mode = raw.Spec?.Mode ?? {};
  if (mode.Global) return 'global';
  if (mode.ReplicatedJob) return 'replicated-job';
  if (mode.GlobalJob) return 'global-job';
  return 'replicated';
}

function toTask(task: RawTask): SwarmTask {
  return {
    id: task.ID,
    containerId: task.Status?.ContainerStatus?.ContainerID || null,
    nodeId: task.NodeID ?? '',
    state: (task.Status?.State ?? 'new') as SwarmTaskState,
    desiredState: task.DesiredState ?? '',
    slot: typeof task.Slot === 'number' && task.Slot > 0 ? task.Slot : null,
  };
}
