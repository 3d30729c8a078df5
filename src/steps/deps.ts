// Everything a step can reach: the ports, the operator's answers given as flags, the incident, the facts (plain
// data) and the run's services (live things).
import type { Clock } from '../ports/clock.js';
import type { ContainerRuntime } from '../ports/container-runtime.js';
import type { Entropy } from '../ports/entropy.js';
import type { IncidentFiles } from '../ports/incident-files.js';
import type { LocalFiles } from '../ports/local-files.js';
import type { HostIdentity, RemoteHost } from '../ports/remote-host.js';
import type { SqliteInspector } from '../ports/sqlite-inspector.js';
import type { ToolImage } from '../ports/tool-image.js';
import type { BackupOptions } from './backup-facts.js';
import type { Facts } from './facts.js';
import type { RunServices } from './services.js';

export interface RestoreOptions {
  /** Name, id or substring; may match several containers. */
  container?: string;
  /** Path of the database inside the container. */
  db?: string;
  /** Glob of backup files inside the container; default `<db dir>/backups/*.db`. */
  backups?: string;
  /** The operator's healthy local copy. */
  local?: string;
  /** Where the operator runs the tool: local copies are looked for here and in its data/ folders. */
  cwd?: string;
  /** --source: which candidate to restore without asking (local, backup:PATH, repaired, salvaged, merged). */
  source?: string;
  /** backup, verify and scan: what their flags say. */
  backup?: BackupOptions;
  /** --stop-timeout N: seconds each writer gets to exit on SIGTERM (default: its own stop timeout, else docker's 10). */
  stopTimeout?: number;
}

export interface Incident {
  id: string;
  /** Local folder of the record: events.ndjson, report.md, the snapshot and files copied out. */
  dir: string;
}

/** The server reached with --host: the snapshot is uploaded there before the downtime and copied in from there. */
export interface Remote {
  host: RemoteHost;
  identity: HostIdentity;
  /** How the Docker API travels, for the record. */
  transport: string;
  /** Folder on the server for the upload, e.g. /tmp/sqlite-rescue/<incident id>. */
  stagingDir: string;
}

export interface Deps {
  runtime: ContainerRuntime;
  /** Absent: the Docker engine is local and files go in through its archive API. */
  remote?: Remote;
  sqlite: SqliteInspector;
  files: LocalFiles;
  incidentFiles: IncidentFiles;
  clock: Clock;
  entropy: Entropy;
  options: RestoreOptions;
  incident: Incident;
  facts: Facts;
  services: RunServices;
  /**
   * Takes the lock on one container's database for this run (released when the run ends). Throws when another run
   * holds it. Absent in dry-runs, which change nothing.
   */
  lockTarget?: (key: string, containerName: string) => Promise<void>;
  /** backup: the sqlite3 image a helper runs when the app's image has no sqlite3. */
  toolImage?: ToolImage;
}

/** What declaring a step's actions may read: the facts so far and the answers given. No port, no I/O. */
export type Known = Pick<Deps, 'facts' | 'options' | 'incident' | 'remote'>;
