// What the steps learn and hand to each other during one run. Each field is written by one step (named) and read
// by later ones; a later step that finds its input missing fails with a message naming the step to run first.
import type { ContainerDetails } from '../ports/container-runtime.js';
import type { RankedContainer } from './rank-containers.js';
import type { PendingCheck } from './snapshot-check.js';

export interface LiveCheck {
  ok: boolean;
  check: 'integrity_check' | 'quick_check';
  errors: string[];
  errorCount: number;
  via: 'sqlite3 in the container' | 'a copy checked locally';
}

export interface BackupReport {
  path: string;
  ok: boolean;
  /** Which pragma judged it. */
  check: LiveCheck['check'];
  size: number;
  mtime: string;
  errors: string[];
  errorCount: number;
  via: LiveCheck['via'];
  /** Row count per table, healthy backups only. */
  tables?: Record<string, number>;
}

export interface SourceCandidate {
  id: string;
  kind: 'local' | 'backup';
  /** Local path for the local copy, path inside the container for a backup. */
  path: string;
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
  sha256: string;
}

export interface Facts {
  /** Dry-run: what would make the real restore fail (a read-only mount, not enough space), for the headline. */
  dryRunBlockers?: string[];
  /** find-container */
  candidates?: RankedContainer[];
  container?: ContainerDetails;
  /** find-container: the volume or bind mount that holds the database folder. */
  dataMount?: string;
  /** check-live-db: whether `sqlite3` runs in the container. */
  hasSqlite3?: boolean;
  live?: LiveCheck;
  /** test-backups */
  backups?: BackupReport[];
  /** choose-source */
  sources?: SourceCandidate[];
  source?: SourceCandidate;
  /** snapshot-source */
  snapshot?: SnapshotInfo;
  /** snapshot-source starts the snapshot's integrity_check; stage-in-container awaits it. */
  snapshotCheck?: PendingCheck;
  /** stage-in-container: the staged file's path in the container, checked against snapshot.sha256. */
  stagedPath?: string;
  /** stop-app: the swap's helper container, started before the stop; quarantine-and-swap uses and removes it. */
  swapHelperId?: string;
  /** stop-app / start-app, epoch ms. */
  stoppedAt?: number;
  startedAt?: number;
  /** quarantine-and-swap */
  quarantineDir?: string;
  quarantined?: QuarantinedFile[];
  swapped?: boolean;
}
