// Pure mapping from the engine's JSON to the port's shapes.
import type Dockerode from 'dockerode';
import type {
  ContainerDetails,
  ContainerStateName,
  ContainerSummary,
  Mount,
} from '../../ports/container-runtime.js';

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
  };
}

export function toDetails(info: Dockerode.ContainerInspectInfo): ContainerDetails {
  const startedAt = info.State.StartedAt;
  const health = info.State.Health?.Status;
  return {
    id: info.Id,
    name: stripSlash(info.Name),
    image: info.Config.Image,
    imageId: info.Image,
    labels: info.Config.Labels ?? {},
    state: info.State.Status as ContainerStateName,
    status: describeState(info.State),
    createdAt: info.Created,
    startedAt: !startedAt || startedAt.startsWith(ZERO_TIME_PREFIX) ? null : startedAt,
    health: health === 'starting' || health === 'healthy' || health === 'unhealthy' ? health : null,
    mounts: (info.Mounts ?? []).map(toMount),
    user: info.Config.User ?? '',
  };
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
