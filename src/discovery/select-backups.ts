// Backups are every other SQLite file on the mounts: wherever they live and however they are named (backups/*.db,
// *.sqlite.bak, site-data-2026-11-25.db), found by header like the live one. What is not a backup: the live database
// (its -wal and -shm never carry the header), our quarantine folders and staged copies, and a database the app has
// open (another live database, e.g. a tenant's).
import { posix } from 'node:path';
import type { ContainerDetails, ContainerRuntime, Mount } from '../ports/container-runtime.js';
import { discoverDatabases } from './discover-databases.js';
import type { JournalMode } from './sqlite-header.js';
import type { DatabaseDiscovery, DiscoverOptions, DiscoveryCommand, EarlyStop } from './types.js';
import type { FoundDatabase, IgnoredPath, SearchVia, SidecarFile } from './types.js';

export interface BackupCandidate {
  path: string;
  size: number | null;
  mtime: string | null;
  journalMode: JournalMode;
  /** A backup with its own -wal: rows may live only there, so it is checked and copied together with it. */
  wal: SidecarFile | null;
  mount: Mount;
  /** The folder it was found in. */
  folder: string;
  /** On the same mount as the live database (a rename away), or elsewhere. */
  sameMountAsLive: boolean;
  foundVia: SearchVia;
}

export interface BackupDiscovery {
  live: string;
  /** Newest first (by the later of the file's and its -wal's mtime). */
  backups: BackupCandidate[];
  /** Databases the app has open besides the live one: live themselves, so not offered as backups. */
  otherLive: FoundDatabase[];
  ignored: IgnoredPath[];
  stoppedEarly: EarlyStop[];
  notes: string[];
  commands: DiscoveryCommand[];
}

function lastWrite(entry: FoundDatabase): number {
  return Math.max(Date.parse(entry.mtime ?? '') || 0, Date.parse(entry.wal?.mtime ?? '') || 0);
}

/** Pure: the backups among what discoverDatabases found, for the live database at `livePath`. */
export function selectBackups(discovery: DatabaseDiscovery, livePath: string): BackupDiscovery {
  const live = discovery.databases.find((entry) => entry.path === livePath);
  const notes = [...discovery.notes];
  if (!live) notes.push(`the live database ${livePath} was not among the databases found`);
  const others = discovery.databases.filter((entry) => entry.path !== livePath);
  const backups = others
    .filter((entry) => entry.openByApp !== true)
    .sort((a, b) => lastWrite(b) - lastWrite(a) || (a.path < b.path ? -1 : 1))
    .map((entry): BackupCandidate => ({
      path: entry.path,
      size: entry.size,
      mtime: entry.mtime,
      journalMode: entry.journalMode,
      wal: entry.wal,
      mount: entry.mount,
      folder: posix.dirname(entry.path),
      sameMountAsLive: live ? entry.mount.destination === live.mount.destination : false,
      foundVia: discovery.via,
    }));
  return {
    live: livePath,
    backups,
    otherLive: others.filter((entry) => entry.openByApp === true),
    ignored: discovery.ignored,
    stoppedEarly: discovery.stoppedEarly,
    notes,
    commands: discovery.commands,
  };
}

/** discoverDatabases, then selectBackups: one walk of the mounts. Same guarantees as discoverDatabases. */
export async function discoverBackups(
  runtime: ContainerRuntime,
  container: string | ContainerDetails,
  livePath: string,
  options: DiscoverOptions = {},
): Promise<BackupDiscovery> {
  return selectBackups(await discoverDatabases(runtime, container, options), livePath);
}
