// From what a walk saw to the databases on the mounts: a file is a database when its first 16 bytes say so, whatever
// its name; -wal/-shm are matched to it by name (SQLite's own rule), and our own quarantine and staged copies are set
// aside. Pure.
import { posix } from 'node:path';
import type { Mount } from '../ports/container-runtime.js';
import type { WalkedFile } from './parse-walk-output.js';
import { parseSqliteHeader } from './sqlite-header.js';
import type { FoundDatabase, IgnoredPath, SidecarFile } from './types.js';

export interface ClassifyInput {
  mounts: Mount[];
  files: WalkedFile[];
  quarantine: string[];
  /**
   * The files the app's processes hold open; null when none could be seen. `complete` is false when some processes
   * could not be read: a file found open is open, one not found is unknown.
   */
  open: { byPath: Map<string, number[]>; complete: boolean } | null;
}

export type UnrankedDatabase = Omit<FoundDatabase, 'reasons'>;

/** The name stage-in-container gives a copy on its way in (container-paths.ts stagedPath). */
const STAGED_NAME = /^\..+\.rescue-[^/]+\.incoming$/;

/** The mount holding `path`: the longest mount point it is at or under. */
export function mountOf(mounts: Mount[], path: string): Mount | undefined {
  return mounts
    .filter((mount) => path === mount.destination || path.startsWith(`${mount.destination.replace(/\/$/, '')}/`))
    .sort((a, b) => b.destination.length - a.destination.length)[0];
}

function sidecar(byPath: Map<string, WalkedFile>, path: string): SidecarFile | null {
  const file = byPath.get(path);
  return file ? { path, size: file.size, mtime: file.mtime } : null;
}

export function classifyFiles(input: ClassifyInput): { databases: UnrankedDatabase[]; ignored: IgnoredPath[] } {
  const byPath = new Map(input.files.map((file) => [file.path, file]));
  const ignored: IgnoredPath[] = input.quarantine.map((path) => ({ path, why: 'quarantine folder' }));
  const databases: UnrankedDatabase[] = [];
  for (const file of byPath.values()) {
    if (STAGED_NAME.test(posix.basename(file.path))) {
      ignored.push({ path: file.path, why: 'staged copy' });
      continue;
    }
    const header = file.head ? parseSqliteHeader(file.head) : null;
    const mount = mountOf(input.mounts, file.path);
    if (!header || !mount) continue;
    const openBy = input.open?.byPath.get(file.path) ?? [];
    databases.push({
      path: file.path,
      size: file.size,
      mtime: file.mtime,
      journalMode: header.journalMode,
      header,
      wal: sidecar(byPath, `${file.path}-wal`),
      shm: sidecar(byPath, `${file.path}-shm`),
      mount,
      openByApp: openBy.length > 0 ? true : input.open?.complete ? false : null,
      openBy,
    });
  }
  return { databases, ignored: ignored.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)) };
}
