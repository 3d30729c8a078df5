// Step take-backup: a consistent snapshot of the live database while the app writes, through SQLite: VACUUM INTO,
// one statement in one read transaction, so a writer committing every 100 ms cannot make it start over (the sqlite3
// CLI's stepwise .backup never finished in 60 s under such a writer; VACUUM INTO took 2.2-3.3 s for 222 MB). It
// writes `<name>.partial` (SQLite fdatasyncs it), which is put in rollback-journal mode, checked whole with
// integrity_check and counted, then given its final name with ln (which fails rather than replace anything); the
// sha256 and the manifest go beside it. Bounded in time: sqlite3 runs under `timeout -s KILL`, which ends it in the
// container (an exec that times out would leave it running there).
import type { ExecResult } from '../ports/container-runtime.js';
import type { Plan, Planned, StepIO } from '../runbook/engine.js';
import { describeError, RescueError } from '../runbook/errors.js';
import { manifestText, sha256Text, type BackupManifest } from '../backup/manifest.js';
import { backupName, chooseFreeName, namesOf } from '../backup/names.js';
import type { BackupPlace, TakenBackup } from './backup-facts.js';
import { backupHelperName, describeWay, hasBackupTool, runnerFor, verifying, type Runner } from './backup-place.js';
import { targetRef } from './check-live-db.js';
import { describeVerdictSource } from './checks.js';
import { dirname, join } from './container-paths.js';
import type { Deps, Known } from './deps.js';
import type { Target } from './facts.js';
import { knownRef, knownTarget } from './known-target.js';
import {
  copyIn,
  execIn,
  importToolImage,
  inspectImage,
  removeHelper,
  startHelperFromImage,
  statInContainer,
  toolImageReference,
} from './port-actions.js';
import { requireFact } from './require-fact.js';
import { countRowsInContainer, runCheckInContainer, sha256InContainer } from './sqlite-cli.js';
import type { StepKind } from './step-kind.js';
import { probeFreeBytes } from './stage-in-container.js';
import { backupsDir } from './backup-place.js';

/** Seconds VACUUM INTO may take: a minute plus a second per 20 MB (measured here: about 100 MB/s). */
export function vacuumBoundSec(bytes: number): number {
  return 60 + Math.ceil(bytes / 20_000_000);
}

function quoteSqlLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** The SQL of the snapshot: a reader waits for a writer's lock rather than fail at once. */
export function vacuumSql(partial: string): string {
  return `PRAGMA busy_timeout=10000; VACUUM INTO ${quoteSqlLiteral(partial)};`;
}

export const JOURNAL_SQL = 'PRAGMA journal_mode=DELETE;';

interface Paths {
  name: string;
  final: string;
  partial: string;
  sha256: string;
  json: string;
}

function pathsOf(dir: string, name: string): Paths {
  const final = join(dir, name);
  return { name, final, partial: `${final}.partial`, sha256: `${final}.sha256`, json: `${final}.json` };
}

function vacuumAction(runner: Runner, dbPath: string, partial: string, liveBytes: number) {
  const bound = vacuumBoundSec(liveBytes);
  const limit = hasBackupTool(runner, 'timeout') ? ['timeout', '-s', 'KILL', String(bound)] : [];
  return execIn(runner.ref, [...limit, 'sqlite3', '-readonly', dbPath, vacuumSql(partial)], {
    where: runner.where,
    mutates: true,
    timeoutMs: (bound + 30) * 1000,
  });
}

interface BackupActions {
  vacuum: Planned<Deps, ExecResult>;
  journal: Planned<Deps, ExecResult>;
  sidecars: Array<Planned<Deps, void>>;
  commit: Array<Planned<Deps, ExecResult>>;
}

function backupActions(
  runner: Runner,
  target: Pick<Target, 'containerId' | 'containerName' | 'dbPath'>,
  dir: string,
  paths: Paths,
  liveBytes: number,
  local: { sha256: string; json: string },
): BackupActions {
  const ref = { id: target.containerId, name: target.containerName };
  const opts = { where: runner.where, mutates: true };
  return {
    vacuum: vacuumAction(runner, target.dbPath, paths.partial, liveBytes),
    journal: execIn(runner.ref, ['sqlite3', paths.partial, JOURNAL_SQL], opts),
    sidecars: [copyIn(ref, local.sha256, dir, `${paths.name}.sha256.partial`), copyIn(ref, local.json, dir, `${paths.name}.json.partial`)],
    // ln fails when the final name exists (link(2)): nothing is ever replaced. The sidecars follow the backup.
    commit: [
      execIn(runner.ref, ['ln', paths.partial, paths.final], opts),
      execIn(runner.ref, ['mv', `${paths.sha256}.partial`, paths.sha256], opts),
      execIn(runner.ref, ['mv', `${paths.json}.partial`, paths.json], opts),
      execIn(runner.ref, ['rm', '-f', '--', paths.partial], opts),
    ],
  };
}

