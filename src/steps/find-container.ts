// Step find-container: which container is production, among PR previews running the same image, and which of its
// SQLite databases is the live one. Every question has a found, ranked answer: with no --container the engine's
// containers are listed (production first) with the databases each holds; with no --db the databases on the chosen
// container's mounts are found by their header (the one the app has open first). It settles the run's target.
import { discoverDatabases, listContainersForPicker, type DatabaseDiscovery, type FoundDatabase } from '../discovery/index.js';
import { HELPER_LABEL, type ContainerDetails, type ContainerSummary, type Mount } from '../ports/container-runtime.js';
import type { StepIO } from '../runbook/engine.js';
import { RescueError, UsageError } from '../runbook/errors.js';
import { dirname } from './container-paths.js';
import type { Deps } from './deps.js';
import type { DataMount, Target } from './facts.js';
import { probeImageTools } from './image-tools.js';
import { knownRef } from './known-target.js';
import { appNameOf } from './platform-labels.js';
import { inspectContainer, listContainers, pingEngine, statInContainer } from './port-actions.js';
import { matchesContainer, rankContainers, type RankedContainer } from './rank-containers.js';
import type { StepKind } from './step-kind.js';

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

function notRunningHint(details: ContainerDetails): string {
  if (details.state === 'paused') return `unpause it first: docker unpause ${details.name}`;
  // A restart loop: `docker start` is not the answer, the app exits again at once.
  if (details.state === 'restarting') return `it keeps exiting and Docker restarts it: see why with \`docker logs --tail 50 ${details.name}\`; the tool needs it running to check and stage — if it crashes on the corrupt database itself, follow \`sqlite-rescue runbook print\` by hand`;
  return `start it first (docker start ${details.name}) so its database can be checked, or pick the running one`;
}

