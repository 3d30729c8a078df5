// What the steps learn and hand to each other during one run: plain, serialisable data only (the journal holds it and
// a resumed run reads it back). Each field is written by one step (named) and read by later ones; a later step that
// finds its input missing fails with a message naming the step to run first. Live things (a check running, a helper
// container) are services (services.ts), never facts.
import type { DatabaseDiscovery } from '../discovery/types.js';
import type { CheckVerdict } from './checks.js';
import type { BackupDiscovery } from '../discovery/select-backups.js';
import type { ScanRow } from '../backup/scan.js';
import type { BackupPlace, PulledBackup, TakenBackup, VerifyJudgement } from './backup-facts.js';
import type { DowntimeRecord } from './downtime-record.js';
import type { RankedContainer } from './rank-containers.js';
import type { WriterPlan } from './writers.js';

/** The volume or bind mount that holds the database's folder. */
export interface DataMount {
  type: string;
  /** Volume name, for named volumes. */
  name?: string;
  /** Host path of the volume or bind source. */
  source: string;
  /** Path inside the container. */
  destination: string;
}

/** What find-container settles: the one container and database this run restores. Every later step reads it. */
export interface Target {
  containerId: string;
  containerName: string;
  image: string;
  /** The name an operator knows the app by (from its labels, or what they typed): the word a confirmation asks for. */
  appName: string;
  dbPath: string;
  dataMount: DataMount;
}

export interface BackupReport {
  path: string;
  size: number;
  mtime: string;
  verdict: CheckVerdict;
  /** Row count per table, healthy backups only. */
  tables?: Record<string, number>;
}

/** How many rows the damaged database still holds that a candidate lacks (by key), counted against the best salvage. */
export interface CandidateLoss {
  totalMissing: number;
  /** Per table; null where the table has no stable key to compare by. */
  perTable: Record<string, number | null>;
  /** The file counted against (the repaired or salvaged candidate). */
  reference: string;
}

export interface SourceCandidate {
  /** 'local', 'backup:<path>', 'repaired', 'salvaged', 'merged' (what --source names). */
  id: string;
  kind: 'local' | 'backup' | 'repaired' | 'salvaged' | 'merged';
  /** Local path for the local copy and the rescue candidates, path inside the container for a backup. */
  path: string;
  /** A backup copied out to this machine (the rescue candidates and the local copy: their path). */
  localPath?: string;
  /** How a rescue candidate was made, in words. */
  origin?: string;
  /** repaired: the diagnosis found damage in indexes alone, every table intact (the repair is lossless by construction). */
  isIndexOnlyRepair?: boolean;
  loss?: CandidateLoss;
  /** merged: which healthy copy it started from, and rows per table from each. */
  mergedFrom?: { base: string; perTable: Record<string, { fromHealthy: number; fromSalvage: number }> };
  ok: boolean;
  mtime: string;
  size: number;
  tables: Record<string, number>;
  errors: string[];
}

export interface SnapshotInfo {
  path: string;
  sha256: string;
  bytes: number;
  tables: Record<string, number>;
}

export interface QuarantinedFile {
  /** Where it was. */
  from: string;
  /** Where it is now, inside the container's filesystem. */
  to: string;
  size: number;
  /** Empty until verify hashes it (hashing a gigabyte while the app is down would lengthen the downtime). */
  sha256: string;
}

export interface Facts {
  /** Dry-run: what would make the real restore fail (a read-only mount, not enough space), for the headline. */
  dryRunBlockers?: string[];
  /** find-container */
  candidates?: RankedContainer[];
  target?: Target;
  /** find-container, when it found the database itself (no --db): every SQLite database on the target's mounts. */
  discovery?: DatabaseDiscovery;
  /** find-container: who writes to the database and how they are stopped (writers.ts); stop-app checks it again. */
  writers?: WriterPlan;
  /** find-container: the app was not running steadily when the run began (a crash loop, or exited). */
  appWasDown?: { state: string; restartCount: number };
  /** stop-app: what was changed to keep the writers down for the window, and whether start-app put it back. */
  downtime?: DowntimeRecord;
  /** find-container: which binaries the runbook may run are in the app's image (image-tools.ts). */
  imageTools?: string[];
  live?: CheckVerdict;
  /** check-live-db: the live database's table names, when its schema could be read (to match local copies). */
  liveTables?: string[];
  /** test-backups */
  backups?: BackupReport[];
  /** choose-source */
  sources?: SourceCandidate[];
  source?: SourceCandidate;
  /** choose-source in a dry-run: why no healthy source exists (the dry-run's verdict). */
  noSourceReason?: string;
  /** snapshot-source */
  snapshot?: SnapshotInfo;
  /** stage-in-container: the staged file's path in the container, checked against snapshot.sha256. */
  stagedPath?: string;
  /** stop-app / start-app, epoch ms. */
  stoppedAt?: number;
  startedAt?: number;
  /** quarantine-and-swap */
  quarantineDir?: string;
  quarantined?: QuarantinedFile[];
  swapped?: boolean;
  // ---- backup, verify, scan (backup-facts.ts) ----
  /** find-backup-target */
  backupPlace?: BackupPlace;
  /** find-backup-target, when it found the database by discovery: the other SQLite files on the mounts. */
  backupsFound?: BackupDiscovery;
  /** take-backup */
  backupTaken?: TakenBackup;
  /** pull-backup */
  backupPulled?: PulledBackup;
  /** verify-backups */
  verifyJudgement?: VerifyJudgement;
  /** scan-engine: one row per live database on the engine. */
  scanRows?: ScanRow[];
}
