// What `sqlite-rescue backup` calls its files: `<stem>-YYYY-MM-DD-HHMM.db` in UTC, a second one in the same minute
// `<stem>-YYYY-MM-DD-HHMM-2.db`, and so on; beside each its `.sha256` and `.json` manifest; `.partial` while it is
// being written. A name is taken when any of those exists, so a new backup never lands on anything already there.
// Pure: table-tested.
import { posix } from 'node:path';

/** The suffixes of the files that belong to one backup, the backup itself first. */
export const BACKUP_SIDECARS = ['', '.sha256', '.json'] as const;
/**
 * The temporary names while a backup is made: the database (and the rollback journal SQLite keeps beside it while
 * VACUUM INTO writes), and its two sidecars, each renamed to its final name only when complete.
 */
export const PARTIAL_SUFFIXES = ['.partial', '.partial-journal', '.sha256.partial', '.json.partial'] as const;

/** `app.db` → `app`, `site.sqlite3` → `site`, `data` → `data`, `.hidden.db` → `.hidden`. */
export function stemOf(dbPath: string): string {
  const name = posix.basename(dbPath);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** `YYYY-MM-DD-HHMM` of an instant, in UTC. */
export function minuteStamp(epochMs: number): string {
  const at = new Date(epochMs);
  return `${at.getUTCFullYear()}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())}-${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}`;
}

/** The n-th name for a minute: n = 1 has no suffix. */
export function backupName(stem: string, epochMs: number, n = 1): string {
  return `${stem}-${minuteStamp(epochMs)}${n > 1 ? `-${n}` : ''}.db`;
}

/** Every name a backup called `name` uses or may leave behind. */
export function namesOf(name: string): string[] {
  return [...BACKUP_SIDECARS.map((suffix) => `${name}${suffix}`), ...PARTIAL_SUFFIXES.map((suffix) => `${name}${suffix}`)];
}

/** The first name for this minute none of whose files exists among `taken` (names in the backups folder). */
export function chooseFreeName(stem: string, epochMs: number, taken: ReadonlySet<string>): string {
  for (let n = 1; ; n += 1) {
    const name = backupName(stem, epochMs, n);
    if (!namesOf(name).some((candidate) => taken.has(candidate))) return name;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface ParsedBackupName {
  /** The minute in the name, epoch ms (UTC). */
  minuteMs: number;
  /** 1 for the first of its minute. */
  n: number;
}

/** The minute and rank a name of ours says, or null when `name` is not named as this command names backups of `stem`. */
export function parseBackupName(stem: string, name: string): ParsedBackupName | null {
  const match = new RegExp(`^${escapeRegExp(stem)}-(\\d{4})-(\\d{2})-(\\d{2})-(\\d{2})(\\d{2})(?:-(\\d+))?\\.db$`).exec(name);
  if (!match) return null;
  const [year, month, day, hour, minute] = match.slice(1, 6).map(Number);
  const minuteMs = Date.UTC(year, month - 1, day, hour, minute);
  if (Number.isNaN(minuteMs) || new Date(minuteMs).getUTCDate() !== day || hour > 23 || minute > 59) return null;
  return { minuteMs, n: match[6] ? Number(match[6]) : 1 };
}

const DATE_ONLY = /(?:19|20)\d\d-?[01]\d-?[0-3]\d(?![-_T]?[0-2]\d[0-5]\d)/;

/**
 * A name stamped with the day but not the time (`app-2026-11-25.db`, `backup_20261125.sqlite`): a second backup the
 * same day takes the same name, so with more than one a day they overwrite each other (the seed incident lost four a
 * day that way).
 */
export function isDayStamped(name: string): boolean {
  return DATE_ONLY.test(posix.basename(name));
}
