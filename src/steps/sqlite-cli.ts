// SQLite through the sqlite3 CLI inside a container (or a helper from its image): the checks and row counts as
// declared actions, and how their output is read. Only argv arrays: a path or glob never reaches a shell.
import type { ExecResult } from '../ports/container-runtime.js';
import type { StepIO } from '../runbook/engine.js';
import { RescueError } from '../runbook/errors.js';
import type { CheckPragma, CheckRunner, CheckVerdict } from './checks.js';
import { execIn, hashThroughArchive, type ContainerRef } from './port-actions.js';

// Docker reports a binary that is not in the image as exit 126/127 with the OCI message on stdout.
export function isMissingBinary(result: Pick<ExecResult, 'exitCode'>): boolean {
  return result.exitCode === 126 || result.exitCode === 127;
}

/**
 * Reads the database through a memory map rather than one read() per page: integrity_check of a 1 GB database with
 * six indexes took 15.9 s instead of 26.3 s (quick_check 1.3 s instead of 2.1 s). The pages mapped are the page cache
 * the reads would fill anyway. SQLite caps it at its compile-time maximum (2 GiB by default).
 */
export const CHECK_MMAP_BYTES = 2_147_418_112;

/** The SQL the container's sqlite3 runs for one check. The CLI prints the mmap size it set on a line of its own. */
export function checkSql(check: CheckPragma): string {
  return `PRAGMA mmap_size=${CHECK_MMAP_BYTES}; PRAGMA ${check};`;
}

// SQLite URI for a file opened without ever writing beside it: no -wal/-shm is created for a backup that has none.
export function immutableUri(path: string): string {
  const escaped = path.replaceAll('%', '%25').replaceAll('?', '%3f').replaceAll('#', '%23');
  return `file:${escaped}?immutable=1`;
}

interface CliOptions {
  immutable: boolean;
  where?: 'container' | 'helper';
  when?: string;
}

const runnerOf = (where: CliOptions['where']): CheckRunner =>
  where === 'helper' ? 'sqlite3 in a helper container' : 'sqlite3 in the container';

export function checkInContainer(ref: ContainerRef, path: string, check: CheckPragma, opts: CliOptions) {
  return execIn(ref, ['sqlite3', '-readonly', opts.immutable ? immutableUri(path) : path, checkSql(check)], {
    where: opts.where,
    when: opts.when,
  });
}

// The sqlite3 CLI exits 0 even when it prints error rows: only the exact output "ok" is healthy.
function parseIntegrityOutput(result: Pick<ExecResult, 'exitCode' | 'stdout' | 'stderr'>): {
  ok: boolean;
  errors: string[];
  errorCount: number;
} {
  const stdout = result.stdout.trim();
  if (stdout === 'ok' && result.exitCode === 0) return { ok: true, errors: [], errorCount: 0 };
  const lines = [...stdout.split('\n'), ...result.stderr.trim().split('\n')]
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && line !== '*** in database main ***');
  if (lines.length === 0) lines.push(`sqlite3 exited ${result.exitCode} without output`);
  return { ok: false, errors: lines.slice(0, 20), errorCount: lines.length };
}

// A check killed by a signal (the OOM killer: 137; a file truncated under its memory map: 135) found nothing.
function killedBySignal(result: Pick<ExecResult, 'exitCode'>): boolean {
  return result.exitCode > 128 && result.exitCode < 160;
}

/** The CLI's answer to checkSql as a verdict; null when the image has no sqlite3. */
export function readCheckAnswer(
  result: Pick<ExecResult, 'exitCode' | 'stdout' | 'stderr'>,
  check: CheckPragma,
  path: string,
  where?: 'container' | 'helper',
): CheckVerdict | null {
  if (isMissingBinary(result)) return null;
  const ranBy = runnerOf(where);
  if (killedBySignal(result)) {
    const error = `sqlite3 was killed (exit ${result.exitCode}) while running ${check} on ${path}: no verdict`;
    return { verdict: 'no-verdict', check, errors: [error], errorCount: 0, ranBy, onCopy: false };
  }
  // The first line is the mmap size SQLite settled on (0 where it has no mmap): not part of the check's answer.
  const parsed = parseIntegrityOutput({ ...result, stdout: result.stdout.replace(/^\d+\r?\n/, '') });
  return { verdict: parsed.ok ? 'ok' : 'corrupt', check, errors: parsed.errors, errorCount: parsed.errorCount, ranBy, onCopy: false };
}

/** One check through the container's sqlite3; null when the image has none. */
export async function runCheckInContainer(
  io: StepIO,
  ref: ContainerRef,
  path: string,
  check: CheckPragma,
  opts: CliOptions,
): Promise<CheckVerdict | null> {
  return readCheckAnswer(await io.perform(checkInContainer(ref, path, check, opts)), check, path, opts.where);
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

export const LIST_TABLES_SQL = "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name;";

/** The SQL that counts the rows of these tables in one statement. */
export function countSql(tables: string[]): string {
  return `${tables.map((name) => `SELECT ${quoteLiteral(name)} AS name, count(*) AS n FROM ${quoteIdentifier(name)}`).join(' UNION ALL ')};`;
}

/** Row count per table through the sqlite3 CLI; null when the image has no sqlite3. Throws on a database it cannot read. */
export async function countRowsInContainer(
  io: StepIO,
  ref: ContainerRef,
  path: string,
  opts: CliOptions,
): Promise<Record<string, number> | null> {
  const target = opts.immutable ? immutableUri(path) : path;
  const list = await io.perform(execIn(ref, ['sqlite3', '-readonly', '-json', target, LIST_TABLES_SQL], { where: opts.where }));
  if (isMissingBinary(list)) return null;
  if (list.exitCode !== 0) throw new RescueError(`cannot list the tables of ${path}: ${(list.stderr || list.stdout).trim()}`);
  const names = list.stdout.trim() === '' ? [] : (JSON.parse(list.stdout) as Array<{ name: string }>).map((row) => row.name);
  if (names.length === 0) return {};
  const counts = await io.perform(execIn(ref, ['sqlite3', '-readonly', '-json', target, countSql(names)], { where: opts.where }));
  if (counts.exitCode !== 0) throw new RescueError(`cannot count the rows of ${path}: ${(counts.stderr || counts.stdout).trim()}`);
  const rows = JSON.parse(counts.stdout) as Array<{ name: string; n: number }>;
  return Object.fromEntries(rows.map((row) => [row.name, row.n]));
}

/** The hash sha256sum printed, or undefined when it did not run or printed no hash. */
export function readSha256sum(result: Pick<ExecResult, 'exitCode' | 'stdout'>): string | undefined {
  const hash = result.exitCode === 0 ? result.stdout.trim().split(/\s+/)[0] : undefined;
  return hash && /^[0-9a-f]{64}$/.test(hash) ? hash : undefined;
}

/** sha256 of a file in the container: sha256sum when the image has it, else streamed out through the archive API. */
export async function sha256InContainer(
  io: StepIO,
  ref: ContainerRef,
  path: string,
  where: 'container' | 'helper' = 'container',
): Promise<string> {
  const hash = readSha256sum(await io.perform(execIn(ref, ['sha256sum', path], { where })));
  return hash ?? io.perform(hashThroughArchive(ref, path));
}
