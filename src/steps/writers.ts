// Who writes to the database and how they are stopped so that nothing starts a writer behind the tool's back, decided
// from the target, its platform's labels and every other container that mounts the same volume writable. Pure:
// table-driven tests pin every rule. Replicas of the target's own service (a Compose service, a Dokku process type, a
// Kamal role, a Coolify resource) are stopped and started with it; a Swarm task is stopped by scaling its service to 0,
// since Swarm replaces a task container stopped by hand; anything else that could write is refused, named, before any
// change.
import type { ContainerDetails, ContainerSummary, RestartPolicy, SwarmService, SwarmTaskState } from '../ports/container-runtime.js';
import { RescueError } from '../runbook/errors.js';
import type { DataMount } from './facts.js';
import { readPlatformLabels } from './platform-labels.js';

export interface WriterContainer {
  id: string;
  name: string;
}

/** How the app's writers are stopped and brought back; journaled (find-container settles it, stop-app re-checks it). */
export type WriterPlan =
  /** Stopped and started by the engine, the target first. */
  | { kind: 'containers'; containers: WriterContainer[] }
  /** Scaled to 0 and back to `replicas`: its task containers are removed by Swarm and new ones started. */
  | { kind: 'swarm'; service: { id: string; name: string; replicas: number } };

/** Another container that mounts the volume, with its restart policy when it was inspected (it does not run). */
export type Sharer = ContainerSummary & { restartPolicy?: RestartPolicy };

export interface WriterInput {
  target: ContainerDetails;
  dataMount: DataMount;
  /** Every container but the target and the tool's helpers. */
  others: Sharer[];
  /** For a Swarm task: its service and this engine's node id. */
  swarm?: { service: SwarmService; nodeId: string | null };
}

export interface WriterJudgement {
  plan: WriterPlan;
  /** What the operator should know but that does not stop the run (several replicas on one database). */
  risks: string[];
}

