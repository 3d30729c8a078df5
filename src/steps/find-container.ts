// Step find-container: which container is production, among PR previews running the same image, and which of its
// SQLite databases is the live one. Every question has a found, ranked answer: with no --container the engine's
// containers are listed (production first) with the databases each holds; with no --db the databases on the chosen
// container's mounts are found by their header (the one the app has open first). It settles the run's target.
import { discoverDatabases, listContainersForPicker, type DatabaseDiscovery, type FoundDatabase } from '../discovery/index.js';
import { HELPER_LABEL, type ContainerDetails, type ContainerSummary, type Mount } from '../ports/container-runtime.js';
import type { StepIO } from '../runbook/engine.js';
import { ContainerNotFoundError, RescueError, UsageError } from '../runbook/errors.js';
import { describeUnsteady, isSteady } from '../discovery/app-state.js';
import { dirname } from './container-paths.js';
import type { Deps } from './deps.js';
import type { DataMount, Facts, Target } from './facts.js';
import { probeImageTools } from './image-tools.js';
import { knownRef } from './known-target.js';
import { appNameOf } from './platform-labels.js';
import { inspectContainer, inspectService, listContainers, pingEngine, readSwarmNodeId, statInContainer } from './port-actions.js';
import { matchesContainer, rankContainers, type RankedContainer } from './rank-containers.js';
import { withReadHelper } from './read-helper.js';
import { settleWriters } from './settle-writers.js';
import type { StepKind } from './step-kind.js';
import type { WriterPlan } from './writers.js';

function describeCandidate(entry: RankedContainer, databases?: number): string {
  const started = entry.startedAt ? `started ${entry.startedAt}` : 'never started';
  const count = databases === undefined ? '' : `  ${databases} SQLite database${databases === 1 ? '' : 's'}`;
  return `${appNameOf(entry.container, undefined)}  ${entry.container.name}  ${entry.container.image}  ${entry.container.state}  ${started}${count}`;
}

function listing(ranked: RankedContainer[]): string {
  return ranked.map((entry) => `  ${entry.role.padEnd(10)} ${describeCandidate(entry)}`).join('\n');
}

// The folder must sit on a volume or bind mount: a helper container sees it only through --volumes-from.
export function findDataMount(details: ContainerDetails, dbPath: string): Mount | undefined {
  const folder = dirname(dbPath);
  return details.mounts
    .filter((mount) => folder === mount.destination || folder.startsWith(`${mount.destination.replace(/\/$/, '')}/`))
    .sort((a, b) => b.destination.length - a.destination.length)[0];
}

export function describeMount(mount: DataMount): string {
  return `${mount.type} ${mount.name ?? mount.source} at ${mount.destination}`;
}

/** States the recovery works in: a crash-looping (restarting), exited or never-started app is what it exists for. */
const RECOVERABLE_STATES = new Set(['running', 'restarting', 'exited', 'created']);

function unusableHint(details: ContainerDetails): string {
  // A paused writer is frozen mid-write: it would resume on the old inode the moment it is unpaused.
  if (details.state === 'paused')
    return `unpause it first (docker unpause ${details.name}), then run the restore again — nothing was changed`;
  return (
    `a ${details.state} container cannot be started again: recreate the app's container on the same volume, then run the restore ` +
    `again — nothing was changed`
  );
}

// A tmpfs vanishes when the container stops (the swap stops it), and a read-only mount cannot take the staged copy:
// both are refused before anything is copied. A dry-run only reports the read-only mount, so it still checks the rest.
function refuseUnsafeMount(io: StepIO, deps: Deps, details: ContainerDetails, mount: Mount, dbPath: string): void {
  if (mount.type === 'tmpfs') {
    throw new RescueError(
      `${dirname(dbPath)} in ${details.name} is on a tmpfs: its content is lost when the container stops, and the restore must stop it`,
      {
        kind: 'operator',
        exitCode: 2,
        hint: `copy the database out first (docker cp ${details.name}:${dbPath} .) and keep it; then move the app's data to a volume or bind mount — nothing was changed`,
      },
    );
  }
  if (!mount.rw) {
    const what = `${mount.destination} is mounted read-only in ${details.name}`;
    if (io.isDryRun) {
      io.finding(`RESTORE NOT POSSIBLE AS MOUNTED: ${what}; the snapshot could not be staged there`);
      (deps.facts.dryRunBlockers ??= []).push(what);
      return;
    }
    throw new RescueError(`${what}: the snapshot cannot be staged beside ${dbPath}`, {
      kind: 'operator',
      exitCode: 2,
      hint: `recreate the container with that volume writable (drop ":ro"), then run the restore again — nothing was changed`,
    });
  }
}

