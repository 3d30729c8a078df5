// Everything a step can reach: the ports, the operator's answers given as flags, the incident, and the facts.
import type { Clock } from '../ports/clock.js';
import type { ContainerRuntime } from '../ports/container-runtime.js';
import type { LocalFiles } from '../ports/local-files.js';
import type { SqliteInspector } from '../ports/sqlite-inspector.js';
import type { Facts } from './facts.js';

export interface RestoreOptions {
  /** Name, id or substring; may match several containers. */
  container?: string;
  /** Path of the database inside the container. */
  db?: string;
  /** Glob of backup files inside the container; default `<db dir>/backups/*.db`. */
  backups?: string;
  /** The operator's healthy local copy. */
  local?: string;
}

export interface Incident {
  id: string;
  /** Local folder of the record: events.ndjson, report.md, the snapshot and files copied out. */
  dir: string;
}

export interface Deps {
  runtime: ContainerRuntime;
  sqlite: SqliteInspector;
  files: LocalFiles;
  clock: Clock;
  options: RestoreOptions;
  incident: Incident;
  facts: Facts;
}
