// What `verify` concludes from the checks it ran: each backup healthy or not, restorable or not (schema equal to
// production's), how far behind production it is, the age of the newest healthy one against --max-age, and the seed
// incident's traps when seen. Exit 0 only when every backup checked is healthy and restorable and the newest is
// young enough; a corrupt backup beside good ones is still a finding (the next person to restore may pick it). Pure.
import type { JournalMode } from '../discovery/sqlite-header.js';
import { describeErrorCount } from '../ports/sqlite-inspector.js';
import type { CheckVerdict } from '../steps/checks.js';
import { formatAge, formatDuration } from './duration.js';
import type { BackupManifest } from './manifest.js';
import { isDayStamped } from './names.js';

const DAY_MS = 86_400_000;

export interface BackupCheck {
  path: string;
  size: number | null;
  /** When it was taken: the manifest's time, else the file's modification time. */
  takenAt: string | null;
  ageFrom: 'manifest' | 'mtime' | 'unknown';
  journalMode: JournalMode;
  hasWal: boolean;
  /** integrity_check of the file alone, opened immutable; null when it could not run (the reason is in `unchecked`). */
  verdict: CheckVerdict | null;
  unchecked?: string;
  /** integrity_check with its own -wal applied, when it has one. */
  withWal?: CheckVerdict;
  sha256?: string;
  /** Set when a manifest of ours describes it. */
  manifest?: BackupManifest;
  /** How its schema differs from production's: [] when equal, undefined when not compared. */
  schemaDiff?: string[];
  tables?: Record<string, number>;
}

export interface Production {
  path: string;
  /** Row count per table, when they could be read. */
  tables?: Record<string, number>;
}

export interface BackupJudgement {
  path: string;
  isHealthy: boolean;
  isRestorable: boolean;
  /** What is wrong with it: each one a reason for exit 1. */
  problems: string[];
  /** What an operator should know that is not wrong (rows only in its -wal, how far behind production it is). */
  notes: string[];
  ageMs?: number;
}

export interface VerifyJudgement {
  backups: BackupJudgement[];
  /** The seed incident's traps seen across the backups: each a reason for exit 1. */
  traps: string[];
  newest?: { path: string; ageMs: number };
  exitCode: 0 | 1;
  headline: string;
}

export interface JudgeOptions {
  nowMs: number;
  maxAgeMs: number;
  production: Production;
}

function firstError(verdict: CheckVerdict): string {
  return verdict.errors[0] ?? 'no error text';
}

function integrityProblems(check: BackupCheck): string[] {
  const { verdict } = check;
  if (!verdict) return [`not checked: ${check.unchecked ?? 'SQLite could not open it'}`];
  if (verdict.verdict === 'no-verdict') return [`no verdict: ${firstError(verdict)}`];
  const problems: string[] = [];
  if (verdict.verdict === 'corrupt') {
    problems.push(`corrupt: ${verdict.check} found ${describeErrorCount(verdict.errorCount)}; first: ${firstError(verdict)}`);
    if (check.journalMode === 'wal') {
      problems.push(
        'torn: a WAL-mode file that fails integrity_check is what a file copy of a live WAL database leaves (a live-copy tear)',
      );
    }
  }
  if (verdict.verdict === 'ok' && check.withWal && check.withWal.verdict !== 'ok') {
    problems.push(
      'torn: a -wal generation mismatch — the file is healthy alone, but the -wal beside it does not belong to it ' +
        `(with it: ${firstError(check.withWal)}); restore the file without that -wal`,
    );
  }
  return problems;
}

function behind(check: BackupCheck, production: Production): string | undefined {
  if (!check.tables || !production.tables) return undefined;
  const gaps = Object.entries(production.tables)
    .filter(([table, rows]) => (check.tables?.[table] ?? 0) < rows)
    .map(([table, rows]) => `${table} ${rows - (check.tables?.[table] ?? 0)}`);
  return gaps.length === 0 ? 'holds as many rows as production in every table' : `rows fewer than production: ${gaps.join(', ')}`;
}