const ALIVE: ReadonlySet<SwarmTaskState> = new Set([
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
const RUNS: ReadonlySet<string> = new Set(['running', 'restarting', 'paused']);

function isUnder(path: string, folder: string): boolean {
  return path === folder || path.startsWith(`${folder.replace(/\/$/, '')}/`);
}

/** A writable mount that reaches the database's volume: the same named volume, or host paths one inside the other. */
export function sharesVolume(container: Pick<ContainerSummary, 'mounts'>, dataMount: DataMount): boolean {
  return (container.mounts ?? []).some((mount) => {
    // A tmpfs (no source) lives in the container's memory: it cannot reach another container's files.
    if (!mount.rw || (mount.type !== 'volume' && mount.type !== 'bind') || mount.source === '') return false;
    if (dataMount.name && mount.type === 'volume' && mount.name === dataMount.name) return true;
    return isUnder(mount.source, dataMount.source) || isUnder(dataMount.source, mount.source);
  });
}

function refuse(message: string, hint: string): never {
  throw new RescueError(message, { kind: 'operator', exitCode: 2, hint: `${hint} — nothing was changed` });
}

function judgeSwarm(target: ContainerDetails, swarm: NonNullable<WriterInput['swarm']>): WriterJudgement {
  const { service, nodeId } = swarm;
  const name = service.name;
  if (service.mode !== 'replicated') {
    refuse(
      `${target.name} is a task of the ${service.mode} Swarm service ${name}: it cannot be scaled to 0, and a task stopped by hand is ` +
        `replaced at once by a new one on the same volume`,
      `recreate it as a replicated service for the restore (\`docker service inspect ${name}\` shows its spec; \`docker service create ` +
        `--mode replicated --replicas 1 …\`), or remove it (\`docker service rm ${name}\`) and restore a plain container started from ` +
        `the same image on the volume`,
    );
  }
  if (nodeId === null) {
    refuse(
      `${target.name} carries the labels of Swarm service ${name}, but this engine is not an active member of a swarm`,
      `run the restore against a manager node of that swarm (\`docker node ls\` works there)`,
    );
  }
  const elsewhere = [
    ...new Set(service.tasks.filter((task) => ALIVE.has(task.state) && task.nodeId !== nodeId).map((task) => task.nodeId)),
  ];
  if (elsewhere.length > 0) {
    refuse(
      `Swarm service ${name} has tasks on ${elsewhere.length === 1 ? 'another node' : 'other nodes'} (${elsewhere.join(', ')}): this ` +
        `engine can neither see their volumes nor prove they are free`,
      `pin the service to one node (\`docker service update --constraint-add node.id==${nodeId} ${name}\`) and run the restore on that ` +
        `node (--host), or restore on each node's volume by hand`,
    );
  }
  const replicas = service.replicas ?? 0;
  const risks =
    replicas > 1
      ? [
          `Swarm service ${name} runs ${replicas} replicas on one database: SQLite takes one writer at a time and they may contend or ` +
            `lock each other out; all ${replicas} are scaled to 0 and back together`,
        ]
      : [];
  return { plan: { kind: 'swarm', service: { id: service.id, name, replicas } }, risks };
}

function describeSharer(sharer: Sharer): string {
  const policy = sharer.restartPolicy && sharer.restartPolicy.name !== 'no' ? `, restart policy ${sharer.restartPolicy.name}` : '';
  return `${sharer.name} (${sharer.state}${policy})`;
}

// Could it write while the files are swapped: it runs, or the engine would start it on its own (a daemon restart
// starts `always` containers even when stopped by hand, and `on-failure` ones that exited non-zero).
function couldWrite(sharer: Sharer): boolean {
  if (RUNS.has(sharer.state)) return true;
  return sharer.restartPolicy?.name === 'always' || sharer.restartPolicy?.name === 'on-failure';
}

export function judgeWriters(input: WriterInput): WriterJudgement {
  const { target, dataMount } = input;
  const sharing = input.others.filter((other) => other.id !== target.id && sharesVolume(other, dataMount));
  const serviceId = target.swarm?.serviceId;
  const isOwnTask = (other: Sharer) => serviceId !== undefined && other.labels['com.docker.swarm.service.id'] === serviceId;
  const group = readPlatformLabels(target.labels);
  const isReplica = (other: Sharer) => {
    const labels = readPlatformLabels(other.labels);
    return (
      group !== null &&
      serviceId === undefined &&
      labels !== null &&
      !labels.oneOff &&
      labels.group === group.group &&
      RUNS.has(other.state)
    );
  };
  const replicas = sharing.filter(isReplica);
  const strangers = sharing.filter((other) => !isOwnTask(other) && !replicas.includes(other) && couldWrite(other));
  const where = `${dataMount.name ? `volume ${dataMount.name}` : dataMount.source} (${dataMount.destination} in ${target.name})`;
  if (strangers.length > 0) {
    const names = strangers.map((other) => other.name);
    const running = strangers.filter((other) => RUNS.has(other.state)).map((other) => other.name);
    const dormant = strangers.filter((other) => !RUNS.has(other.state)).map((other) => other.name);
    const steps = [
      running.length > 0
        ? `stop ${running.length === 1 ? 'it' : 'them'} first (\`docker stop ${running.join(' ')}\`) and start ` +
          `${running.length === 1 ? 'it' : 'them'} again after the restore`
        : '',
      dormant.length > 0 ? `set \`docker update --restart=no ${dormant.join(' ')}\` for the restore and put the policy back after it` : '',
    ].filter(Boolean);
    refuse(
      `${names.length === 1 ? 'another container writes' : `${names.length} other containers write`} to the database's ${where}, or ` +
        `would be started by the engine on its own, and ${names.length === 1 ? 'it is' : 'they are'} not part of the stop: ` +
        `${strangers.map(describeSharer).join(', ')}`,
      steps.join('; '),
    );
  }
  if (target.swarm) {
    if (!input.swarm) throw new RescueError(`the Swarm service of ${target.name} was not read`, { kind: 'bug' });
    return judgeSwarm(target, input.swarm);
  }
  const containers = [target, ...replicas].map((container) => ({ id: container.id, name: container.name }));
  const what =
    group?.platform === 'compose' ? `Compose service ${group.appName}` : group ? `${group.platform} app ${group.appName}` : target.name;
  const risks =
    replicas.length > 0
      ? [
          `${what} has ${containers.length} replicas on one database (${where}): SQLite takes one writer at a time and they may contend ` +
            `or lock each other out; all ${containers.length} are stopped and started together: ` +
            `${containers.map((container) => container.name).join(', ')}`,
        ]
      : [];
  return { plan: { kind: 'containers', containers }, risks };
}

/** The writers a step acts on: what find-container settled, else the target alone (a run that settled none). */
export function writersOf(plan: WriterPlan | undefined, target: { containerId: string; containerName: string }): WriterPlan {
  return plan ?? { kind: 'containers', containers: [{ id: target.containerId, name: target.containerName }] };
}