const refOf = (container: ContainerSummary) => ({ id: container.id, name: container.name });

interface Candidates {
  ranked: RankedContainer[];
  /** SQLite databases each holds (by container id), when they were counted. */
  counts: Map<string, number>;
  what: string;
}

async function candidatesFor(io: StepIO, deps: Deps): Promise<Candidates> {
  const { container: query, db } = deps.options;
  const inspectAll = async (containers: ContainerSummary[]) =>
    Promise.all(
      containers.map(async (container) => ({ ...container, startedAt: (await io.perform(inspectContainer(refOf(container)))).startedAt })),
    );
  if (query || db) {
    // Helper containers of an interrupted run share the app's name as a prefix: never candidates.
    const all = (await io.perform(listContainers())).filter((container) => !(HELPER_LABEL in container.labels));
    let matching = query ? all.filter((container) => matchesContainer(container, query)) : all;
    if (!query && db) {
      // Without --container: the containers that have a file at --db (the archive API reads a stopped one too).
      const withDb = await Promise.all(
        matching.map(async (container) => ((await io.perform(statInContainer(refOf(container), db)).catch(() => null)) ? container : null)),
      );
      matching = withDb.filter((container) => container !== null);
    }
    return {
      ranked: rankContainers(await inspectAll(matching)),
      counts: new Map(),
      what: query ? `matching "${query}"` : `with a file at ${db}`,
    };
  }
  // Nothing typed: every container that holds a SQLite database, each counted (bounded, never starting a helper).
  const picker = await listContainersForPicker(deps.runtime, { perform: io.perform, token: deps.entropy.token });
  const withDatabases = picker.containers.filter((row) => row.databases.count > 0 || row.databases.error !== undefined);
  const ranked = rankContainers(withDatabases.map((row) => ({ ...row, startedAt: row.startedAt })));
  return { ranked, counts: new Map(withDatabases.map((row) => [row.id, row.databases.count])), what: 'holding a SQLite database' };
}

async function chooseContainer(io: StepIO, deps: Deps): Promise<ContainerDetails> {
  const { ranked, counts, what } = await candidatesFor(io, deps);
  deps.facts.candidates = ranked;
  if (ranked.length === 0) {
    throw new UsageError(
      `no container ${what} on the ${deps.runtime.describe()}`,
      deps.options.container ? `check --container ${deps.options.container} against \`docker ps -a\`` : 'pass --container NAME',
    );
  }
  for (const entry of ranked)
    io.output(`${entry.role.padEnd(10)} ${describeCandidate(entry, counts.get(entry.container.id))} — ${entry.reasons.join('; ')}`);
  const production = ranked.filter((entry) => entry.role === 'production');
  const auto =
    production.length === 1
      ? ({ kind: 'select', value: production[0].container.id } as const)
      : {
          refuse:
            production.length === 0
              ? `no production-looking container ${what}; candidates:\n${listing(ranked)}`
              : `${production.length} containers ${what} look like production:\n${listing(ranked)}`,
          hint: 'pass --container with the exact name of the one to restore',
        };
  const answer = await io.ask(
    {
      kind: 'select',
      message: `Which container holds the database to restore? (${ranked.length} ${what})`,
      options: ranked.map((entry) => ({
        value: entry.container.id,
        label: describeCandidate(entry, counts.get(entry.container.id)),
        hint: `${entry.role}: ${entry.reasons.join('; ')}`,
      })),
      initialIndex: 0,
    },
    auto,
  );
  const chosen = ranked.find((entry) => answer.kind === 'select' && entry.container.id === answer.value) ?? ranked[0];
  return io.perform(inspectContainer(refOf(chosen.container)));
}

function describeDatabase(found: FoundDatabase): string {
  const size = found.size === null ? 'size unknown' : `${found.size} bytes`;
  const sidecars = [found.wal && '-wal', found.shm && '-shm'].filter(Boolean).join(' ');
  return `${found.path}  ${size}  ${found.mtime ?? ''}  ${found.journalMode}${sidecars ? `  ${sidecars}` : ''}${found.openByApp ? '  open by the app' : ''}`;
}

