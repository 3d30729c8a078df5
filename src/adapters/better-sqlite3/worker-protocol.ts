// The one message type between the pool (worker-pool.ts, sqlite-inspector.ts) and the worker (sqlite-worker.js). The
// worker and its helpers are plain JavaScript checked against these types (`// @ts-check`, JSDoc `@import`), so the
// same files run under vitest from src/ and from dist/ after `tsc`: a worker thread is started by Node itself, which on
// Node 20 cannot load TypeScript, and the import is type-only, so nothing of this file exists at run time.
import type {
  CheckMode,
  DbStats,
  Diagnosis,
  DiagnoseOptions,
  IntegrityResult,
  LossWindow,
  MergeResult,
  RepairResult,
  SalvageProgress,
  SalvageResult,
  SnapshotResult,
} from '../../ports/sqlite-inspector.js';

/** Per operation: the arguments it is posted with, what it resolves to, and the progress events it may post. */
export interface Operations {
  check: { args: [path: string, mode: CheckMode, errorLimit: number]; result: IntegrityResult; progress: never };
  stats: { args: [path: string]; result: DbStats; progress: never };
  snapshot: { args: [src: string, dest: string]; result: SnapshotResult; progress: never };
  diagnose: { args: [path: string, opts: DiagnoseOptions, errorLimit: number]; result: Diagnosis; progress: never };
  repair: { args: [src: string, dest: string]; result: RepairResult; progress: never };
  /** sqlite3: the CLI whose `.recover` is probed, or null to read through SQL only. */
  salvage: { args: [src: string, dest: string, sqlite3: string | null]; result: SalvageResult; progress: SalvageProgress };
  merge: { args: [healthy: string, salvaged: string, dest: string]; result: MergeResult; progress: never };
  lossWindow: { args: [candidate: string, reference: string]; result: LossWindow; progress: never };
}

/** What one operation declares. */
export interface OperationSpec {
  args: unknown[];
  result: unknown;
  progress: unknown;
}

/** The shape a table of operations has; WorkerPool is generic over it (its tests use a smaller one). */
export type OperationMap<Ops> = { [K in keyof Ops]: OperationSpec };

export type OperationName = keyof Operations;

/**
 * Pool → worker. `cancel`, when present, is an Int32Array(1) over shared memory: the pool stores 1 in it to stop the
 * job, and the worker's loops read it between batches (a message could not reach a thread busy in a loop).
 */
export type WorkerRequest<Ops extends OperationMap<Ops> = Operations> = {
  [K in keyof Ops & string]: { id: number; op: K; args: Ops[K]['args']; cancel?: Int32Array };
}[keyof Ops & string];

/** Why a job failed, as the worker saw it. kind: 'operator' | 'external' | 'bug' | 'aborted'. */
export interface WorkerFailure {
  message: string;
  code?: string;
  kind?: string;
  stack?: string;
}

/** Worker → pool: any number of progress events, then exactly one result or error, all with the job's id. */
export type WorkerResponse<Ops extends OperationMap<Ops> = Operations, K extends keyof Ops = keyof Ops> =
  { id: number; progress: Ops[K]['progress'] } | { id: number; result: Ops[K]['result'] } | { id: number; error: WorkerFailure };

/** What an operation gets besides its arguments. */
export interface JobContext<P = unknown> {
  /** True once the caller aborted: stop and throw `abortedError()`. */
  isCancelled(): boolean;
  progress(event: P): void;
}

/** The worker's table of operations, checked against Operations. */
export type OperationHandlers = {
  [K in OperationName]: (
    args: Operations[K]['args'],
    job: JobContext<Operations[K]['progress']>,
  ) => Promise<Operations[K]['result']> | Operations[K]['result'];
};
