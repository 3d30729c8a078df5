// Step check-live-db: is the live database corrupt? Inside the container when it has sqlite3, else on a copy.
import { describeErrorCount } from '../ports/sqlite-inspector.js';
import type { StepIO } from '../runbook/engine.js';
import { RescueError } from '../runbook/errors.js';
import { describeVerdictSource, fromInspector, triage, type CheckPragma, type CheckVerdict } from './checks.js';
import { isSteady } from '../discovery/app-state.js';
import { basename, join, quarantineDir, sidecars } from './container-paths.js';
import type { Deps } from './deps.js';
import type { Target } from './facts.js';
import { checkLocal, copyOut, diagnoseLocal, execIn, inspectContainer, statInContainer, type ContainerRef } from './port-actions.js';
import { requireFact } from './require-fact.js';
import { checkInContainer, immutableUri, LIST_TABLES_SQL, runCheckInContainer } from './sqlite-cli.js';
import type { StepKind } from './step-kind.js';
import { knownRef, knownTarget } from './known-target.js';

/**
 * 'triage' decides "corrupt or not" at the least cost (checks.ts); 'full' always runs integrity_check (the final
 * proof after a restore).
 */
export type LiveCheckDepth = 'triage' | 'full';

export const targetRef = (target: Target): ContainerRef => ({ id: target.containerId, name: target.containerName });

export function hasTool(deps: Deps, tool: string): boolean {
  return deps.facts.imageTools?.includes(tool) ?? false;
}

/** The live .db and its -wal copied out through the archive API (a stopped container's too); the local .db path. */
async function copyLiveOut(io: StepIO, deps: Deps, target: Target, hasWal: boolean): Promise<string> {
  const ref = targetRef(target);
  const wal = sidecars(target.dbPath).wal;
  const folder = await deps.incidentFiles.makeScratchDir('live-copy-');
  const local = await io.perform(copyOut(ref, target.dbPath, folder));
  if (!hasWal) return local;
  try {
    await io.perform(copyOut(ref, wal, folder));
    return local;
  } catch (error) {
    // The last connection to close folds the -wal into the .db and deletes it: a crash-looping app does so on every
    // crash. Gone now, its frames are in the .db, which is copied again (into a folder of its own: copies never replace).
    if ((await io.perform(statInContainer(ref, wal))) !== null) throw error;
    io.output(`${wal} went away while it was copied (the app closed the database): copying ${target.dbPath} again, which now holds it`);
    return io.perform(copyOut(ref, target.dbPath, await deps.incidentFiles.makeScratchDir('live-copy-')));
  }
}

// Without sqlite3 in the image: copy the .db and its -wal out and check them here. Such a copy is not a consistent
// snapshot while the app writes, so the verdict says it was seen on a copy.
async function checkOnCopy(
  io: StepIO,
  deps: Deps,
  target: Target,
  hasWal: boolean,
  depth: LiveCheckDepth,
): Promise<{ verdict: CheckVerdict; copy: string }> {
  const local = await copyLiveOut(io, deps, target, hasWal);
  const run = async (check: CheckPragma) =>
    fromInspector(await io.perform(checkLocal(local, check === 'quick_check' ? 'quick' : 'full')), true);
  return { verdict: (depth === 'triage' ? await triage(run) : await run('integrity_check')) as CheckVerdict, copy: local };
}

/**
 * Whether commands can run in the app's container now and a moment from now: running, and not restarted by the engine
 * within the back-off window (a crash-looper is `running` for the instants between two crashes, and an exec aimed at
 * one fails half-way).
 */
export async function canExec(io: StepIO, deps: Deps, target: Target): Promise<boolean> {
  return isSteady(await io.perform(inspectContainer(targetRef(target))), deps.clock.now());
}

export async function checkLiveDatabase(io: StepIO, deps: Deps, target: Target, depth: LiveCheckDepth): Promise<CheckVerdict> {
  return (await checkLive(io, deps, target, depth)).verdict;
}

