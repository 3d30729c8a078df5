// Run-scoped services: live things a step starts and a later step uses, each with its contract. They are never
// journaled; a resumed run starts them again where it needs them.
import type { Clock } from '../ports/clock.js';
import type { Diagnosis, IntegrityResult, SqliteInspector } from '../ports/sqlite-inspector.js';

/**
 * The snapshot's full integrity_check, the slowest check of a run (it cross-checks every index against its table:
 * about half a minute a GB). snapshot-source starts it; it runs off the main thread while the operator confirms the
 * copy and while the snapshot travels under its temporary name; stage-in-container cannot succeed, so the swap cannot
 * happen, until it has passed.
 */
export interface SnapshotCheck {
  /** Starts the check of `path` unless one of that file is under way or has passed. Never rejects, never throws. */
  start(path: string): void;
  /** A line for the operator while a step waits on it; undefined when it is done or was never started. */
  waiting(): string | undefined;
  /**
   * The check's result for `path`, starting it if none is under way (a resumed run). Only a pass is kept: after a
   * failure or a throw the next call checks again. Rejects with what the check threw.
   */
  result(path: string): Promise<IntegrityResult>;
}

interface Pending {
  path: string;
  startedAt: number;
  isDone: boolean;
  settled: Promise<{ result: IntegrityResult } | { error: unknown }>;
}

export function createSnapshotCheck(sqlite: SqliteInspector, clock: Clock): SnapshotCheck {
  let pending: Pending | undefined;
  const start = (path: string): Pending => {
    if (pending?.path === path) return pending;
    const entry: Pending = { path, startedAt: clock.now(), isDone: false, settled: Promise.resolve({ error: undefined }) };
    entry.settled = sqlite
      .check(path, 'full')
      .then(
        (result) => ({ result }),
        (error: unknown) => ({ error }),
      )
      .finally(() => {
        entry.isDone = true;
      });
    pending = entry;
    return entry;
  };
  return {
    start(path) {
      start(path);
    },
    waiting() {
      if (!pending || pending.isDone) return undefined;
      return `integrity_check of the snapshot still running (${((clock.now() - pending.startedAt) / 1000).toFixed(0)} s so far; about half a minute a GB)`;
    },
    async result(path) {
      const entry = start(path);
      const settled = await entry.settled;
      if (!('result' in settled) || !settled.result.ok) pending = undefined;
      if ('error' in settled) throw settled.error;
      return settled.result;
    },
  };
}

/** A local copy of the live database (its -wal beside it) and what its damage is, table by table. */
export interface DamageReport {
  /** The copy: the live file was never opened; the copy is what repair, salvage and merge start from. */
  copyPath: string;
  /** When the copy was taken: rows the app wrote after it are not in it. */
  takenAt: string;
  diagnosis: Diagnosis;
}

/**
 * The live database's damage, diagnosed on a copy while the run goes on (check-live-db starts it when the database is
 * corrupt; choose-source awaits it to build the repaired, salvaged and merged candidates).
 */
export interface DamageDiagnosis {
  /** Starts diagnosing `copyPath`; `diagnose` is the declared action, performed through the starting step's io. */
  start(report: Promise<DamageReport>): void;
  /** The report, or undefined when none was started (a healthy database, or a resumed run). Rejects as it did. */
  result(): Promise<DamageReport | undefined>;
}

function createDamageDiagnosis(): DamageDiagnosis {
  let pending: Promise<DamageReport> | undefined;
  return {
    start(report) {
      // Settled here too, so a run that ends before anyone awaits it cannot crash on it.
      report.catch(() => undefined);
      pending = report;
    },
    result: async () => pending,
  };
}

export interface RunServices {
  snapshotCheck: SnapshotCheck;
  damage: DamageDiagnosis;
}

export function createRunServices(sqlite: SqliteInspector, clock: Clock): RunServices {
  return { snapshotCheck: createSnapshotCheck(sqlite, clock), damage: createDamageDiagnosis() };
}
