// Step find-backup-target (backup and verify): which container and database, and how backups of it are made. The
// container is ranked as find-container ranks it (production first among PR previews); with no --db the one database
// the app has open is taken (discovery), and anything else is refused with the candidates. It reads only.
import { hasSqliteMagic, parseSqliteHeader } from '../discovery/sqlite-header.js';
import { discoverDatabases, selectBackups } from '../discovery/index.js';
import { HELPER_LABEL, type ContainerDetails, type ContainerSummary } from '../ports/container-runtime.js';
import type { StepIO } from '../runbook/engine.js';
import { RescueError, UsageError } from '../runbook/errors.js';
import { parseListing, listArgv } from '../backup/list-script.js';
import { stemOf } from '../backup/names.js';
import type { BackupsFolder, BackupPlace } from './backup-facts.js';
import { backupsDir, describeWay, probeBackupTools, wayFor } from './backup-place.js';
import { dirname } from './container-paths.js';
import type { Deps } from './deps.js';
import type { Target } from './facts.js';
import { describeMount, findDataMount, targetOf } from './find-container.js';
import { knownRef } from './known-target.js';
import { execIn, inspectContainer, listContainers, pingEngine, readHead, statInContainer } from './port-actions.js';
import { matchesContainer, rankContainers, type RankedContainer } from './rank-containers.js';
import { sidecars } from './container-paths.js';
import { TOOLS } from './image-tools.js';
import type { StepKind } from './step-kind.js';

const refOf = (container: Pick<ContainerSummary, 'id' | 'name'>) => ({ id: container.id, name: container.name });

function describeCandidate(entry: RankedContainer): string {
  return `${entry.role.padEnd(10)} ${entry.container.name}  ${entry.container.image}  ${entry.container.status}`;
}

async function rankedCandidates(io: StepIO, deps: Deps): Promise<RankedContainer[]> {
  const { container: query, db } = deps.options;
  const all = (await io.perform(listContainers())).filter((container) => !(HELPER_LABEL in container.labels));
  let matching = query
    ? all.filter((container) => matchesContainer(container, query))
    : all.filter((container) => container.state === 'running');
  if (!query && db) {
    const withDb = await Promise.all(
      matching.map(async (container) => ((await io.perform(statInContainer(refOf(container), db)).catch(() => null)) ? container : null)),
    );
    matching = withDb.filter((container) => container !== null);
  }
  const detailed = await Promise.all(
    matching.map(async (container) => ({ ...container, startedAt: (await io.perform(inspectContainer(refOf(container)))).startedAt })),
  );
  return rankContainers(detailed);
}

async function chooseContainer(io: StepIO, deps: Deps): Promise<ContainerDetails> {
  const ranked = await rankedCandidates(io, deps);
  const { container: query, db } = deps.options;
  const what = query ? `matching "${query}"` : db ? `running with a file at ${db}` : 'running';
  if (ranked.length === 0)
    throw new UsageError(
      `no container ${what} on the ${deps.runtime.describe()}`,
      query ? `check --container ${query} against \`docker ps -a\`` : 'pass --container NAME',
    );
  const production = ranked.filter((entry) => entry.role === 'production');
  const listing = ranked.map((entry) => `  ${describeCandidate(entry)}`).join('\n');
  const auto =
    production.length === 1
      ? ({ kind: 'select', value: production[0].container.id } as const)
      : {
          refuse: `${production.length === 0 ? 'no' : production.length} production-looking containers ${what}:\n${listing}`,
          hint: 'pass --container with the exact name of the app',
        };
  const answer = await io.ask(
    {
      kind: 'select',
      message: `Which container? (${ranked.length} ${what})`,
      options: ranked.map((entry) => ({ value: entry.container.id, label: describeCandidate(entry) })),
      initialIndex: 0,
    },
    auto,
  );
  const chosen = ranked.find((entry) => answer.kind === 'select' && entry.container.id === answer.value) ?? ranked[0];
  return io.perform(inspectContainer(refOf(chosen.container)));
}

