// Finds the SQLite databases on a container's volumes and bind mounts, whatever state it is in and whatever its image
// holds: one exec in the running app (which also lists its open files); a short-lived helper from its image when it
// is not running; the archive API when neither can run a shell. Every call is recorded in the result.
import type { ContainerDetails, ContainerRuntime, Mount } from '../ports/container-runtime.js';
import { isSteady } from './app-state.js';
import { classifyFiles } from './classify-files.js';
import { CommandLog, messageOf } from './command-log.js';
import type { WalkedFile, WalkOutput } from './parse-walk-output.js';
import { rankDatabases, unambiguousChoice } from './rank-databases.js';
import { DEFAULT_SEARCH_LIMITS } from './types.js';
import type { DatabaseDiscovery, DiscoverOptions, EarlyStop, OpenFilesInfo, SearchLimits, SearchVia } from './types.js';
import { walkByArchive } from './walk-by-archive.js';
import { walkByExec, walkComplaints, type ExecTarget } from './walk-by-exec.js';

/** The tools WALK_SCRIPT needs to read sizes, times and headers itself; without one, the archive API reads them. */
const FILE_TOOLS = ['stat', 'head', 'od'];

interface Gathered {
  via: SearchVia;
  files: WalkedFile[];
  quarantine: string[];
  open: { byPath: Map<string, number[]>; complete: boolean } | null;
  openFiles: OpenFilesInfo;
  stops: EarlyStop[];
  notes: string[];
}

interface Run {
  runtime: ContainerRuntime;
  log: CommandLog;
  details: ContainerDetails;
  roots: string[];
  limits: SearchLimits;
  deadline: number;
  options: DiscoverOptions;
}

/** The volume and bind mounts, one per mount point. */
export function searchableMounts(details: ContainerDetails): Mount[] {
  const byDestination = new Map<string, Mount>();
  for (const mount of details.mounts) {
    const searchable = mount.type === 'volume' || mount.type === 'bind';
    if (searchable && !byDestination.has(mount.destination)) byDestination.set(mount.destination, mount);
  }
  return [...byDestination.values()].sort((a, b) => (a.destination < b.destination ? -1 : a.destination > b.destination ? 1 : 0));
}

async function inspectLogged(runtime: ContainerRuntime, log: CommandLog, idOrName: string): Promise<ContainerDetails> {
  const call = {
    argv: ['GET', `/containers/${idOrName}/json`],
    cli: ['docker', 'inspect', idOrName],
    target: idOrName,
    purpose: 'read its state and mounts',
  };
  return log.api(call, () => runtime.inspect(idOrName));
}

function unknownOpenFiles(reason: string): Pick<Gathered, 'open' | 'openFiles'> {
  return { open: null, openFiles: { known: false, reason } };
}

function openFilesFrom(output: WalkOutput): Pick<Gathered, 'open' | 'openFiles' | 'notes'> {
  const seen = output.openFiles;
  if (seen === null) return { ...unknownOpenFiles('the walk ended before it listed the open files'), notes: [] };
  if ('unknown' in seen) return { ...unknownOpenFiles(seen.unknown), notes: [] };
  if (seen.denied > 0) {
    const total = seen.denied + seen.readable;
    const reason = `${seen.denied} of ${total} processes would not show their open files to the exec's user (the app runs as another user)`;
    return { open: { byPath: seen.byPath, complete: false }, openFiles: { known: false, reason }, notes: [reason] };
  }
  return { open: { byPath: seen.byPath, complete: true }, openFiles: { known: true, processes: seen.readable }, notes: [] };
}

function firstFew(items: string[]): string {
  return `${items.slice(0, 3).join(', ')}${items.length > 3 ? ', …' : ''}`;
}

type StopsAndNotes = { stops: EarlyStop[]; notes: string[] };

function stopsFrom(output: WalkOutput, limits: SearchLimits, exitCode: number, stderr: string): StopsAndNotes {
  const stops: EarlyStop[] = [];
  const notes: string[] = [];
  const stopped = output.stoppedBy;
  if (stopped?.reason === 'files') {
    stops.push({ reason: 'files', detail: `looked at ${stopped.limit} files, the limit; the rest were not looked at` });
  }
  if (stopped?.reason === 'time') stops.push({ reason: 'time', detail: `stopped at the time limit (${stopped.limit} s)` });
  const deep = output.atDepthLimit;
  if (deep.length > 0) {
    stops.push({ reason: 'depth', detail: `${deep.length} folder(s) at depth ${limits.maxDepth} were not entered: ${firstFew(deep)}` });
  }
  if (!output.complete) {
    const last = stderr.trim().split('\n').slice(-1)[0];
    stops.push({ reason: 'error', detail: `the walk ended before its end (exit ${exitCode})${last ? `: ${last}` : ''}` });
  }
  if (!output.tools?.includes('find')) notes.push('no find in the image: the mounts were walked with a shell glob loop');
  const odd = output.unlisted;
  if (odd.length > 0) {
    notes.push(`${odd.length} listed name(s) were no regular file when read (gone, or a name holding a newline): ${firstFew(odd)}`);
  }
  const complaints = walkComplaints(stderr);
  if (complaints.count > 0) {
    notes.push(`${complaints.count} complaint(s) from the walk (unreadable folders or files?): ${complaints.first.join(' | ')}`);
  }
  return { stops, notes };
}