function cleanupOf(runner: Runner, paths: Paths): Planned<Deps, ExecResult> {
  return execIn(
    runner.ref,
    ['rm', '-f', '--', paths.partial, `${paths.partial}-journal`, `${paths.sha256}.partial`, `${paths.json}.partial`],
    { where: runner.where, mutates: true },
  );
}

interface TakePlan extends Plan<Deps> {
  paths: Paths;
  runner: Runner;
  parts: BackupActions;
  local: { sha256: string; json: string };
  helperRef?: string;
}

// Without a listing (no shell in the image), every name a candidate uses is probed through the archive API.
async function takenNames(io: StepIO, target: Target, place: BackupPlace, stem: string, now: number): Promise<Set<string>> {
  if (place.folder) return new Set(place.folder.names);
  const taken = new Set<string>();
  for (let n = 1; ; n += 1) {
    const names = namesOf(backupName(stem, now, n));
    const present = await Promise.all(names.map((name) => io.perform(statInContainer(targetRef(target), join(place.dir, name)))));
    names.forEach((name, index) => present[index] && taken.add(name));
    if (present.every((stat) => stat === null)) return taken;
  }
}

function spaceHint(dir: string): string {
  return `free space in the filesystem of ${dir} (the backup needs about as much as the database), then run it again`;
}

async function requireSpace(io: StepIO, deps: Deps, target: Target, place: BackupPlace): Promise<void> {
  const dir = place.folder?.exists === false || !place.folder ? dirname(target.dbPath) : place.dir;
  const free = await probeFreeBytes(io, deps, targetRef(target), dir);
  if (free === undefined) {
    io.output(
      `the free space in ${dir} cannot be read (no df in the image): a full disk would stop VACUUM INTO, and its partial file is removed`,
    );
    return;
  }
  if (free >= place.liveBytes) return;
  const what =
    `not enough space for the backup in ${dir} in ${target.containerName}: ${free} bytes free, ` +
    `the database and its -wal are ${place.liveBytes} bytes`;
  if (io.isDryRun) {
    io.finding(`BACKUP WOULD FAIL: ${what}`);
    return;
  }
  throw new RescueError(what, { kind: 'operator', hint: spaceHint(dir) });
}

// What sqlite3 said when VACUUM INTO failed, as the operator needs it.
function vacuumFailure(result: ExecResult, target: Target, dir: string, bound: number): RescueError {
  const said = (result.stderr || result.stdout).trim();
  if (result.exitCode === 137)
    return new RescueError(`VACUUM INTO did not finish within ${bound} s and was killed`, {
      hint: 'the live database is untouched; retry when the server is less busy, or check the disk with `iostat`',
    });
  if (/disk is full|SQLITE_FULL|\(13\)/i.test(said))
    return new RescueError(`the disk holding ${dir} in ${target.containerName} filled up while the backup was written: ${said}`, {
      kind: 'operator',
      hint: spaceHint(dir),
    });
  if (/near "INTO"/.test(said))
    return new RescueError(`sqlite3 in ${target.containerName} is too old for VACUUM INTO (it came in SQLite 3.27): ${said}`, {
      hint: 'upgrade sqlite3 in the image; nothing was changed',
    });
  if (/readonly|read-only|permission|unable to open/i.test(said))
    return new RescueError(`VACUUM INTO could not write ${dir} in ${target.containerName}: ${said}`, {
      kind: 'operator',
      hint: `make ${dir} writable for the container's user — nothing was changed`,
    });
  return new RescueError(`VACUUM INTO failed (exit ${result.exitCode}): ${said}`, {
    hint: 'the live database is untouched; the partial file was removed',
  });
}

function failedArgv(action: Planned<Deps, unknown>, result: ExecResult): RescueError {
  const argv = action.decl.kind === 'argv' ? action.decl.argv.join(' ') : action.decl.call;
  return new RescueError(`${argv} failed (exit ${result.exitCode}): ${(result.stderr || result.stdout).trim()}`, {
    hint: 'the live database is untouched; retry the backup',
  });
}

