// The operator's healthy copy, looked for where people keep one: the working directory and its data/ folders
// (./data, ./*/data), a few levels deep. A file counts when its header says SQLite and its tables are production's;
// the schema is read from the bytes (sqlite-schema.ts), so looking changes nothing, not even a -wal beside it.
import { join } from 'node:path';
import type { LocalFiles } from '../ports/local-files.js';
import { parseSqliteHeader, SQLITE_HEADER_BYTES, type JournalMode } from './sqlite-header.js';
import { readSchema } from './sqlite-schema.js';
import type { EarlyStop } from './types.js';

export interface LocalSearchLimits {
  /** Levels entered below each data/ folder. */
  maxDepth: number;
  /** Files looked at, over every folder. */
  maxFiles: number;
  timeMs: number;
}

export const DEFAULT_LOCAL_LIMITS: LocalSearchLimits = { maxDepth: 3, maxFiles: 5000, timeMs: 10_000 };

/** Folders never worth entering: they hold no operator's copy, and they are big. */
const SKIPPED_FOLDERS = new Set(['node_modules', '.git', 'incidents', 'rescue-quarantine']);

export interface LocalCopy {
  path: string;
  size: number;
  mtime: string;
  /** The later of the file's and its -wal's mtime: when the copy last changed. */
  lastWrite: string;
  journalMode: JournalMode;
  wal: { size: number; mtime: string } | null;
  /** null when the schema could not be read (the copy is damaged); schemaError says why. */
  tables: string[] | null;
  schemaError?: string;
}

export interface LocalCopySearch {
  /** Same tables as production (all SQLite files when production's tables are unknown), newest first. */
  matches: LocalCopy[];
  /** SQLite files whose tables differ from production's, or whose schema could not be read. */
  others: LocalCopy[];
  /** Folders searched. */
  searched: string[];
  stoppedEarly: EarlyStop[];
}

export function sameTables(a: string[], b: string[]): boolean {
  const left = [...new Set(a.map((name) => name.toLowerCase()))].sort();
  const right = [...new Set(b.map((name) => name.toLowerCase()))].sort();
  return left.length === right.length && left.every((name, index) => name === right[index]);
}

interface Budget {
  maxFiles: number;
  files: number;
  deadline: number;
  /** Set once a bound ends the whole search. */
  exhausted: EarlyStop | null;
  /** Folders at the depth limit, not entered. */
  deep: string[];
  truncated: string[];
}

async function describeCopy(files: LocalFiles, path: string, size: number, mtime: string): Promise<LocalCopy | null> {
  const head = await files.readBytes(path, 0, SQLITE_HEADER_BYTES).catch(() => null);
  const header = head ? parseSqliteHeader(head) : null;
  if (!header) return null;
  const walStat = await files.stat(`${path}-wal`).catch(() => null);
  const wal = walStat?.isFile ? { size: walStat.size, mtime: walStat.mtime } : null;
  const lastWrite = wal && Date.parse(wal.mtime) > Date.parse(mtime) ? wal.mtime : mtime;
  const base: LocalCopy = { path, size, mtime, lastWrite, journalMode: header.journalMode, wal, tables: null };
  try {
    const schema = await readSchema({
      readMain: (offset, length) => files.readBytes(path, offset, length),
      mainSize: size,
      ...(wal ? { readWal: (offset: number, length: number) => files.readBytes(`${path}-wal`, offset, length), walSize: wal.size } : {}),
    });
    return { ...base, tables: schema.tables };
  } catch (error) {
    return { ...base, schemaError: error instanceof Error ? error.message : String(error) };
  }
}