// A tmpfs vanishes when the container stops (the swap stops it), and a read-only mount cannot take the staged copy:
// both are refused before anything is copied. A dry-run only reports the read-only mount, so it still checks the rest.
function refuseUnsafeMount(io: StepIO, deps: Deps, details: ContainerDetails, mount: Mount, dbPath: string): void {
  if (mount.type === 'tmpfs') {
    throw new RescueError(`${dirname(dbPath)} in ${details.name} is on a tmpfs: its content is lost when the container stops, and the restore must stop it`, {
      kind: 'operator',
      exitCode: 2,
      hint: `copy the database out first (docker cp ${details.name}:${dbPath} .) and keep it; then move the app's data to a volume or bind mount — nothing was changed`,
    });
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
    Promise.all(containers.map(async (container) => ({ ...container, startedAt: (await io.perform(inspectContainer(refOf(container)))).startedAt })));
  if (query || db) {
    // Helper containers of an interrupted run share the app's name as a prefix: never candidates.
    const all = (await io.perform(listContainers())).filter((container) => !(HELPER_LABEL in container.labels));
    let matching = query ? all.filter((container) => matchesContainer(container, query)) : all;
    if (!query && db) {
      // Without --container: the containers that have a file at --db (the archive API reads a stopped one too).
      const withDb = await Promise.all(matching.map(async (container) => ((await io.perform(statInContainer(refOf(container), db)).catch(() => null)) ? container : null)));
      matching = withDb.filter((container) => container !== null);
    }
    return { ranked: rankContainers(await inspectAll(matching)), counts: new Map(), what: query ? `matching "${query}"` : `with a file at ${db}` };
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
    throw new UsageError(`no container ${what} on the ${deps.runtime.describe()}`, deps.options.container ? `check --container ${deps.options.container} against \`docker ps -a\`` : 'pass --container NAME');
  }
  for (const entry of ranked) io.output(`${entry.role.padEnd(10)} ${describeCandidate(entry, counts.get(entry.container.id))} — ${entry.reasons.join('; ')}`);
  const production = ranked.filter((entry) => entry.role === 'production');
  const auto =
    production.length === 1
      ? ({ kind: 'select', value: production[0].container.id } as const)
      : {
          refuse: production.length === 0 ? `no production-looking container ${what}; candidates:\n${listing(ranked)}` : `${production.length} containers ${what} look like production:\n${listing(ranked)}`,
          hint: 'pass --container with the exact name of the one to restore',
        };
  const answer = await io.ask(
    {
      kind: 'select',
      message: `Which container holds the database to restore? (${ranked.length} ${what})`,
      options: ranked.map((entry) => ({ value: entry.container.id, label: describeCandidate(entry, counts.get(entry.container.id)), hint: `${entry.role}: ${entry.reasons.join('; ')}` })),
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
  const discovery = await discoverDatabases(deps.runtime, details, { perform: io.perform, token: deps.entropy.token, helperLabel: deps.incident.id });
  for (const note of discovery.notes) io.output(note);
  for (const stop of discovery.stoppedEarly) io.finding(`the search for databases stopped early (${stop.reason}): ${stop.detail}`);
  if (discovery.databases.length === 0) {
    throw new UsageError(`no SQLite database on the volumes and bind mounts of ${details.name}${discovery.stoppedEarly.length > 0 ? ' within the search bounds' : ''}`, 'pass --db with the database path inside the container');
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

function targetOf(details: ContainerDetails, mount: Mount, dbPath: string, typed: string | undefined): Target {
  const dataMount: DataMount = { type: mount.type, source: mount.source, destination: mount.destination, ...(mount.name ? { name: mount.name } : {}) };
  return { containerId: details.id, containerName: details.name, image: details.image, appName: appNameOf(details, typed), dbPath, dataMount };
}

export const findContainer: StepKind = {
  kind: 'find-container',
  mutates: false,
  declare: (known) => [listContainers().decl, inspectContainer(knownRef(known)).decl],
  async run(io, deps) {
    await io.perform(pingEngine());
    if (deps.remote) {
      const { identity, transport } = deps.remote;
      io.finding(`connected to ${identity.user}@${identity.host}:${identity.port} over SSH (host key ${identity.hostKeyFingerprint}, ${identity.hostKeyStatus === 'known' ? 'known' : 'newly accepted'}); Docker API via ${transport}`, { identity, transport });
    }
    const details = await chooseContainer(io, deps);
    if (details.state !== 'running') {
      throw new RescueError(`container ${details.name} is ${details.state}, not running`, { kind: 'operator', exitCode: 2, hint: notRunningHint(details) });
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
    deps.facts.target = target;
    deps.facts.discovery = chosen.discovery;
    deps.facts.imageTools = await probeImageTools(io, refOf(details));
    await deps.lockTarget?.(`${deps.runtime.describe()}|${details.id}|${dbPath}`, details.name);
    io.finding(`production container: ${details.name} (${details.image}), database ${dbPath} on ${describeMount(target.dataMount)}`);
    return { summary: `${details.name} (${details.image}, ${details.state}), ${dbPath}`, data: { target, imageTools: deps.facts.imageTools, discovery: chosen.discovery } };
  },
  // The same container, by id, whatever state the interruption left it in; its mount must still hold the database.
  // The tools are the image's, and a container's image never changes: what was found stands.
  async reverify(io, deps, past) {
    const recorded = past.data as { target: Target; imageTools?: string[]; discovery?: DatabaseDiscovery } | undefined;
    if (!recorded?.target) return undefined;
    const details = await io.perform(inspectContainer({ id: recorded.target.containerId, name: recorded.target.containerName }));
    const mount = findDataMount(details, recorded.target.dbPath);
    if (!mount) return undefined;
    await deps.lockTarget?.(`${deps.runtime.describe()}|${details.id}|${recorded.target.dbPath}`, details.name);
    deps.facts.target = targetOf(details, mount, recorded.target.dbPath, deps.options.container);
    deps.facts.imageTools = recorded.imageTools;
    deps.facts.discovery = recorded.discovery;
    return { summary: `${details.name} (${details.image}, now ${details.state})`, data: { ...recorded, target: deps.facts.target } };
  },
};