// With no --db: the one database the app has open; several, or none open, is the operator's to settle.
async function discoverDb(io: StepIO, deps: Deps, details: ContainerDetails): Promise<string> {
  const found = await discoverDatabases(deps.runtime, details, { perform: io.perform, allowHelper: false, now: () => deps.clock.now() });
  for (const entry of found.databases) io.output(`found ${entry.path} (${entry.reasons.join('; ')})`);
  if (found.unambiguous) {
    deps.facts.backupsFound = selectBackups(found, found.unambiguous.path);
    io.finding(`the database ${details.name} has open: ${found.unambiguous.path}`);
    return found.unambiguous.path;
  }
  const open = found.databases.filter((entry) => entry.openByApp === true);
  const list = found.databases.map((entry) => `  ${entry.path}${entry.openByApp ? '  (open by the app)' : ''}`).join('\n');
  if (found.databases.length === 0)
    throw new UsageError(
      `no SQLite database on the volumes of ${details.name}`,
      `pass --db PATH; searched: ${found.mounts.map((mount) => mount.destination).join(', ') || 'no volume or bind mount'}`,
    );
  const why =
    open.length === 0
      ? `none of them open by the app (${found.openFiles.known ? 'it has none open' : found.openFiles.reason})`
      : `${open.length} of them open by the app`;
  throw new UsageError(
    `${found.databases.length} SQLite database${found.databases.length === 1 ? '' : 's'} on the volumes of ${details.name}, ${why}:\n${list}`,
    'pass --db with the one to back up',
  );
}

function settleTarget(details: ContainerDetails, dbPath: string, typed: string | undefined, command: string): Target {
  const mount = findDataMount(details, dbPath);
  if (!mount) {
    throw new RescueError(`${dirname(dbPath)} in ${details.name} is not on a volume or bind mount`, {
      kind: 'operator',
      exitCode: 2,
      hint:
        'a database in the container layer is lost on every redeploy, and its backups with it: ' +
        'check --db, or move the data to a volume',
    });
  }
  if (command === 'backup' && !mount.rw) {
    throw new RescueError(
      `${mount.destination} is mounted read-only in ${details.name}: the backups folder ${backupsDir(dbPath)} cannot be written`,
      {
        kind: 'operator',
        exitCode: 2,
        hint: 'recreate the container with that volume writable — nothing was changed',
      },
    );
  }
  return targetOf(details, mount, dbPath, typed);
}

// The file must be there, and be SQLite by its first bytes: a typo or a wrong --db is refused before anything runs.
async function requireSqliteFile(io: StepIO, target: Target): Promise<{ bytes: number; journalMode: string }> {
  const ref = { id: target.containerId, name: target.containerName };
  const [stat, wal] = await Promise.all([
    io.perform(statInContainer(ref, target.dbPath)),
    io.perform(statInContainer(ref, sidecars(target.dbPath).wal)),
  ]);
  if (!stat)
    throw new RescueError(`${target.dbPath} does not exist in ${target.containerName}`, {
      kind: 'operator',
      exitCode: 2,
      hint: `check --db; list the folder with: docker exec ${target.containerName} ls -la ${dirname(target.dbPath)}`,
    });
  if (stat.isDirectory)
    throw new RescueError(`${target.dbPath} in ${target.containerName} is a directory`, {
      kind: 'operator',
      exitCode: 2,
      hint: 'pass --db with the path of the database file itself',
    });
  const head = await io.perform(readHead(ref, target.dbPath));
  if (!head || !hasSqliteMagic(head)) {
    throw new RescueError(
      `${target.dbPath} in ${target.containerName} is not a SQLite database ` +
        `(${stat.size === 0 ? 'it is empty' : 'it does not start with "SQLite format 3"'})`,
      {
        kind: 'operator',
        exitCode: 2,
        hint: 'check --db (run without it to list the SQLite databases the tool finds on the volumes) — nothing was changed',
      },
    );
  }
  return { bytes: stat.size + (wal?.size ?? 0), journalMode: parseSqliteHeader(head)?.journalMode ?? 'unknown' };
}