// The databases on the container's mounts, found by header; the one the app has open preselected.
async function chooseDatabase(io: StepIO, deps: Deps, details: ContainerDetails): Promise<{ path: string; discovery: DatabaseDiscovery }> {
  const discovery = await discoverDatabases(deps.runtime, details, {
    perform: io.perform,
    token: deps.entropy.token,
    helperLabel: deps.incident.id,
    now: () => deps.clock.now(),
  });
  for (const note of discovery.notes) io.output(note);
  for (const stop of discovery.stoppedEarly) io.finding(`the search for databases stopped early (${stop.reason}): ${stop.detail}`);
  if (discovery.databases.length === 0) {
    throw new UsageError(
      `no SQLite database on the volumes and bind mounts of ${details.name}${discovery.stoppedEarly.length > 0 ? ' within the search bounds' : ''}`,
      'pass --db with the database path inside the container',
    );
  }
  for (const found of discovery.databases) io.output(`${describeDatabase(found)} — ${found.reasons.join('; ')}`);
  const auto = discovery.unambiguous
    ? ({ kind: 'select', value: discovery.unambiguous.path } as const)
    : {
        refuse: `${discovery.databases.length} SQLite databases in ${details.name} and ${discovery.openFiles.known ? 'not exactly one open by the app' : "the app's open files cannot be seen"}:\n${discovery.databases.map((found) => `  ${describeDatabase(found)}`).join('\n')}`,
        hint: 'pass --db with the path of the one to restore',
      };
  const answer = await io.ask(
    {
      kind: 'select',
      message: `Which database in ${details.name} is the live one? (${discovery.databases.length} found by their SQLite header)`,
      options: discovery.databases.map((found) => ({ value: found.path, label: describeDatabase(found), hint: found.reasons.join('; ') })),
      initialIndex: 0,
    },
    auto,
  );
  const path = answer.kind === 'select' ? answer.value : discovery.databases[0].path;
  return { path, discovery: { ...discovery, commands: [] } };
}

/** The target as every later step reads it: the container, its app name, the database and the mount it lives on. */
export function targetOf(details: ContainerDetails, mount: Mount, dbPath: string, typed: string | undefined): Target {
  const dataMount: DataMount = {
    type: mount.type,
    source: mount.source,
    destination: mount.destination,
    ...(mount.name ? { name: mount.name } : {}),
  };
  return {
    containerId: details.id,
    containerName: details.name,
    image: details.image,
    appName: appNameOf(details, typed),
    dbPath,
    dataMount,
  };
}

async function probeTools(io: StepIO, deps: Deps, details: ContainerDetails, target: Target, isDown: boolean): Promise<string[]> {
  if (!isDown) return probeImageTools(io, refOf(details));
  io.output(`the tools of ${details.image} are probed in a read-only helper: nothing can run in ${details.name} now`);
  const tools = await withReadHelper(io, deps, target, (helper) => probeImageTools(io, helper, 'helper'));
  if (tools) return tools;
  io.finding(
    `no helper can run from ${details.image} (it needs sleep): the checks read copies through the archive API, and the swap, ` +
      `which needs a helper, will be refused before the stop`,
  );
  return [];
}

function describeWriters(plan: WriterPlan): string {
  if (plan.kind === 'swarm')
    return (
      `a task of Swarm service ${plan.service.name} (${plan.service.replicas} ` +
      `replica${plan.service.replicas === 1 ? '' : 's'}): stopped by scaling it to 0, and back`
    );
  if (plan.containers.length === 1) return 'no other container writes there';
  return `stopped and started together with its replicas ${plan.containers
    .slice(1)
    .map((container) => container.name)
    .join(', ')}`;
}

interface RecordedTarget {
  target: Target;
  imageTools?: string[];
  discovery?: DatabaseDiscovery;
  writers?: WriterPlan;
  appWasDown?: Facts['appWasDown'];
}

// The container find-container settled, by id. A Swarm task's container is replaced when its service is scaled back
// up: then the service's running task on this node is the target. Scaled to 0, there is none to check through.
async function currentContainer(io: StepIO, recorded: RecordedTarget): Promise<ContainerDetails> {
  const { target, writers } = recorded;
  try {
    return await io.perform(inspectContainer({ id: target.containerId, name: target.containerName }));
  } catch (error) {
    if (!(error instanceof ContainerNotFoundError) || writers?.kind !== 'swarm') throw error;
    const [service, nodeId] = await Promise.all([io.perform(inspectService(writers.service.name)), io.perform(readSwarmNodeId())]);
    const isHere = (task: (typeof service.tasks)[number]) => task.nodeId === nodeId && task.containerId !== null;
    const isRunning = (task: (typeof service.tasks)[number]) => task.state === 'running' && task.desiredState === 'running';
    const task = service.tasks.find((candidate) => isRunning(candidate) && isHere(candidate));
    if (task?.containerId) return io.perform(inspectContainer({ id: task.containerId, name: task.containerId.slice(0, 12) }));
    throw new RescueError(
      `the task container ${target.containerName} of Swarm service ${service.name} is gone and the service runs no ` +
        `task here (scaled to ${service.replicas ?? 0})`,
      {
        hint:
          `the staged copy and any quarantined files are on ${describeMount(target.dataMount)}; finish by hand (\`sqlite-rescue ` +
          `runbook print\`, in a helper: docker run --rm -v ` +
          `${target.dataMount.name ?? target.dataMount.source}:${target.dataMount.destination} --entrypoint sh ${target.image}), then ` +
          `\`docker service scale ${service.name}=${writers.service.replicas}\``,
      },
    );
  }
}

