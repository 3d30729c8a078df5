// Step test-backups: every backup opened and checked by SQLite, never judged by its size, and triaged (checks.ts):
// damage quick_check finds is the verdict; a backup that passes gets the full integrity_check, which then decides.
import type { ExecResult } from '../ports/container-runtime.js';
import type { StepIO } from '../runbook/engine.js';
import { RescueError, UsageError } from '../runbook/errors.js';
import { fromInspector, isHealthy, triage, type CheckPragma, type CheckVerdict } from './checks.js';
import { canExec, hasTool, targetRef } from './check-live-db.js';
import { basename, dirname, globToRegExp, join } from './container-paths.js';
import type { Deps, Known } from './deps.js';
import type { BackupReport, Target } from './facts.js';
import { discoverBackups, selectBackups } from '../discovery/index.js';
import { checkLocal, copyOut, countRowsLocal, execIn, statInContainer, type ContainerRef } from './port-actions.js';
import { requireFact } from './require-fact.js';
import { withReadHelper } from './read-helper.js';
import { runLimited } from './run-limited.js';
import {
  checkInContainer,
  checkSql,
  countRowsInContainer,
  immutableUri,
  isMissingBinary,
  readCheckAnswer,
  runCheckInContainer,
} from './sqlite-cli.js';
import type { StepKind } from './step-kind.js';
import { knownRef } from './known-target.js';

/** Backups are checked this many at a time: each check is one core on the server. */
export const BACKUP_CHECKS_AT_ONCE = 4;

/** --backups as given, or undefined: then every other SQLite file on the target's mounts is a backup. */
export function backupsGlob(known: Known): string | undefined {
  return known.options.backups;
}

// Without --backups: every other SQLite file on the target's mounts, found by its header, wherever it lives and
// however it is named; not the live database, its -wal/-shm, a quarantine folder of ours or a database the app has
// open (another live one). find-container's walk is reused when it made one.
async function discoveredBackups(io: StepIO, deps: Deps, target: Target): Promise<string[]> {
  const found = deps.facts.discovery
    ? selectBackups(deps.facts.discovery, target.dbPath)
    : await discoverBackups(deps.runtime, target.containerId, target.dbPath, {
        perform: io.perform,
        token: deps.entropy.token,
        helperLabel: deps.incident.id,
        now: () => deps.clock.now(),
      });
  for (const stop of found.stoppedEarly) io.finding(`the search for backups stopped early (${stop.reason}): ${stop.detail}`);
  for (const other of found.otherLive) io.output(`not a backup: ${other.path} (the app has it open: another live database)`);
  for (const backup of found.backups)
    io.output(
      `found ${backup.path} (${backup.size ?? '?'} bytes, ${backup.mtime ?? 'time unknown'}) in ${backup.folder}${backup.sameMountAsLive ? '' : `, on another mount (${backup.mount.destination})`}`,
    );
  return found.backups.map((backup) => backup.path).sort();
}