async function readFolder(io: StepIO, deps: Deps, target: Target, dir: string, stem: string): Promise<BackupsFolder | null> {
  const mark = `-srb-${deps.entropy.token(8)}-`;
  const result = await io.perform(execIn({ id: target.containerId, name: target.containerName }, listArgv(mark, dir, stem)));
  const listing = parseListing(result.stdout, mark);
  if (result.exitCode !== 0 || !listing.complete) {
    throw new RescueError(
      `could not list ${dir} in ${target.containerName} (exit ${result.exitCode}): ` +
        (result.stderr || result.stdout).trim().slice(0, 200),
      { hint: 'retry; nothing was changed' },
    );
  }
  const own = [...listing.manifests.entries()]
    .filter(
      ([file, manifest]) =>
        manifest.database === target.dbPath && `${manifest.file}.json` === file && listing.names.includes(manifest.file),
    )
    .map(([, manifest]) => ({ name: manifest.file, manifest }));
  return { exists: listing.exists, names: listing.names, own };
}

export const findBackupTarget: StepKind = {
  kind: 'find-backup-target',
  mutates: false,
  declare: (known) => [listContainers().decl, inspectContainer(knownRef(known)).decl],
  async run(io, deps) {
    const command = deps.options.backup?.command ?? 'backup';
    await io.perform(pingEngine());
    if (deps.remote) {
      const { identity, transport } = deps.remote;
      io.finding(
        `connected to ${identity.user}@${identity.host}:${identity.port} over SSH ` +
          `(host key ${identity.hostKeyFingerprint}); Docker API via ${transport}`,
        { identity, transport },
      );
    }
    const details = await chooseContainer(io, deps);
    if (details.state !== 'running') {
      throw new RescueError(`container ${details.name} is ${details.state}, not running`, {
        kind: 'operator',
        exitCode: 2,
        hint:
          command === 'backup'
            ? `start it (docker start ${details.name}): the backup is taken from the live database`
            : `start it (docker start ${details.name}) to check its backups`,
      });
    }
    const dbPath = deps.options.db ?? (await discoverDb(io, deps, details));
    const target = settleTarget(details, dbPath, deps.options.container, command);
    deps.facts.target = target;
    const live = await requireSqliteFile(io, target);
    if (command === 'backup') await deps.lockTarget?.(`${deps.runtime.describe()}|${details.id}|${dbPath}`, details.name);

    const tools = await probeBackupTools(io, { id: target.containerId, name: target.containerName });
    deps.facts.imageTools = TOOLS.filter((tool) => tools.includes(tool));
    const way = wayFor(tools);
    const dir = backupsDir(dbPath);
    const stem = stemOf(dbPath);
    const folder = tools.includes('sh') ? await readFolder(io, deps, target, dir, stem) : null;
    const place: BackupPlace = { way, dir, stem, tools, folder, liveBytes: live.bytes };
    deps.facts.backupPlace = place;
    if (!folder)
      io.output(`${target.containerName} has no shell: ${dir} cannot be listed, so names are probed one by one and nothing will be pruned`);
    const own = folder?.own.length ?? 0;
    io.finding(
      `${target.containerName}:${dbPath} (${live.journalMode} mode, ${live.bytes} bytes with its -wal), ` +
        `data on ${describeMount(target.dataMount)}; backups in ${dir} through ${describeWay(way, 'the sqlite3 tool image')}; ` +
        `${own} made by this command so far`,
      { target, place },
    );
    return {
      summary: `${target.containerName}:${dbPath} — ${describeWay(way, 'the sqlite3 tool image')}, ${own} backups of ours in ${dir}`,
      data: { target, place },
    };
  },
};