async function readByArchive(run: Run, why: string): Promise<Pick<Gathered, 'files' | 'quarantine' | 'stops' | 'notes'>> {
  const limits = { maxFiles: run.limits.maxFiles, maxBytes: run.limits.maxArchiveBytes, deadline: run.deadline };
  const walked = await walkByArchive(run.runtime, run.log, run.details, run.roots, limits);
  const notes = [`${why}: read through the archive API`];
  if (walked.missing.length > 0) notes.push(`nothing at ${walked.missing.join(', ')}`);
  return { files: walked.files, quarantine: walked.quarantine, stops: walked.stops, notes };
}

// One exec; when the image lacks what reads sizes and headers, the archive API reads the files and the exec still
// told which are open.
async function readByExec(run: Run, target: ExecTarget, listOpenFiles: boolean): Promise<Gathered | 'no-shell'> {
  const remainingMs = Math.max(1000, run.deadline - Date.now());
  const bounds = { maxDepth: run.limits.maxDepth, maxFiles: run.limits.maxFiles, remainingMs, listOpenFiles };
  const walk = await walkByExec(run.runtime, run.log, target, run.roots, bounds);
  if (walk.kind === 'no-shell') return 'no-shell';
  const { output } = walk;
  if (output.tools === null) {
    // The script never started (killed, or the exec failed at once): the archive API reads what it would have.
    const said = (walk.stderr || '').trim().split('\n').slice(-1)[0];
    const archive = await readByArchive(
      run,
      `the walk in the ${target.where} ended before it began (exit ${walk.exitCode}${said ? `: ${said}` : ''})`,
    );
    return { via: 'archive', ...archive, ...unknownOpenFiles('the walk ended before it listed the open files') };
  }
  const open = openFilesFrom(output);
  const { stops, notes } = stopsFrom(output, run.limits, walk.exitCode, walk.stderr);
  const via: SearchVia = target.where === 'helper' ? 'helper' : 'exec';
  const tools = output.tools;
  const lacking = FILE_TOOLS.filter((tool) => !tools.includes(tool));
  if (lacking.length === 0) {
    return { via, files: output.files, quarantine: output.quarantine, ...open, stops, notes: [...notes, ...open.notes] };
  }
  const archive = await readByArchive(run, `no ${lacking.join(', ')} in the image`);
  return { via: 'archive', ...archive, open: open.open, openFiles: open.openFiles, notes: [...notes, ...open.notes, ...archive.notes] };
}

function openFilesWhenNotRunning(state: ContainerDetails['state']): Pick<Gathered, 'open' | 'openFiles'> {
  if (state === 'restarting') return unknownOpenFiles('it is restarting: the app holds files open only between crashes');
  if (state === 'paused') return unknownOpenFiles('it is paused: its processes cannot be asked');
  // Nothing runs, so nothing holds a file open.
  return { open: { byPath: new Map(), complete: true }, openFiles: { known: true, processes: 0 } };
}

// A helper for reading only: the app's volumes mounted read-only, so it cannot change what it looks at, and removed
// before discovery returns. Named by its purpose, so a record of it reads as what it is.
async function startHelperLogged(run: Run, label: string): Promise<string> {
  const { details } = run;
  const name = `${details.name}-rescue-${label}-read`.replace(/[^a-zA-Z0-9_.-]+/g, '-').slice(0, 120);
  const call = {
    argv: ['POST', `/containers/create?name=${name}`, `VolumesFrom=${details.id}:ro`, 'Entrypoint=sleep'],
    cli: [
      'docker',
      'run',
      '--detach',
      '--name',
      name,
      '--volumes-from',
      `${details.name}:ro`,
      '--network',
      'none',
      '--label',
      `sqlite-rescue.helper=${label}`,
      '--entrypoint',
      'sleep',
      details.image,
      '86400',
    ],
    target: details.id,
    purpose: 'start a read-only helper from the app image on its volumes',
  };
  return run.log.api(call, () => run.runtime.startHelper(details.id, { name, label, readOnlyVolumes: true }));
}

async function removeHelperLogged(run: Run, helperId: string): Promise<void> {
  const call = {
    argv: ['DELETE', `/containers/${helperId}?force=true`],
    cli: ['docker', 'rm', '--force', helperId.slice(0, 12)],
    target: helperId,
    purpose: 'remove the helper',
  };
  await run.log.api(call, () => run.runtime.removeHelper(helperId));
}

