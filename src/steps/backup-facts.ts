// The facts backup, verify and scan hand from step to step (plain data, journaled like every fact), and the options
// their flags give.
import type { BackupManifest } from '../backup/manifest.js';
import type { VerifyJudgement } from '../backup/verdict.js';

export interface BackupOptions {
  command: 'backup' | 'verify' | 'scan';
  /** backup --to: a folder on this machine (absolute) that gets a checked copy as well. */
  to?: string;
  /** backup --keep: how many of its own backups of this database to keep, the new one counted. */
  keep: number;
  /** verify and scan --max-age, ms. */
  maxAgeMs: number;
  /** Written into each manifest. */
  toolVersion: string;
}

/** In the app's container when its image has sqlite3 and a shell; otherwise in a helper from the sqlite3 tool image. */
export type BackupWay = 'container' | 'helper';

export interface OwnBackupRecord {
  name: string;
  manifest: BackupManifest;
}

export interface BackupsFolder {
  exists: boolean;
  /** Every name in the folder. */
  names: string[];
  /** This command's backups of this database: those with a manifest of ours saying so. */
  own: OwnBackupRecord[];
}

/** find-backup-target: where and how backups of the target are made. */
export interface BackupPlace {
  way: BackupWay;
  /** `<db dir>/backups` inside the container. */
  dir: string;
  /** The database's name without its extension: backups are `<stem>-YYYY-MM-DD-HHMM.db`. */
  stem: string;
  /** Tools found in the app's image (beyond find-container's), e.g. sh, ln, timeout, sync. */
  tools: string[];
  /** null when the image has no shell to list the folder with (names are then probed one by one, nothing is pruned). */
  folder: BackupsFolder | null;
  /** Bytes of the live database and its -wal: the most the backup can need. */
  liveBytes: number;
}

/** take-backup: the backup made, under its final name. */
export interface TakenBackup {
  name: string;
  /** Inside the container. */
  path: string;
  sha256: string;
  bytes: number;
  takenAt: string;
  tables: Record<string, number>;
  durationMs: number;
}

/** pull-backup: the copy on this machine. */
export interface PulledBackup {
  path: string;
  sha256: string;
}

export type { VerifyJudgement };
