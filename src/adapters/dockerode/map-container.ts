// Pure mapping from the engine's JSON to the port's shapes.
import type Dockerode from 'dockerode';
import type {
  ContainerDetails,
  ContainerStateName,
  ContainerSummary,
  Mount,
  RestartPolicy,
  RestartPolicyName,
  SwarmTaskLabels,
} from '../../ports/container-runtime.js';
import { RescueError } from '../../runbook/errors.js';

// Fields the engine sends that @types/dockerode leaves out of Config.
type InspectConfig = Dockerode.ContainerInspectInfo['Config'] & { StopTimeout?: number | null; StopSignal?: string };

const RESTART_POLICY_NAMES: readonly RestartPolicyName[] = ['no', 'always', 'unless-stopped', 'on-failure'];

// The engine's zero time for "never started".
const ZERO_TIME_PREFIX = '0001-01-01';

export function stripSlash(name: string): string {
  return name.startsWith('/') ? name.slice(1) : name;
}

export function toSummary(info: Dockerode.ContainerInfo): ContainerSummary {
  return {
    id: info.Id,
    name: stripSlash(info.Names[0] ?? info.Id),
    image: info.Image,
    imageId: info.ImageID,
    labels: info.Labels ?? {},
    state: info.State as ContainerStateName,
    status: info.Status,
    createdAt: new Date(info.Created * 1000).toISOString(),
    mounts: (info.Mounts ?? []).map((mount) => ({
      type: mount.Type,
      source: mount.Source,
      destination: mount.Destination,
      ...(mount.Name ? { name: mount.Name } : {}),
      rw: mount.RW,
    })),
  };
}

export function toDetails(info: Dockerode.ContainerInspectInfo): ContainerDetails {
  const startedAt = info.State.StartedAt;
  const health = info.State.Health?.Status;
  const config = info.Config as InspectConfig;
  const labels = info.Config.Labels ?? {};
  return {
    id: info.Id,
    name: stripSlash(info.Name),
    image: info.Config.Image,
    imageId: info.Image,
    labels,
    state: info.State.Status as ContainerStateName,
    status: describeState(info.State),
    createdAt: info.Created,
    startedAt: !startedAt || startedAt.startsWith(ZERO_TIME_PREFIX) ? null : startedAt,
    health: health === 'starting' || health === 'healthy' || health === 'unhealthy' ? health : null,
    mounts: (info.Mounts ?? []).map(toMount),
    user: info.Config.User ?? '',
    restartPolicy: toRestartPolicy(info.HostConfig?.RestartPolicy),
    restartCount: info.RestartCount ?? 0,
    stopTimeout: typeof config.StopTimeout === 'number' ? config.StopTimeout : null,
    stopSignal: config.StopSignal ? config.StopSignal : null,
    pid: info.State.Pid > 0 ? info.State.Pid : null,
    swarm: toSwarmTask(labels),
  };
}

// A name this code does not know could not be put back exactly after the downtime: refused rather than guessed.
export function toRestartPolicy(policy: Dockerode.HostRestartPolicy | undefined): RestartPolicy {
  const raw = policy?.Name ?? '';
  const name = raw === '' ? 'no' : RESTART_POLICY_NAMES.find((candidate) => candidate === raw);
  if (name === undefined) {
    throw new RescueError(`the engine reports a restart policy this tool does not know: "${raw}"`, { kind: 'external' });
  }
  return { name, maximumRetryCount: policy?.MaximumRetryCount ?? 0 };
}

function toSwarmTask(labels: Record<string, string>): SwarmTaskLabels | null {
  const serviceId = labels['com.docker.swarm.service.id'];
  const serviceName = labels['com.docker.swarm.service.name'];
  const taskId = labels['com.docker.swarm.task.id'];
  return serviceId && serviceName && taskId ? { serviceId, serviceName, taskId } : null;
}

function toMount(mount: Dockerode.ContainerInspectInfo['Mounts'][number]): Mount {
  return {
    type: mount.Type,
    source: mount.Source,
    destination: mount.Destination,
    ...(mount.Name ? { name: mount.Name } : {}),
    rw: mount.RW,
  };
}

// Inspect has no human status line like `docker ps`; this is the nearest honest one.
function describeState(state: Dockerode.ContainerInspectInfo['State']): string {
  if (state.Status === 'exited') return `Exited (${state.ExitCode}) at ${state.FinishedAt}`;
  if (state.Status === 'running') return `Up since ${state.StartedAt}`;
  return state.Status;
}