async function readStopped(run: Run, why: string): Promise<Gathered> {
  const open = openFilesWhenNotRunning(run.details.state);
  if (run.options.allowHelper === false) return { via: 'archive', ...(await readByArchive(run, `${why}; no helper allowed`)), ...open };
  let helperId: string;
  try {
    helperId = await startHelperLogged(run, run.options.helperLabel ?? `discovery-${run.log.token(4)}`);
  } catch (error) {
    return { via: 'archive', ...(await readByArchive(run, `${why}; no helper (${messageOf(error)})`)), ...open };
  }
  const short = helperId.slice(0, 12);
  const walked = await readByExec(run, { id: helperId, label: short, where: 'helper' }, false).catch((error: unknown) => asError(error));
  // The helper goes whatever the walk did; a helper that will not go is said, with the command that removes it.
  const removal = await removeHelperLogged(run, helperId).then(
    () => [],
    (error: unknown) => [`the helper ${short} could not be removed (${messageOf(error)}): remove it with docker rm --force ${short}`],
  );
  if (walked === 'no-shell' || walked instanceof Error) {
    const what = walked === 'no-shell' ? 'the helper has no shell' : `the walk in the helper failed (${walked.message})`;
    const archive = await readByArchive(run, `${why}; ${what}`);
    return { via: 'archive', ...archive, ...open, notes: [...archive.notes, ...removal] };
  }
  return { ...walked, ...open, notes: [`${why}: walked from a helper container that shares its volumes`, ...walked.notes, ...removal] };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

async function gather(run: Run): Promise<Gathered> {
  const { details } = run;
  // A crash-looper is `running` for the instants between two crashes: an exec aimed at one fails half-way.
  if (!isSteady(details, (run.options.now ?? Date.now)())) {
    return readStopped(run, `${details.name} is ${details.state === 'running' ? 'crash-looping' : details.state}`);
  }
  let walked: Gathered | 'no-shell';
  try {
    walked = await readByExec(run, { id: details.id, label: details.name, where: 'container' }, true);
  } catch (error) {
    if ((error as { timedOut?: unknown }).timedOut === true) {
      const stops: EarlyStop[] = [{ reason: 'time', detail: messageOf(error) }];
      return { via: 'exec', files: [], quarantine: [], ...unknownOpenFiles('the walk timed out'), stops, notes: [] };
    }
    // It stopped or began restarting between inspect and exec.
    return readStopped(run, `exec in ${details.name} failed (${messageOf(error)})`);
  }
  if (walked !== 'no-shell') return walked;
  const archive = await readByArchive(run, 'the image has no shell');
  return { via: 'archive', ...archive, ...unknownOpenFiles("the image has no shell: the app's open files cannot be listed") };
}

function nothingSearched(details: ContainerDetails, log: CommandLog, startedAt: number): DatabaseDiscovery {
  return {
    container: { id: details.id, name: details.name, state: details.state },
    via: 'none',
    mounts: [],
    databases: [],
    unambiguous: null,
    ignored: [],
    openFiles: { known: false, reason: 'nothing was searched' },
    stoppedEarly: [],
    notes: [`${details.name} has no volume or bind mount: a database in the container layer is lost on every redeploy; none was searched`],
    commands: log.commands,
    durationMs: Date.now() - startedAt,
  };
}

/**
 * The SQLite databases on the container's volume and bind mounts, found by their header, ranked (open by the app
 * first). Read-only: the only thing it may create is a helper container, removed before it returns. Never throws for
 * what the container lacks (a shell, find, a running state); throws when the engine fails or the container is unknown.
 */
export async function discoverDatabases(
  runtime: ContainerRuntime,
  container: string | ContainerDetails,
  options: DiscoverOptions = {},
): Promise<DatabaseDiscovery> {
  const startedAt = Date.now();
  const limits = { ...DEFAULT_SEARCH_LIMITS, ...options.limits };
  const log = new CommandLog(options.onCommand, options.perform, options.token);
  const details = typeof container === 'string' ? await inspectLogged(runtime, log, container) : container;
  const mounts = searchableMounts(details);
  if (mounts.length === 0) return nothingSearched(details, log, startedAt);
  const roots = mounts.map((mount) => mount.destination);
  const gathered = await gather({ runtime, log, details, roots, limits, deadline: startedAt + limits.timeMs, options });
  const { files, quarantine, open } = gathered;
  const { databases, ignored } = classifyFiles({ mounts, files, quarantine, open });
  const ranked = rankDatabases(databases);
  return {
    container: { id: details.id, name: details.name, state: details.state },
    via: gathered.via,
    mounts,
    databases: ranked,
    unambiguous: unambiguousChoice(ranked),
    ignored,
    openFiles: gathered.openFiles,
    stoppedEarly: gathered.stops,
    notes: gathered.notes,
    commands: log.commands,
    durationMs: Date.now() - startedAt,
  };
}