// Between the snapshot and its final name: the partial proven whole and counted, its sidecars written here.
async function provePartial(
  io: StepIO,
  deps: Deps,
  plan: TakePlan,
  startedAt: number,
  durationMs: number,
): Promise<{ manifest: BackupManifest; taken: TakenBackup }> {
  const target = requireFact(deps.facts.target, 'the target', 'find-backup-target');
  const place = requireFact(deps.facts.backupPlace, 'where backups go', 'find-backup-target');
  const { runner, paths } = plan;
  const look = verifying(io);
  // Both read the same file, which the snapshot has just put in the page cache: side by side, the slower one decides.
  const [check, sha256] = await Promise.all([
    runCheckInContainer(look, runner.ref, paths.partial, 'integrity_check', { immutable: true, where: runner.where }),
    sha256InContainer(look, runner.ref, paths.partial, runner.where),
  ]);
  if (!check || check.verdict !== 'ok') {
    throw new RescueError(
      `the snapshot of ${target.dbPath} fails integrity_check: ${check?.errors[0] ?? 'sqlite3 could not run'} — ` +
        'the live database itself is damaged',
      {
        hint:
          'nothing was kept; the live database needs a restore: ' +
          `sqlite-rescue restore --dry-run --container ${target.containerName} --db ${target.dbPath}`,
      },
    );
  }
  const tables = (await countRowsInContainer(look, runner.ref, paths.partial, { immutable: true, where: runner.where })) ?? {};
  const bytes = (await look.perform(statInContainer(targetRef(target), paths.partial)))?.size ?? 0;
  const takenAt = new Date(startedAt).toISOString();
  const manifest: BackupManifest = {
    tool: 'sqlite-rescue',
    manifestVersion: 1,
    kind: 'backup',
    database: target.dbPath,
    container: target.containerName,
    image: target.image,
    file: paths.name,
    takenAt,
    takenBy: `VACUUM INTO by ${describeWay(place.way, plan.helperRef ?? '')}`,
    durationMs,
    bytes,
    sha256,
    journalMode: 'delete',
    integrityCheck: 'ok',
    tables,
  };
  await deps.incidentFiles.writeText(`${paths.name}.sha256`, sha256Text(sha256, paths.name));
  await deps.incidentFiles.writeText(`${paths.name}.json`, manifestText(manifest));
  io.output(
    `integrity_check ok (${describeVerdictSource(check)}), ` +
      `${Object.values(tables).reduce((sum, rows) => sum + rows, 0)} rows, sha256 ${sha256}`,
  );
  return { manifest, taken: { name: paths.name, path: paths.final, sha256, bytes, takenAt, tables, durationMs } };
}

function declareTake(known: Known) {
  const target = knownTarget(known);
  const place = known.facts.backupPlace ?? {
    way: 'container' as const,
    dir: backupsDir(target.dbPath),
    tools: ['timeout', 'sqlite3', 'sh', 'ln', 'rm', 'mkdir'],
    liveBytes: 0,
  };
  const runner = runnerFor(place, target, known.incident.id);
  const paths = pathsOf(place.dir, '<stem>-YYYY-MM-DD-HHMM.db');
  const parts = backupActions(runner, target, place.dir, paths, place.liveBytes, {
    sha256: '<record>/<name>.sha256',
    json: '<record>/<name>.json',
  });
  const helper =
    place.way === 'helper'
      ? [
          startHelperFromImage(knownRef(known), '<sqlite3 tool image>', {
            name: backupHelperName(target, known.incident.id),
            label: known.incident.id,
            user: '0:0',
          }).decl,
        ]
      : [];
  return [
    ...helper,
    parts.vacuum.decl,
    parts.journal.decl,
    ...parts.sidecars.map((action) => action.decl),
    ...parts.commit.map((action) => action.decl),
  ];
}

