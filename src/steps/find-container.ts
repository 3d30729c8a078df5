// Step find-container: which container is production, among PR previews running the same image. It settles the
// run's target (container, database path, data mount) that every later step reads.
import { HELPER_LABEL, type ContainerDetails, type ContainerSummary, type Mount } from '../ports/container-runtime.js';
import type { StepIO } from '../runbook/engine.js';
import { RescueError, UsageError } from '../runbook/errors.js';
import type { Deps } from './deps.js';
import type { StepKind } from './step-kind.js';
import type { DataMount, Target } from './facts.js';
import { matchesContainer, rankContainers, type RankedContainer } from './rank-containers.js';
import { dirname } from './container-paths.js';
import { probeImageTools } from './image-tools.js';
import { inspectContainer, listContainers, pingEngine, statInContainer } from './port-actions.js';
import { knownRef } from './known-target.js';

function describeCandidate(entry: RankedContainer): string {
  const started = entry.startedAt ? `started ${entry.startedAt}` : 'never started';
  return `${entry.container.name}  ${entry.container.image}  ${entry.container.status}  ${started}`;
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

// The name a person knows the app by: the platform's own label, else what the operator typed, else the container's.
export function appNameOf(container: ContainerSummary, typed: string | undefined): string {
  const labels = container.labels;
  const fromLabels = labels['coolify.name'] ?? labels['com.docker.compose.service'] ?? labels['com.dokku.app-name'] ?? labels.service;
  if (fromLabels) return fromLabels;
  if (typed && container.name.includes(typed)) return typed;
  return container.name;
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

async function candidatesFor(io: StepIO, deps: Deps, dbPath: string): Promise<RankedContainer[]> {
  // Helper containers of an interrupted run share the app's name as a prefix: never candidates.
  const all = (await io.perform(listContainers())).filter((container) => !(HELPER_LABEL in container.labels));
  const query = deps.options.container;
  let matching = query ? all.filter((container) => matchesContainer(container, query)) : all.filter((container) => container.state === 'running');
  if (!query) {
    // Without --container: the running containers that have a file at --db.
    const withDb = await Promise.all(matching.map(async (container) => ((await io.perform(statInContainer(refOf(container), dbPath)).catch(() => null)) ? container : null)));
    matching = withDb.filter((container) => container !== null);
  }
  const detailed = await Promise.all(matching.map(async (container) => ({ ...container, startedAt: (await io.perform(inspectContainer(refOf(container)))).startedAt })));
  return rankContainers(detailed);
}

function targetOf(details: ContainerDetails, mount: Mount, dbPath: string, typed: string | undefined): Target {
  const dataMount: DataMount = { type: mount.type, source: mount.source, destination: mount.destination, ...(mount.name ? { name: mount.name } : {}) };
  return { containerId: details.id, containerName: details.name, image: details.image, appName: appNameOf(details, typed), dbPath, dataMount };
}

export const findContainer: StepKind = {
  kind: 'find-container',
  mutates: false,
  declare: (known) => {
    return [listContainers().decl, inspectContainer(knownRef(known)).decl];
  },
  async run(io, deps) {
    const dbPath = deps.options.db;
    if (!dbPath) throw new UsageError('the database path inside the container is not known', 'pass --db /path/to/app.db');
    await io.perform(pingEngine());
    if (deps.remote) {
      const { identity, transport } = deps.remote;
      io.finding(`connected to ${identity.user}@${identity.host}:${identity.port} over SSH (host key ${identity.hostKeyFingerprint}, ${identity.hostKeyStatus === 'known' ? 'known' : 'newly accepted'}); Docker API via ${transport}`, { identity, transport });
    }
    const ranked = await candidatesFor(io, deps, dbPath);
    deps.facts.candidates = ranked;
    const what = deps.options.container ? `matching "${deps.options.container}"` : `running with a file at ${dbPath}`;
    if (ranked.length === 0) {
      throw new UsageError(`no container ${what} on the ${deps.runtime.describe()}`, deps.options.container ? `check --container ${deps.options.container} against \`docker ps -a\`` : 'pass --container NAME');
    }
    for (const entry of ranked) io.output(`${entry.role.padEnd(10)} ${describeCandidate(entry)} — ${entry.reasons.join('; ')}`);

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
        options: ranked.map((entry) => ({ value: entry.container.id, label: describeCandidate(entry), hint: `${entry.role}: ${entry.reasons.join('; ')}` })),
        initialIndex: 0,
      },
      auto,
    );
    const chosen = ranked.find((entry) => answer.kind === 'select' && entry.container.id === answer.value) ?? ranked[0];
    const details = await io.perform(inspectContainer(refOf(chosen.container)));
    if (details.state !== 'running') {
      throw new RescueError(`container ${details.name} is ${details.state}, not running`, { kind: 'operator', exitCode: 2, hint: notRunningHint(details) });
    }
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
    deps.facts.imageTools = await probeImageTools(io, refOf(details));
    await deps.lockTarget?.(`${deps.runtime.describe()}|${details.id}|${dbPath}`, details.name);
    io.finding(`production container: ${details.name} (${details.image}), data on ${describeMount(target.dataMount)}`);
    return { summary: `${details.name} (${details.image}, ${details.state})`, data: { target, imageTools: deps.facts.imageTools } };
  },
  // The same container, by id, whatever state the interruption left it in; its mount must still hold the database.
  // The tools are the image's, and a container's image never changes: what was found stands.
  async reverify(io, deps, past) {
    const recorded = past.data as { target: Target; imageTools?: string[] } | undefined;
    if (!recorded?.target) return undefined;
    const details = await io.perform(inspectContainer({ id: recorded.target.containerId, name: recorded.target.containerName }));
    const mount = findDataMount(details, recorded.target.dbPath);
    if (!mount) return undefined;
    await deps.lockTarget?.(`${deps.runtime.describe()}|${details.id}|${recorded.target.dbPath}`, details.name);
    deps.facts.target = targetOf(details, mount, recorded.target.dbPath, deps.options.container);
    deps.facts.imageTools = recorded.imageTools;
    return { summary: `${details.name} (${details.image}, now ${details.state})`, data: { target: deps.facts.target, imageTools: deps.facts.imageTools } };
  },
};