export const findContainer: StepKind = {
  kind: 'find-container',
  mutates: false,
  declare: (known) => [listContainers().decl, inspectContainer(knownRef(known)).decl],
  async run(io, deps) {
    await io.perform(pingEngine());
    if (deps.remote) {
      const { identity, transport } = deps.remote;
      io.finding(
        `connected to ${identity.user}@${identity.host}:${identity.port} over SSH (host key ${identity.hostKeyFingerprint}, ${identity.hostKeyStatus === 'known' ? 'known' : 'newly accepted'}); Docker API via ${transport}`,
        { identity, transport },
      );
    }
    const details = await chooseContainer(io, deps);
    if (!RECOVERABLE_STATES.has(details.state)) {
      throw new RescueError(`container ${details.name} is ` + `${details.state}`, {
        kind: 'operator',
        exitCode: 2,
        hint: unusableHint(details),
      });
    }
    const isDown = !isSteady(details, deps.clock.now());
    if (isDown) {
      io.finding(
        `${details.name} is ${describeUnsteady(details)}: nothing is run inside it; its reads go through a read-only helper ` +
          `from its image or the archive API`,
        { state: details.state, restartCount: details.restartCount },
      );
    }
    const chosen = deps.options.db ? { path: deps.options.db, discovery: undefined } : await chooseDatabase(io, deps, details);
    const dbPath = chosen.path;
    const mount = findDataMount(details, dbPath);
    if (!mount) {
      throw new RescueError(`${dirname(dbPath)} in ${details.name} is not on a volume or bind mount`, {
        kind: 'operator',
        exitCode: 2,
        hint: 'the tool swaps files from a helper container that shares the volumes of the app; a database in the container layer is lost on every redeploy anyway — check --db',
      });
    }
    refuseUnsafeMount(io, deps, details, mount, dbPath);
    const target = targetOf(details, mount, dbPath, deps.options.container);
    // Before anything changes: who else writes there, and how each writer is stopped so nothing revives it.
    const writers = await settleWriters(io, details, target.dataMount);
    for (const risk of writers.risks) io.finding(`RISK: ${risk}`);
    deps.facts.target = target;
    deps.facts.writers = writers.plan;
    deps.facts.appWasDown = isDown ? { state: details.state, restartCount: details.restartCount } : undefined;
    deps.facts.discovery = chosen.discovery;
    deps.facts.imageTools = await probeTools(io, deps, details, target, isDown);
    await deps.lockTarget?.(`${deps.runtime.describe()}|${details.id}|${dbPath}`, details.name);
    io.finding(
      `production container: ${details.name} (${details.image}), database ${dbPath} on ${describeMount(target.dataMount)}; ` +
        `${describeWriters(writers.plan)}`,
    );
    const { imageTools, appWasDown } = deps.facts;
    const data = { target, imageTools, discovery: chosen.discovery, writers: writers.plan, appWasDown };
    return { summary: `${details.name} (${details.image}, ${details.state}), ${dbPath}`, data };
  },
  // The same container, by id, whatever state the interruption left it in; its mount must still hold the database.
  // The tools are the image's, and a container's image never changes: what was found stands.
  async reverify(io, deps, past) {
    const recorded = past.data as RecordedTarget | undefined;
    if (!recorded?.target) return undefined;
    const details = await currentContainer(io, recorded);
    const mount = findDataMount(details, recorded.target.dbPath);
    if (!mount) return undefined;
    await deps.lockTarget?.(`${deps.runtime.describe()}|${details.id}|${recorded.target.dbPath}`, details.name);
    deps.facts.target = targetOf(details, mount, recorded.target.dbPath, deps.options.container);
    deps.facts.imageTools = recorded.imageTools;
    deps.facts.discovery = recorded.discovery;
    deps.facts.writers = recorded.writers;
    deps.facts.appWasDown = recorded.appWasDown;
    return { summary: `${details.name} (${details.image}, now ${details.state})`, data: { ...recorded, target: deps.facts.target } };
  },
};