export const takeBackup: StepKind = {
  kind: 'take-backup',
  mutates: true,
  declare: declareTake,
  async plan(io, deps): Promise<TakePlan> {
    const target = requireFact(deps.facts.target, 'the target', 'find-backup-target');
    const place = requireFact(deps.facts.backupPlace, 'where backups go', 'find-backup-target');
    const runner = runnerFor(place, target, deps.incident.id);
    const name = chooseFreeName(place.stem, deps.clock.now(), await takenNames(io, target, place, place.stem, deps.clock.now()));
    const paths = pathsOf(place.dir, name);
    await requireSpace(io, deps, target, place);
    const local = { sha256: deps.incidentFiles.path(`${name}.sha256`), json: deps.incidentFiles.path(`${name}.json`) };
    const parts = backupActions(runner, target, place.dir, paths, place.liveBytes, local);
    const before: Array<Planned<Deps>> = [];
    const after: Array<Planned<Deps>> = [];
    const cleanup: Array<Planned<Deps>> = [cleanupOf(runner, paths)];
    let helperRef: string | undefined;
    if (place.way === 'helper') {
      helperRef = await io.perform(toolImageReference());
      if (!(await io.perform(inspectImage(helperRef)))) before.push(importToolImage(helperRef));
      const helper = backupHelperName(target, deps.incident.id);
      before.push(startHelperFromImage(targetRef(target), helperRef, { name: helper, label: deps.incident.id, user: '0:0' }));
      after.push(removeHelper(helper));
      cleanup.push(removeHelper(helper));
    }
    const dirExists = place.folder ? place.folder.exists : (await io.perform(statInContainer(targetRef(target), place.dir))) !== null;
    if (!dirExists) before.push(execIn(runner.ref, ['mkdir', '-p', place.dir], { where: runner.where, mutates: true }));
    if (hasBackupTool(runner, 'sync')) after.unshift(execIn(runner.ref, ['sync', '-f', place.dir], { where: runner.where }));
    const actions = [...before, parts.vacuum, parts.journal, ...parts.sidecars, ...parts.commit, ...after] as Array<Planned<Deps>>;
    const how = describeWay(place.way, helperRef ?? '');
    return {
      summary: `VACUUM INTO ${paths.partial} through ${how}, checked, then named ${name}`,
      actions,
      cleanup,
      paths,
      runner,
      parts,
      local,
      helperRef,
    };
  },
  async apply(io, deps, plan) {
    const take = plan as TakePlan;
    const target = requireFact(deps.facts.target, 'the target', 'find-backup-target');
    const place = requireFact(deps.facts.backupPlace, 'where backups go', 'find-backup-target');
    const { parts, paths } = take;
    let startedAt = deps.clock.now();
    let vacuumMs = 0;
    let proven: { taken: TakenBackup } | undefined;
    // In a helper, nothing was written before it started, and nothing can be cleaned up in it.
    let canClean = place.way === 'container';
    try {
      for (const action of take.actions) {
        if (action === parts.vacuum) startedAt = deps.clock.now();
        const result = await io.perform(action);
        if (action === parts.vacuum) vacuumMs = deps.clock.now() - startedAt;
        if (action.decl.kind === 'call' && action.decl.call.startsWith('POST /containers/create')) canClean = true;
        if (action.decl.kind !== 'argv') continue;
        const exec = result as ExecResult;
        if (action === parts.vacuum && exec.exitCode !== 0) throw vacuumFailure(exec, target, place.dir, vacuumBoundSec(place.liveBytes));
        if (action === parts.journal && (exec.exitCode !== 0 || exec.stdout.trim() !== 'delete'))
          throw new RescueError(`could not put ${paths.partial} in rollback-journal mode: ${(exec.stderr || exec.stdout).trim()}`, {
            hint: 'the live database is untouched; retry the backup',
          });
        if (action === parts.journal) proven = await provePartial(io, deps, take, startedAt, vacuumMs);
        if (action.decl.argv[0] === 'sync' && exec.exitCode !== 0)
          io.output(
            `sync -f ${place.dir} failed (${(exec.stderr || exec.stdout).trim()}): ` +
              "SQLite has already synced the backup's data, the folder entry may not be",
          );
        else if (exec.exitCode !== 0) throw failedArgv(action, exec);
      }
    } catch (error) {
      if (canClean) {
        for (const action of take.cleanup ?? [])
          await io
            .perform(action, 'cleanup')
            .catch((failure: unknown) => io.output(`could not clean up: ${describeError(failure).message}`));
        io.output(`removed what this run had written under temporary names (${paths.partial} and its sidecars); nothing else was touched`);
      }
      throw error;
    }
    const taken = (proven as { taken: TakenBackup }).taken;
    deps.facts.backupTaken = taken;
    io.finding(
      `backup ${taken.path}: ${taken.bytes} bytes, integrity_check ok, sha256 ${taken.sha256}, ` +
        `taken ${taken.takenAt} in ${(taken.durationMs / 1000).toFixed(1)} s`,
      taken,
    );
    return {
      summary: `${taken.path} (${taken.bytes} bytes, integrity ok, ${(taken.durationMs / 1000).toFixed(1)} s)`,
      verdict: { tone: 'good', label: 'backup taken' },
      data: taken,
    };
  },
};
