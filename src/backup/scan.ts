// What `scan` makes of the databases discovery finds in one container: which are live and which are backups, which
// backups belong to which live database, and what is wrong. A database is a backup when the app does not have it
// open and its name or folder looks like a copy (discovery's copyLook); everything else is live. A backup belongs to
// the live database whose name it starts with (app.db → app-2026-11-25-0600.db, app.db.bak), or to the only live
// database of its container. A PR preview's database needs no backup. Pure: table-tested.
import { posix } from 'node:path';
import { copyLook } from '../discovery/rank-databases.js';
import type { FoundDatabase } from '../discovery/types.js';
import type { CheckVerdict } from '../steps/checks.js';
import { formatAge, formatDuration } from './duration.js';
import { stemOf } from './names.js';

export function isLeftoverPartial(path: string): boolean {
  return path.endsWith('.partial');
}

export function splitLiveAndBackups(databases: readonly FoundDatabase[]): { live: FoundDatabase[]; backups: FoundDatabase[] } {
  const kept = databases.filter((db) => !isLeftoverPartial(db.path));
  const isBackup = (db: FoundDatabase) => db.openByApp !== true && copyLook(db.path, db.mount.destination) !== null;
  return { live: kept.filter((db) => !isBackup(db)), backups: kept.filter(isBackup) };
}

function lastWrite(db: Pick<FoundDatabase, 'mtime' | 'wal'>): number {
  return Math.max(Date.parse(db.mtime ?? '') || 0, Date.parse(db.wal?.mtime ?? '') || 0);
}

function startsWithStem(backup: string, stem: string): boolean {
  const name = posix.basename(backup);
  return name.startsWith(stem) && (name.length === stem.length || /[-_.]/.test(name[stem.length]));
}

/** The backups of each live database, newest first, and the backups that belong to none (reported on their own). */
export function backupsOf(
  live: readonly FoundDatabase[],
  backups: readonly FoundDatabase[],
): Map<string, FoundDatabase[]> & { orphans: FoundDatabase[] } {
  const byLive = Object.assign(new Map<string, FoundDatabase[]>(live.map((db) => [db.path, []])), { orphans: [] as FoundDatabase[] });
  for (const backup of backups) {
    // The longest stem that matches: tenant-1 and tenant-10 are different databases.
    const owners = live
      .filter((db) => startsWithStem(backup.path, stemOf(db.path)))
      .sort((a, b) => stemOf(b.path).length - stemOf(a.path).length);
    const owner = owners[0] ?? (live.length === 1 ? live[0] : undefined);
    if (owner) byLive.get(owner.path)?.push(backup);
    else byLive.orphans.push(backup);
  }
  for (const list of byLive.values()) list.sort((a, b) => lastWrite(b) - lastWrite(a) || (a.path < b.path ? -1 : 1));
  return byLive;
}

export type Health = 'ok' | 'corrupt' | 'no verdict' | 'not checked';

export function healthOf(verdict: CheckVerdict | null | undefined): Health {
  if (!verdict) return 'not checked';
  return verdict.verdict === 'ok' ? 'ok' : verdict.verdict === 'corrupt' ? 'corrupt' : 'no verdict';
}

export interface ScanRow {
  /** A backup whose database is not in this container: reported for its health only. */
  isOrphanBackup?: boolean;
  container: string;
  role: 'production' | 'preview';
  state: string;
  path: string;
  size: number | null;
  journalMode: string;
  /** quick_check of the live database. */
  health: Health;
  /** The first error, or why it was not checked. */
  detail?: string;
  /** True when it was checked on a copy taken out of the container while the app may write. */
  onCopy: boolean;
  newestBackup?: { path: string; ageMs: number | null; health: Health; detail?: string };
  backupCount: number;
  /** What makes scan exit 1 for this database. */
  problems: string[];
}

export function problemsOf(row: Omit<ScanRow, 'problems'>, maxAgeMs: number): string[] {
  const problems: string[] = [];
  if (row.health === 'corrupt')
    problems.push(
      `corrupt: ${row.detail ?? 'quick_check failed'}` +
        (row.onCopy ? ' (seen on a copy taken while the app writes: confirm with `sqlite-rescue restore --dry-run`)' : ''),
    );
  if (row.role === 'preview' || row.isOrphanBackup) return problems;
  const newest = row.newestBackup;
  if (!newest) problems.push('no backup found');
  else if (newest.health !== 'ok')
    problems.push(`its newest backup ${newest.path} is ${newest.health}${newest.detail ? `: ${newest.detail}` : ''}`);
  else if (newest.ageMs === null) problems.push(`the age of its newest backup ${newest.path} is unknown`);
  else if (newest.ageMs > maxAgeMs)
    problems.push(`its newest backup is ${formatAge(newest.ageMs)} old, older than --max-age ${formatDuration(maxAgeMs)}`);
  return problems;
}

function size(bytes: number | null): string {
  if (bytes === null) return '?';
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

/** The table for people: one line per live database, the problems under it. */
export function renderScanTable(rows: readonly ScanRow[]): string[] {
  const header = ['CONTAINER', 'ROLE', 'DATABASE', 'SIZE', 'MODE', 'CHECK', 'NEWEST BACKUP', 'AGE', 'ITS CHECK'];
  const cells = rows.map((row) => [
    row.container,
    row.role,
    row.path,
    size(row.size),
    row.journalMode,
    `${row.health}${row.onCopy ? ' (copy)' : ''}`,
    row.newestBackup ? row.newestBackup.path : row.isOrphanBackup ? '(a backup: its database is not here)' : '-',
    row.newestBackup?.ageMs != null ? formatAge(row.newestBackup.ageMs) : '-',
    row.newestBackup?.health ?? '-',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((line) => line[column].length)));
  const format = (line: string[]) =>
    line
      .map((cell, column) => cell.padEnd(widths[column]))
      .join('  ')
      .trimEnd();
  const lines = [format(header)];
  rows.forEach((row, index) => {
    lines.push(format(cells[index]));
    for (const problem of row.problems) lines.push(`    ✘ ${problem}`);
  });
  return lines;
}