async function listMatches(io: StepIO, ref: ContainerRef, glob: string): Promise<string[]> {
  const folder = dirname(glob);
  if (/[*?[]/.test(folder))
    throw new UsageError(`--backups "${glob}": only the last part of the path may hold wildcards`, 'e.g. --backups "/data/backups/*.db"');
  const pattern = globToRegExp(basename(glob));
  if (!(await io.perform(statInContainer(ref, folder)))) return [];
  // NUL-separated: a file name may hold a newline. A find without -print0 falls back to lines.
  let separator = '\0';
  let result = await io.perform(execIn(ref, ['find', folder, '-maxdepth', '1', '-type', 'f', '-print0']));
  if (!isMissingBinary(result) && result.exitCode !== 0) {
    separator = '\n';
    result = await io.perform(execIn(ref, ['find', folder, '-maxdepth', '1', '-type', 'f']));
  }
  let names: string[];
  if (isMissingBinary(result)) {
    result = await io.perform(execIn(ref, ['ls', '-1Ap', folder]));
    if (isMissingBinary(result))
      throw new RescueError(`cannot list ${folder} in the container: it has neither find nor ls`, {
        hint: 'pass the backups one by one with --backups PATH',
      });
    names = result.stdout.split('\n').filter((name) => name !== '' && !name.endsWith('/'));
  } else {
    names = result.stdout
      .split(separator)
      .filter((line) => line !== '')
      .map((line) => basename(line));
  }
  if (result.exitCode !== 0) throw new RescueError(`cannot list ${folder} in the container: ${result.stderr.trim()}`);
  return names
    .filter((name) => pattern.test(name))
    .sort()
    .map((name) => join(folder, name));
}

// Every backup of a group quick-checked by one docker exec: a fixed shell loop over positional arguments (no shell
// string is built from a path), each answer followed by a line "<mark> <exit code>". The mark is random per run,
// so no file name or error text can forge the end of an answer.
export const CHECK_LOOP = 'sql=$1; mark=$2; shift 2; for u do sqlite3 -readonly "$u" "$sql" 2>&1; printf \'%s %s\\n\' "$mark" "$?"; done';

/** The answers of one CHECK_LOOP run, in the order of its paths; null for a path whose sqlite3 could not run. */
export function splitLoopAnswers(
  result: ExecResult,
  mark: string,
  paths: string[],
  where: 'container' | 'helper' = 'container',
): Array<CheckVerdict | null> {
  const count = paths.length;
  const answers: Array<CheckVerdict | null> = [];
  let lines: string[] = [];
  for (const line of result.stdout.split('\n')) {
    const end = line.startsWith(`${mark} `) ? Number(line.slice(mark.length + 1)) : NaN;
    if (Number.isNaN(end)) {
      lines.push(line);
      continue;
    }
    // 126/127 from the shell: no sqlite3 in the image (sqlite3's own exit codes are SQLite result codes, all lower).
    answers.push(
      readCheckAnswer({ exitCode: end, stdout: `${lines.join('\n')}\n`, stderr: '' }, 'quick_check', paths[answers.length] ?? '?', where),
    );
    lines = [];
  }
  if (answers.length !== count) {
    throw new RescueError(
      `checking ${count} backups in one shell loop gave ${answers.length} answers (exit ${result.exitCode}): ${(result.stderr || result.stdout).trim().slice(0, 200)}`,
      { hint: 'retry this step; check a backup by hand with sqlite3 -readonly FILE "PRAGMA quick_check;"' },
    );
  }
  return answers;
}

/** Where sqlite3 runs the backups' checks: in the app's container, or in a read-only helper from its image. */
interface ExecPlace {
  ref: ContainerRef;
  where: 'container' | 'helper';
}

async function quickCheckGroup(io: StepIO, deps: Deps, place: ExecPlace, paths: string[]): Promise<Array<CheckVerdict | null>> {
  const mark = `--rescue-${deps.entropy.token(12)}--`;
  const argv = ['sh', '-c', CHECK_LOOP, 'sh', checkSql('quick_check'), mark, ...paths.map(immutableUri)];
  const result = await io.perform(execIn(place.ref, argv, { where: place.where }));
  // No sh: one exec a backup.
  if (isMissingBinary(result))
    return runLimited(paths, 1, (path) => runCheckInContainer(io, place.ref, path, 'quick_check', { immutable: true, where: place.where }));
  return splitLoopAnswers(result, mark, paths, place.where);
}

// A few groups side by side (each check is one core on the server), each one exec: a docker exec costs about as much
// as checking a torn backup.
async function quickCheckInContainer(io: StepIO, deps: Deps, place: ExecPlace, paths: string[]): Promise<Array<CheckVerdict | null>> {
  const groups = Array.from({ length: Math.min(BACKUP_CHECKS_AT_ONCE, paths.length) }, (_, group) =>
    paths.filter((_, index) => index % BACKUP_CHECKS_AT_ONCE === group),
  );
  const answers = await Promise.all(groups.map((group) => quickCheckGroup(io, deps, place, group)));
  return paths.map((_, index) => answers[index % BACKUP_CHECKS_AT_ONCE][Math.floor(index / BACKUP_CHECKS_AT_ONCE)]);
}

async function checkCopy(io: StepIO, deps: Deps, ref: ContainerRef, path: string): Promise<Pick<BackupReport, 'verdict' | 'tables'>> {
  const folder = await deps.incidentFiles.makeScratchDir('backup-copy-');
  const local = await io.perform(copyOut(ref, path, folder));
  const verdict = (await triage(async (check: CheckPragma) =>
    fromInspector(await io.perform(checkLocal(local, check === 'quick_check' ? 'quick' : 'full')), true),
  )) as CheckVerdict;
  const tables = isHealthy(verdict) ? (await io.perform(countRowsLocal(local))).tables : undefined;
  return { verdict, tables };
}

async function checkAll(io: StepIO, deps: Deps, target: Target, paths: string[]): Promise<BackupReport[]> {
  const ref = targetRef(target);
  const [stats, running] = await Promise.all([
    Promise.all(paths.map((path) => io.perform(statInContainer(ref, path)))),
    canExec(io, deps, target),
  ]);
  if (!hasTool(deps, 'sqlite3')) return checkEach(io, deps, ref, undefined, paths, stats);
  if (running) return checkEach(io, deps, ref, { ref, where: 'container' }, paths, stats);
  // Copying every backup out through the archive API would move gigabytes (over SSH, through the server's link): the
  // image's own sqlite3 reads them in place, from a helper that mounts the volumes read-only.
  io.output(`${target.containerName} does not run steadily: its backups are checked by sqlite3 in a read-only helper from its image`);
  const inHelper = await withReadHelper(io, deps, target, (helper) =>
    checkEach(io, deps, ref, { ref: helper, where: 'helper' }, paths, stats),
  );
  return inHelper ?? checkEach(io, deps, ref, undefined, paths, stats);
}

/** Each backup checked by sqlite3 at `place`, or, without one (or where it could not run), on a copy here. */
async function checkEach(
  io: StepIO,
  deps: Deps,
  ref: ContainerRef,
  place: ExecPlace | undefined,
  paths: string[],
  stats: Array<{ size: number; mtime: string } | null>,
): Promise<BackupReport[]> {
  let done = 0;
  io.progress({ done, total: paths.length, unit: 'files' });
  const inside = place ? await quickCheckInContainer(io, deps, place, paths) : paths.map(() => null);
  const opts = { immutable: true, where: place?.where };
  return runLimited(paths, BACKUP_CHECKS_AT_ONCE, async (path, index) => {
    // Passing quick_check is not enough: a copy taken while the -wal was live often has indexes that disagree with
    // their tables, which only integrity_check sees. For the backups that pass, it decides.
    const quick = inside[index];
    const full = place && quick && isHealthy(quick) ? await runCheckInContainer(io, place.ref, path, 'integrity_check', opts) : quick;
    const verdict =
      place && full
        ? {
            verdict: full,
            tables: isHealthy(full) ? ((await countRowsInContainer(io, place.ref, path, opts)) ?? undefined) : undefined,
          }
        : await checkCopy(io, deps, ref, path);
    const report: BackupReport = { path, size: stats[index]?.size ?? 0, mtime: stats[index]?.mtime ?? '', ...verdict };
    done += 1;
    io.progress({ done, total: paths.length, unit: 'files' });
    io.output(
      `${isHealthy(report.verdict) ? 'ok     ' : 'CORRUPT'} ${path}  ${report.size} bytes  ${report.mtime}${isHealthy(report.verdict) ? '' : `  ${report.verdict.errors[0]}`}`,
    );
    return report;
  });
}

export const testBackups: StepKind = {
  kind: 'test-backups',
  mutates: false,
  declare(known) {
    const ref = knownRef(known);
    const glob = backupsGlob(known);
    // Without --backups the mounts are walked for SQLite headers by one script (src/discovery/walk-script.ts).
    const list = glob
      ? ['find', dirname(glob), '-maxdepth', '1', '-type', 'f', '-print0']
      : ['sh', '-c', "<walk the mounts, read each file's first bytes>"];
    return [
      execIn(ref, list).decl,
      checkInContainer(ref, '<backup>', 'quick_check', { immutable: true, when: 'for every backup' }).decl,
      checkInContainer(ref, '<backup>', 'integrity_check', { immutable: true, when: 'for every backup that passes quick_check' }).decl,
    ];
  },
  async run(io, deps) {
    const target = requireFact(deps.facts.target, 'the target', 'find-container');
    const glob = backupsGlob(deps);
    if (glob && !(await canExec(io, deps, target))) {
      throw new RescueError(
        `${target.containerName} is not running steadily (stopped, restarting or crash-looping), so the backups matching ${glob} cannot be listed in it`,
        {
          kind: 'operator',
          hint: 'skip this step (s) to go on without them, or leave out --backups: every SQLite file on the volumes is found without running anything in the app',
        },
      );
    }
    const paths = glob ? await listMatches(io, targetRef(target), glob) : await discoveredBackups(io, deps, target);
    const where = glob ? `matches ${glob}` : `is on the volumes of ${target.containerName} besides ${target.dbPath}`;
    if (paths.length === 0) {
      deps.facts.backups = [];
      io.finding(`no backup ${where}`);
      return { summary: `no backup ${where}`, verdict: { tone: 'warn', label: 'no backups' }, data: [] };
    }
    const reports = await checkAll(io, deps, target, paths);
    deps.facts.backups = reports;
    const healthy = reports.filter((report) => isHealthy(report.verdict)).length;
    const failedQuick = reports.filter((report) => report.verdict.check === 'quick_check' && !isHealthy(report.verdict)).length;
    io.finding(
      `${healthy} of ${reports.length} backups pass integrity_check (${failedQuick} failed quick_check already)`,
      reports.map(({ path, size, mtime, verdict }) => ({ path, ok: isHealthy(verdict), size, mtime, errorCount: verdict.errorCount })),
    );
    const tone = healthy === reports.length ? 'good' : healthy === 0 ? 'bad' : 'warn';
    return {
      summary: `${healthy} of ${reports.length} backups healthy`,
      verdict: { tone, label: `${healthy} of ${reports.length} healthy` },
      data: reports,
    };
  },
  // The verdicts stand while every backup checked is still there, the same size and modification time: the files
  // were not touched since. Anything else and the step runs again.
  async reverify(io, deps, past) {
    const target = requireFact(deps.facts.target, 'the target', 'find-container');
    const reports = past.data as BackupReport[] | undefined;
    if (!Array.isArray(reports)) return undefined;
    const now = await Promise.all(reports.map((report) => io.perform(statInContainer(targetRef(target), report.path))));
    if (!reports.every((report, index) => now[index]?.size === report.size && now[index]?.mtime === report.mtime)) return undefined;
    deps.facts.backups = reports;
    return { summary: past.summary, data: reports };
  },
};
