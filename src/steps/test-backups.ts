// Step test-backups: every backup opened and checked by SQLite, never judged by its size. quick_check triages them
// (every page and b-tree, without cross-checking indexes against tables, several times faster): damage it finds is
// the verdict. A backup that passes gets the full integrity_check, which is then what decides.
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { join as localJoin } from 'node:path';
import type { StepImpl, StepIO } from '../runbook/engine.js';
import { RescueError, UsageError } from '../runbook/errors.js';
import type { Deps } from './deps.js';
import type { BackupReport } from './facts.js';
import { basename, dirname, globToRegExp, join } from './container-paths.js';
import { checkInContainer, checkSql, countRowsInContainer, execRecorded, immutableUri, isMissingBinary, parseCheckAnswer, type CheckOutput } from './in-container.js';
import { requireFact } from './require-fact.js';
import { runLimited } from './run-limited.js';

/** Backups are checked this many at a time: each check is one core on the server. */
export const BACKUP_CHECKS_AT_ONCE = 4;

export function backupsGlob(deps: Deps): string {
  return deps.options.backups ?? join(dirname(deps.options.db as string), 'backups', '*.db');
}

async function listMatches(io: StepIO, deps: Deps, containerId: string, glob: string): Promise<string[]> {
  const folder = dirname(glob);
  if (/[*?[]/.test(folder)) throw new UsageError(`--backups "${glob}": only the last part of the path may hold wildcards`, 'e.g. --backups "/data/backups/*.db"');
  const pattern = globToRegExp(basename(glob));
  if (!(await deps.runtime.statPath(containerId, folder))) return [];
  // NUL-separated: a file name may hold a newline. A find without -print0 falls back to lines.
  let separator = '\0';
  let result = await execRecorded(io, deps, containerId, ['find', folder, '-maxdepth', '1', '-type', 'f', '-print0']);
  if (!isMissingBinary(result) && result.exitCode !== 0) {
    separator = '\n';
    result = await execRecorded(io, deps, containerId, ['find', folder, '-maxdepth', '1', '-type', 'f']);
  }
  let names: string[];
  if (isMissingBinary(result)) {
    result = await execRecorded(io, deps, containerId, ['ls', '-1Ap', folder]);
    if (isMissingBinary(result)) throw new RescueError(`cannot list ${folder} in the container: it has neither find nor ls`, { hint: 'pass the backups one by one with --backups PATH' });
    names = result.stdout.split('\n').filter((name) => name !== '' && !name.endsWith('/'));
  } else {
    names = result.stdout.split(separator).filter((line) => line !== '').map((line) => basename(line));
  }
  if (result.exitCode !== 0) throw new RescueError(`cannot list ${folder} in the container: ${result.stderr.trim()}`);
  return names.filter((name) => pattern.test(name)).sort().map((name) => join(folder, name));
}

// Every backup of a group quick-checked by one docker exec: a fixed shell loop over positional arguments (no shell
// string is built from a path), each answer followed by a line "<mark> <exit code>". The mark is random per run,
// so no file name or error text can forge the end of an answer.
export const CHECK_LOOP = 'sql=$1; mark=$2; shift 2; for u do sqlite3 -readonly "$u" "$sql" 2>&1; printf \'%s %s\\n\' "$mark" "$?"; done';

async function quickCheckGroup(io: StepIO, deps: Deps, containerId: string, paths: string[]): Promise<Array<CheckOutput | null> | null> {
  const mark = `--rescue-${randomBytes(12).toString('hex')}--`;
  const result = await execRecorded(io, deps, containerId, ['sh', '-c', CHECK_LOOP, 'sh', checkSql('quick_check'), mark, ...paths.map(immutableUri)]);
  if (isMissingBinary(result)) return null;
  const answers: Array<CheckOutput | null> = [];
  let lines: string[] = [];
  for (const line of result.stdout.split('\n')) {
    const end = line.startsWith(`${mark} `) ? Number(line.slice(mark.length + 1)) : NaN;
    if (Number.isNaN(end)) {
      lines.push(line);
      continue;
    }
    const answer = { argv: result.argv, exitCode: end, stdout: `${lines.join('\n')}\n`, stderr: '', durationMs: result.durationMs };
    // 126/127 from the shell: no sqlite3 in the image (sqlite3's own exit codes are SQLite result codes, all lower).
    answers.push(isMissingBinary(answer) ? null : parseCheckAnswer(answer, 'quick_check', paths[answers.length]));
    lines = [];
  }
  if (answers.length !== paths.length) {
    throw new RescueError(`checking ${paths.length} backups in one shell loop gave ${answers.length} answers (exit ${result.exitCode}): ${(result.stderr || result.stdout).trim().slice(0, 200)}`, { hint: 'retry this step; check a backup by hand with sqlite3 -readonly FILE "PRAGMA quick_check;"' });
  }
  return answers;
}

async function quickCheckInContainer(io: StepIO, deps: Deps, containerId: string, paths: string[]): Promise<Array<CheckOutput | null>> {
  // A few groups side by side (each check is one core on the server), each one exec: a docker exec costs about as
  // much as checking a torn backup.
  const groups = Array.from({ length: Math.min(BACKUP_CHECKS_AT_ONCE, paths.length) }, (_, group) => paths.filter((_, index) => index % BACKUP_CHECKS_AT_ONCE === group));
  const answers = await Promise.all(groups.map(async (group) => (await quickCheckGroup(io, deps, containerId, group)) ?? runLimited(group, 1, (path) => checkInContainer(io, deps, containerId, path, { immutable: true, check: 'quick_check' }))));
  return paths.map((_, index) => answers[index % BACKUP_CHECKS_AT_ONCE][Math.floor(index / BACKUP_CHECKS_AT_ONCE)]);
}

async function checkCopy(deps: Deps, containerId: string, path: string): Promise<Pick<BackupReport, 'ok' | 'check' | 'errors' | 'errorCount' | 'via' | 'tables'>> {
  const folder = await mkdtemp(localJoin(deps.incident.dir, 'backup-copy-'));
  const local = await deps.runtime.copyOut(containerId, path, folder);
  let result = await deps.sqlite.check(local, 'quick');
  if (result.ok) result = await deps.sqlite.check(local, 'full');
  const tables = result.ok ? (await deps.sqlite.stats(local)).tables : undefined;
  return { ok: result.ok, check: result.check, errors: result.errors, errorCount: result.errorCount, via: 'a copy checked locally', tables };
}

async function checkAll(io: StepIO, deps: Deps, containerId: string, paths: string[]): Promise<BackupReport[]> {
  let done = 0;
  io.progress({ done, total: paths.length, unit: 'files' });
  const stats = await Promise.all(paths.map((path) => deps.runtime.statPath(containerId, path)));
  const inside = deps.facts.hasSqlite3 === false ? paths.map(() => null) : await quickCheckInContainer(io, deps, containerId, paths);
  if (inside.some((answer) => answer === null)) deps.facts.hasSqlite3 = false;
  return runLimited(paths, BACKUP_CHECKS_AT_ONCE, async (path, index) => {
    // Passing quick_check is not enough: a copy taken while the -wal was live often has indexes that disagree with
    // their tables, which only integrity_check sees. For the backups that pass, it decides.
    const quick = inside[index];
    const answer = quick?.ok ? await checkInContainer(io, deps, containerId, path, { immutable: true, check: 'integrity_check' }) : quick;
    const verdict = answer
      ? { ok: answer.ok, check: answer.check, errors: answer.errors, errorCount: answer.errorCount, via: 'sqlite3 in the container' as const, tables: answer.ok ? (await countRowsInContainer(io, deps, containerId, path, { immutable: true })) ?? undefined : undefined }
      : await checkCopy(deps, containerId, path);
    const report: BackupReport = { path, size: stats[index]?.size ?? 0, mtime: stats[index]?.mtime ?? '', ...verdict };
    done += 1;
    io.progress({ done, total: paths.length, unit: 'files' });
    io.output(`${report.ok ? 'ok     ' : 'CORRUPT'} ${path}  ${report.size} bytes  ${report.mtime}${report.ok ? '' : `  ${report.errors[0]}`}`);
    return report;
  });
}

export const testBackups: StepImpl<Deps> = {
  kind: 'test-backups',
  async run(io, deps) {
    const container = requireFact(deps.facts.container, 'the container', 'find-container');
    const glob = backupsGlob(deps);
    const paths = await listMatches(io, deps, container.id, glob);
    if (paths.length === 0) {
      deps.facts.backups = [];
      io.finding(`no backup matches ${glob}`);
      return { summary: `no backup matches ${glob}`, data: [] };
    }
    const reports = await checkAll(io, deps, container.id, paths);
    deps.facts.backups = reports;
    const healthy = reports.filter((report) => report.ok).length;
    io.finding(`${healthy} of ${reports.length} backups pass integrity_check (${reports.filter((report) => report.check === 'quick_check').length} failed quick_check already)`, reports.map(({ path, ok, size, mtime, errorCount }) => ({ path, ok, size, mtime, errorCount })));
    return { summary: `${healthy} of ${reports.length} backups healthy`, data: reports };
  },
  async reverify(io, deps, past) {
    deps.facts.backups = (past.data as BackupReport[] | undefined) ?? [];
    return { summary: past.summary, data: past.data };
  },
};