// The verdict, with the local copy it was judged on when it ran here (no sqlite3 in the image, or the app not running).
async function checkLive(
  io: StepIO,
  deps: Deps,
  target: Target,
  depth: LiveCheckDepth,
): Promise<{ verdict: CheckVerdict; copy?: string; hasWal: boolean }> {
  // With no -wal beside it, nobody has the database open in WAL mode: an immutable read sees all of it and, unlike a
  // plain read-only open, creates no -wal/-shm. With a -wal, only a normal read-only open sees its frames.
  const [wal, running] = await Promise.all([
    io.perform(statInContainer(targetRef(target), sidecars(target.dbPath).wal)),
    canExec(io, deps, target),
  ]);
  const hasWal = wal !== null;
  const opts = { immutable: !hasWal };
  const run = (check: CheckPragma) => runCheckInContainer(io, targetRef(target), target.dbPath, check, opts);
  const inside = !hasTool(deps, 'sqlite3') || !running ? null : depth === 'triage' ? await triage(run) : await run('integrity_check');
  if (inside) return { verdict: inside, hasWal };
  // The archive API reads a stopped container's files too: no exec, no helper, nothing started.
  io.output(
    running
      ? 'no sqlite3 in the image: checking a copy of the database on this machine'
      : `${target.containerName} is not running steadily (stopped, restarting or crash-looping): checking a copy of the database on this machine`,
  );
  return { ...(await checkOnCopy(io, deps, target, hasWal, depth)), hasWal };
}

// A corrupt database's damage is diagnosed on a copy, table by table, while the run goes on: choose-source builds the
// repaired, salvaged and merged candidates from the same copy. The live file is never opened for writing.
async function startDiagnosis(io: StepIO, deps: Deps, target: Target, checked: { copy?: string; hasWal: boolean }): Promise<void> {
  const takenAt = new Date(deps.clock.now()).toISOString();
  const copyPath = checked.copy ?? (await copyLiveOut(io, deps, target, checked.hasWal));
  deps.services.damage.start(io.perform(diagnoseLocal(copyPath)).then((diagnosis) => ({ copyPath, takenAt, diagnosis })));
}

function declareCheck(known: Parameters<StepKind['declare']>[0]) {
  const ref = knownRef(known);
  const db = knownTarget(known).dbPath;
  return [
    checkInContainer(ref, db, 'quick_check', { immutable: false }).decl,
    checkInContainer(ref, db, 'integrity_check', { immutable: false, when: 'when quick_check passes' }).decl,
  ];
}

// The table names, so that local copies with the same schema can be offered; a schema too damaged to read says nothing.
// Opened as the check opens it: immutable when no -wal is beside it, so that reading creates no -wal/-shm.
async function readLiveTables(io: StepIO, deps: Deps, target: Target, hasWal: boolean): Promise<string[] | undefined> {
  if (!hasTool(deps, 'sqlite3') || !(await canExec(io, deps, target))) return undefined;
  const result = await io.perform(
    execIn(targetRef(target), ['sqlite3', '-readonly', '-json', hasWal ? target.dbPath : immutableUri(target.dbPath), LIST_TABLES_SQL]),
  );
  if (result.exitCode !== 0) return undefined;
  try {
    return result.stdout.trim() === '' ? [] : (JSON.parse(result.stdout) as Array<{ name: string }>).map((row) => row.name);
  } catch {
    return undefined;
  }
}

