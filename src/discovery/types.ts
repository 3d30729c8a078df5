// What discovery finds and how it says so. Plain data: a result can be journaled, printed as JSON or shown in the TUI.
import type { ContainerStateName, Mount } from '../ports/container-runtime.js';
import type { ActionDecl } from '../runbook/actions.js';
import type { Planned } from '../runbook/engine.js';
import type { JournalMode, SqliteHeader } from './sqlite-header.js';

export interface SearchLimits {
  /** Folder levels entered below each mount point: a file directly on the mount is at depth 1. */
  maxDepth: number;
  /** Regular files looked at, over all mounts together. */
  maxFiles: number;
  /** Wall time for the whole search, helper start and archive reads included. */
  timeMs: number;
  /** Tar bytes the archive API may stream when a folder is walked through it (it sends whole files). */
  maxArchiveBytes: number;
}

export const DEFAULT_SEARCH_LIMITS: SearchLimits = {
  maxDepth: 8,
  maxFiles: 10_000,
  timeMs: 20_000,
  maxArchiveBytes: 128 * 1024 * 1024,
};

/** Performs one declared action and records it: a step passes its io.perform, so the run's record holds the call. */
export type Perform = <T>(planned: Planned<never, T>) => Promise<T>;

/**
 * One exec or engine API call discovery made: the declaration that was performed, what came of it, which container it
 * was about and what it was for. `cli` is what an operator could type to do the same.
 */
export interface DiscoveryCommand {
  action: ActionDecl;
  where: ActionDecl['where'];
  exitCode: number;
  durationMs: number;
  /** Id of the container the call ran in or was about (a helper's own id for an exec in it). */
  target: string;
  /** For humans: "walk the mounts", "read /data through the archive API". */
  purpose: string;
  /** Tar bytes streamed, for archive reads. */
  bytesRead?: number;
  /** The error text when the call failed before it could give an exit code. */
  error?: string;
  cli: string[];
}

/** `error`: the walk itself ended before its end (cut off, killed); the detail says how. */
export type StopReason = 'files' | 'time' | 'bytes' | 'depth' | 'error';

/** A bound that ended (part of) the search before everything was seen. */
export interface EarlyStop {
  reason: StopReason;
  /** "looked at 10000 files, the limit", "folders at depth 8 were not entered: /data/a/…" */
  detail: string;
}

/** How the mounts were read: exec in the running app, exec in a helper from its image, the archive API; none: no mount. */
export type SearchVia = 'exec' | 'helper' | 'archive' | 'none';

export interface SidecarFile {
  path: string;
  size: number | null;
  mtime: string | null;
}

export interface FoundDatabase {
  /** Absolute path inside the container. */
  path: string;
  size: number | null;
  /** ISO 8601; null when the image could not say (no stat) and the archive was not asked. */
  mtime: string | null;
  journalMode: JournalMode;
  header: SqliteHeader;
  wal: SidecarFile | null;
  shm: SidecarFile | null;
  /** The volume or bind mount it is on (the longest mount point that holds it). */
  mount: Mount;
  /** Whether one of the app's processes has it open right now; null when that could not be seen. */
  openByApp: boolean | null;
  /** The pids holding it open (empty when none or unknown). */
  openBy: number[];
  /** Why it ranks where it does, for the operator. */
  reasons: string[];
}

export type IgnoredWhy = 'quarantine folder' | 'staged copy';

/** Paths the search skipped on purpose: our own quarantine folders and staged copies. */
export interface IgnoredPath {
  path: string;
  why: IgnoredWhy;
}

export type OpenFilesInfo = { known: true; processes: number } | { known: false; reason: string };

export interface DatabaseDiscovery {
  container: { id: string; name: string; state: ContainerStateName };
  via: SearchVia;
  /** The volume and bind mounts searched. */
  mounts: Mount[];
  /** Every SQLite database found, ranked: the one the app has open first. */
  databases: FoundDatabase[];
  /** The one `--yes` may take: the only database the app has open. null when none or several are open. */
  unambiguous: FoundDatabase | null;
  ignored: IgnoredPath[];
  openFiles: OpenFilesInfo;
  /** Empty when the search saw everything within its bounds. */
  stoppedEarly: EarlyStop[];
  /** What the operator should know about how the search went (missing tools, unreadable folders, fallbacks). */
  notes: string[];
  /** Every exec and API call made, in order. */
  commands: DiscoveryCommand[];
  durationMs: number;
}

export interface DiscoverOptions {
  limits?: Partial<SearchLimits>;
  /** Start a short-lived helper from the app's image when the app is not running (default true). */
  allowHelper?: boolean;
  /** The helper's `sqlite-rescue.helper` label value (default `discovery-<random>`). */
  helperLabel?: string;
  /** Called as each command finishes, before the result is returned. */
  onCommand?: (command: DiscoveryCommand) => void;
  /** Performs each call as a declared action (a step passes io.perform, so the run's record holds it); default: run it. */
  perform?: Perform;
  /** Unpredictable tokens (the Entropy port); default: node's crypto. */
  token?: (bytes: number) => string;
  /** The time now in ms (the Clock port), to tell a steady container from a crash-looper between two crashes; default Date.now. */
  now?: () => number;
}