// `depthLeft` levels of folders below `dir` are entered; -1 enters none (the working directory itself).
async function scanFolder(
  files: LocalFiles,
  dir: string,
  depthLeft: number,
  budget: Budget,
  found: LocalCopy[],
  searched: string[],
): Promise<void> {
  const listing = await files.list(dir).catch(() => null);
  if (!listing) return;
  searched.push(dir);
  if (listing.truncated) budget.truncated.push(dir);
  for (const entry of listing.entries) {
    if (budget.exhausted) return;
    if (Date.now() > budget.deadline) {
      budget.exhausted = { reason: 'time', detail: `stopped at the time limit in ${dir}` };
      return;
    }
    const path = join(dir, entry.name);
    if (entry.kind === 'directory') {
      if (depthLeft < 0 || entry.isSymlink || SKIPPED_FOLDERS.has(entry.name)) continue;
      if (depthLeft > 0) await scanFolder(files, path, depthLeft - 1, budget, found, searched);
      else budget.deep.push(path);
      continue;
    }
    if (entry.kind !== 'file' || entry.size < SQLITE_HEADER_BYTES || /-(wal|shm|journal)$/.test(entry.name)) continue;
    if (budget.files <= 0) {
      budget.exhausted = { reason: 'files', detail: `looked at ${budget.maxFiles} files, the limit; the rest were not looked at` };
      return;
    }
    budget.files -= 1;
    const copy = await describeCopy(files, path, entry.size, entry.mtime);
    if (copy) found.push(copy);
  }
}

async function dataFoldersOf(files: LocalFiles, cwd: string): Promise<string[]> {
  const top = (await files.list(cwd).catch(() => null))?.entries ?? [];
  const folders: string[] = [];
  for (const entry of top) {
    if (entry.kind !== 'directory' || SKIPPED_FOLDERS.has(entry.name)) continue;
    if (entry.name === 'data') {
      folders.push(join(cwd, 'data'));
      continue;
    }
    if (entry.isSymlink) continue;
    const below = await files.list(join(cwd, entry.name)).catch(() => null);
    if (below?.entries.some((child) => child.kind === 'directory' && child.name === 'data')) folders.push(join(cwd, entry.name, 'data'));
  }
  return folders;
}

function stopsOf(budget: Budget, limits: LocalSearchLimits): EarlyStop[] {
  const stops: EarlyStop[] = [];
  if (budget.exhausted) stops.push(budget.exhausted);
  const { deep, truncated } = budget;
  if (deep.length > 0) {
    const shown = deep.slice(0, 3).join(', ');
    stops.push({ reason: 'depth', detail: `${deep.length} folder(s) ${limits.maxDepth} levels down were not entered: ${shown}` });
  }
  if (truncated.length > 0) stops.push({ reason: 'files', detail: `only the first entries of ${truncated.join(', ')} were listed` });
  return stops;
}

/**
 * SQLite files in `cwd` (not below it) and in its data/ folders (`cwd/data`, `cwd/<any>/data`, each searched
 * `maxDepth` levels down), newest first, split by whether their tables are production's. Read-only.
 */
export async function discoverLocalCopies(
  files: LocalFiles,
  cwd: string,
  productionTables: string[] | null,
  limits: Partial<LocalSearchLimits> = {},
): Promise<LocalCopySearch> {
  const bounds = { ...DEFAULT_LOCAL_LIMITS, ...limits };
  const deadline = Date.now() + bounds.timeMs;
  const budget: Budget = { maxFiles: bounds.maxFiles, files: bounds.maxFiles, deadline, exhausted: null, deep: [], truncated: [] };
  const found: LocalCopy[] = [];
  const searched: string[] = [];
  await scanFolder(files, cwd, -1, budget, found, searched);
  for (const folder of await dataFoldersOf(files, cwd)) await scanFolder(files, folder, bounds.maxDepth - 1, budget, found, searched);
  const unique = [...new Map(found.map((copy) => [copy.path, copy])).values()];
  unique.sort((a, b) => Date.parse(b.lastWrite) - Date.parse(a.lastWrite) || (a.path < b.path ? -1 : 1));
  const matches = unique.filter((copy) => copy.tables !== null && (productionTables === null || sameTables(copy.tables, productionTables)));
  return { matches, others: unique.filter((copy) => !matches.includes(copy)), searched, stoppedEarly: stopsOf(budget, bounds) };
}
