// Orders the databases found so the live one comes first: open by the app, then one SQLite is (or was) writing
// through a -wal, then one that does not look like a copy, shallower, newer. Names only ever rank; they never decide
// what is a database. Pure: table-driven tests pin every rule.
import { posix } from 'node:path';
import type { UnrankedDatabase } from './classify-files.js';
import type { FoundDatabase } from './types.js';

const COPY_WORD = /(^|[^a-z])(backups?|bak|snapshots?|archives?|old|copy|dump|previous|prev)([^a-z]|$)/i;
const DATE_STAMP = /(19|20)\d\d-?[01]\d-?[0-3]\d/;

/** Why the path looks like a copy of a database rather than the one an app writes, or null. */
export function copyLook(path: string, mountPoint: string): string | null {
  const below = path.slice(mountPoint.replace(/\/$/, '').length).split('/').filter(Boolean);
  const folder = below.slice(0, -1).find((part) => COPY_WORD.test(part));
  if (folder) return `its folder "${folder}" looks like backups`;
  const name = posix.basename(path);
  if (COPY_WORD.test(name)) return `its name "${name}" looks like a backup`;
  if (DATE_STAMP.test(name)) return `its name "${name}" carries a date`;
  return null;
}

function depthBelow(path: string, mountPoint: string): number {
  return path.slice(mountPoint.replace(/\/$/, '').length).split('/').filter(Boolean).length;
}

function lastWrite(entry: UnrankedDatabase): number {
  return Math.max(Date.parse(entry.mtime ?? '') || 0, Date.parse(entry.wal?.mtime ?? '') || 0);
}

function reasonsFor(entry: UnrankedDatabase, copy: string | null): string[] {
  const reasons: string[] = [];
  if (entry.openByApp === true) reasons.push(`the app has it open (pid ${entry.openBy.join(', ')})`);
  else if (entry.openByApp === false) reasons.push('the app does not have it open');
  else reasons.push("the app's open files could not be seen");
  if (entry.wal || entry.shm) reasons.push(`${[entry.wal && '-wal', entry.shm && '-shm'].filter(Boolean).join(' and ')} beside it`);
  const mode = { wal: 'WAL mode', rollback: 'rollback-journal mode', unknown: 'unknown journal mode' }[entry.journalMode];
  reasons.push(mode);
  if (copy) reasons.push(copy);
  return reasons;
}

export function rankDatabases(entries: UnrankedDatabase[]): FoundDatabase[] {
  const keyed = entries.map((entry) => {
    const copy = copyLook(entry.path, entry.mount.destination);
    return { entry, copy, reasons: reasonsFor(entry, copy) };
  });
  keyed.sort((a, b) => {
    const open = Number(b.entry.openByApp === true) - Number(a.entry.openByApp === true);
    if (open !== 0) return open;
    const live = Number(Boolean(b.entry.wal || b.entry.shm)) - Number(Boolean(a.entry.wal || a.entry.shm));
    if (live !== 0) return live;
    const copy = Number(a.copy !== null) - Number(b.copy !== null);
    if (copy !== 0) return copy;
    const depth = depthBelow(a.entry.path, a.entry.mount.destination) - depthBelow(b.entry.path, b.entry.mount.destination);
    if (depth !== 0) return depth;
    const time = lastWrite(b.entry) - lastWrite(a.entry);
    if (time !== 0) return time;
    return a.entry.path < b.entry.path ? -1 : a.entry.path > b.entry.path ? 1 : 0;
  });
  return keyed.map(({ entry, reasons }) => ({ ...entry, reasons }));
}

/** The database `--yes` may take: exactly one open by the app. */
export function unambiguousChoice(ranked: FoundDatabase[]): FoundDatabase | null {
  const open = ranked.filter((entry) => entry.openByApp === true);
  return open.length === 1 ? open[0] : null;
}