function judgeOne(check: BackupCheck, options: JudgeOptions): BackupJudgement {
  const problems = integrityProblems(check);
  const notes: string[] = [];
  const isHealthy = problems.length === 0;
  if (check.hasWal && isHealthy) notes.push('has its own -wal (checked with it): rows may live only there, so keep the two together');
  if (check.manifest && check.sha256 && check.manifest.sha256 !== check.sha256) {
    problems.push(
      `changed since it was taken: sha256 ${check.sha256.slice(0, 12)}… ` +
        `is not the ${check.manifest.sha256.slice(0, 12)}… its manifest recorded`,
    );
  }
  if (isHealthy && check.schemaDiff && check.schemaDiff.length > 0) {
    problems.push(
      "not restorable as it is: its schema differs from production's " +
        `(${check.schemaDiff.slice(0, 3).join('; ')}${check.schemaDiff.length > 3 ? '; …' : ''})`,
    );
  }
  if (isHealthy && check.schemaDiff === undefined) notes.push("schema not compared with production's");
  const gap = isHealthy ? behind(check, options.production) : undefined;
  if (gap) notes.push(gap);
  const takenMs = check.takenAt ? Date.parse(check.takenAt) : Number.NaN;
  const ageMs = Number.isNaN(takenMs) ? undefined : options.nowMs - takenMs;
  if (ageMs !== undefined) notes.push(`${formatAge(ageMs)} old (${check.ageFrom === 'manifest' ? 'taken' : 'modified'} ${check.takenAt})`);
  const isRestorable = problems.length === 0;
  return { path: check.path, isHealthy, isRestorable, problems, notes, ...(ageMs === undefined ? {} : { ageMs }) };
}

function identicalGroups(checks: readonly BackupCheck[]): string[][] {
  const byHash = new Map<string, string[]>();
  for (const check of checks) {
    if (!check.sha256) continue;
    byHash.set(check.sha256, [...(byHash.get(check.sha256) ?? []), check.path]);
  }
  return [...byHash.values()].filter((paths) => paths.length > 1);
}

function trapsOf(checks: readonly BackupCheck[], options: JudgeOptions): string[] {
  const traps: string[] = [];
  for (const group of identicalGroups(checks)) {
    traps.push(
      `${group.length} backups have identical contents (${group.join(', ')}): they are not rotating — ` +
        'the same data saved again under new names, so none is newer than the others',
    );
  }
  const byDay = checks.filter((check) => isDayStamped(check.path)).map((check) => check.path);
  if (byDay.length > 0 && options.maxAgeMs < DAY_MS) {
    traps.push(
      `named by the day only (${byDay.join(', ')}): with --max-age ${formatDuration(options.maxAgeMs)} ` +
        'backups are taken more than once a day, ' +
        'and each one the same day overwrites the last — stamp the hour (sqlite-rescue backup does)',
    );
  }
  return traps;
}

export function judgeBackups(checks: readonly BackupCheck[], options: JudgeOptions): VerifyJudgement {
  const backups = checks.map((check) => judgeOne(check, options));
  const traps = trapsOf(checks, options);
  const healthy = backups
    .filter((backup) => backup.isHealthy && backup.ageMs !== undefined)
    .sort((a, b) => (a.ageMs as number) - (b.ageMs as number));
  const newest = healthy[0] ? { path: healthy[0].path, ageMs: healthy[0].ageMs as number } : undefined;
  const bad = backups.filter((backup) => backup.problems.length > 0);
  const reasons: string[] = [];
  if (checks.length === 0) reasons.push(`no backup of ${options.production.path} was found`);
  else if (!newest) reasons.push(`none of the ${checks.length} backups is healthy`);
  else if (newest.ageMs > options.maxAgeMs)
    reasons.push(`the newest healthy backup is ${formatAge(newest.ageMs)} old, older than --max-age ${formatDuration(options.maxAgeMs)}`);
  if (bad.length > 0) reasons.push(`${bad.length} of ${checks.length} backups ${bad.length === 1 ? 'has' : 'have'} a problem`);
  if (traps.length > 0) reasons.push(`${traps.length} trap${traps.length === 1 ? '' : 's'} of the seed incident seen`);
  if (reasons.length === 0) {
    return {
      backups,
      traps,
      newest,
      exitCode: 0,
      headline:
        `${checks.length} backup${checks.length === 1 ? '' : 's'} healthy and restorable; ` +
        `the newest is ${formatAge((newest as { ageMs: number }).ageMs)} old`,
    };
  }
  return { backups, traps, newest, exitCode: 1, headline: reasons.join('; ') };
}