export const checkLiveDb: StepKind = {
  kind: 'check-live-db',
  mutates: false,
  declare: declareCheck,
  async run(io, deps) {
    const target = requireFact(deps.facts.target, 'the target', 'find-container');
    const { dbPath, containerName } = target;
    const present = await io.perform(statInContainer(targetRef(target), dbPath));
    if (!present) {
      throw new RescueError(`${dbPath} does not exist in ${containerName}`, {
        kind: 'operator',
        exitCode: 2,
        hint: `list the folder with: docker exec ${containerName} ls -la ${dbPath.replace(/\/[^/]*$/, '') || '/'}`,
      });
    }
    if (present.isDirectory)
      throw new RescueError(`${dbPath} in ${containerName} is a directory, not a database file`, {
        kind: 'operator',
        exitCode: 2,
        hint: 'pass --db with the path of the .db file itself',
      });
    // Resolved inside the container (never on the host), but its -wal/-shm live beside the target and a swap would
    // replace the link, not the file the app reads: the real path is asked for instead.
    if (present.linkTarget) {
      const real = present.linkTarget.startsWith('/') ? present.linkTarget : `${dbPath.replace(/\/[^/]*$/, '')}/${present.linkTarget}`;
      throw new RescueError(`${dbPath} in ${containerName} is a symbolic link to ${present.linkTarget}, not the database file itself`, {
        kind: 'operator',
        exitCode: 2,
        hint: `pass the path of the file it points to (e.g. --db ${real}) if that is the database — nothing was changed`,
      });
    }

    const checked = await checkLive(io, deps, target, 'triage');
    const tables = await readLiveTables(io, deps, target, checked.hasWal);
    const live = checked.verdict;
    deps.facts.liveTables = tables;
    if (live.verdict === 'no-verdict') {
      throw new RescueError(live.errors[0], {
        hint: `exit 137 is usually the container's memory limit; retry this step, or check by hand with: docker exec ${containerName} sqlite3 -readonly ${dbPath} 'PRAGMA ${live.check};'`,
      });
    }
    deps.facts.live = live;
    for (const error of live.errors.slice(0, 5)) io.output(error);
    if (live.verdict === 'ok') {
      io.finding(`the live database ${dbPath} passes integrity_check (${describeVerdictSource(live)})`);
      const answer = await io.ask(
        {
          kind: 'yes-no',
          message: 'The live database is healthy: there is nothing to recover. Go on with the restore anyway?',
          defaultYes: false,
        },
        { kind: 'yes-no', yes: false },
      );
      if (answer.kind === 'yes-no' && !answer.yes) {
        return {
          summary: 'healthy: integrity_check says ok',
          verdict: { tone: 'good', label: 'healthy' },
          data: live,
          end: { exitCode: 0, headline: `nothing to recover: ${dbPath} in ${containerName} is healthy` },
        };
      }
      return { summary: "healthy, restoring anyway at the operator's request", verdict: { tone: 'good', label: 'healthy' }, data: live };
    }
    await startDiagnosis(io, deps, target, checked);
    const summary = `CORRUPT: ${describeErrorCount(live.errorCount)} (${describeVerdictSource(live)}); first: ${live.errors[0]}`;
    io.finding(
      `the live database ${dbPath} is corrupt: ${live.check} found ${describeErrorCount(live.errorCount)}, first: ${live.errors[0]}${live.check === 'quick_check' ? ' (integrity_check, slower, would decide nothing more)' : ''}`,
      { errors: live.errors, check: live.check },
    );
    return { summary, verdict: { tone: 'bad', label: `corrupt (${describeErrorCount(live.errorCount)})` }, data: { ...live, tables } };
  },
  // Before the swap the live file is checked again (the step runs again). After it, the file this step judged is in
  // this incident's quarantine: that it is there is the proof; the verdict is the record of what was found.
  async reverify(io, deps, past) {
    const target = requireFact(deps.facts.target, 'the target', 'find-container');
    const moved = join(quarantineDir(target.dbPath, deps.incident.id), basename(target.dbPath));
    if (!(await io.perform(statInContainer(targetRef(target), moved)))) return undefined;
    const { tables, ...live } = past.data as CheckVerdict & { tables?: string[] };
    deps.facts.live = live;
    deps.facts.liveTables = tables;
    io.output(`the file this step judged is now in quarantine: ${moved}`);
    return { summary: past.summary, data: past.data };
  },
};
