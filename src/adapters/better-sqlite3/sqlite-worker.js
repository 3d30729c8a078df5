// @ts-check
// Worker thread: runs one SQLite job at a time for the pool in worker-pool.ts. JavaScript checked against the message
// types in worker-protocol.ts, so that it loads the same way from src/ (under vitest) and from dist/ (tsc copies it
// with allowJs): Node starts a worker from a file URL itself, and Node 20 cannot run TypeScript.
/** @import { JobContext, OperationHandlers, WorkerFailure, WorkerRequest, WorkerResponse } from './worker-protocol.js' */
import { parentPort } from 'node:worker_threads';
import { diagnose } from './diagnose.js';
import { checkIntegrity } from './integrity.js';
import { lossWindow } from './loss-window.js';
import { merge } from './merge.js';
import { repair } from './repair.js';
import { salvage } from './salvage.js';
import { readStats } from './stats.js';
import { writeSnapshot } from './snapshot.js';

/** @type {OperationHandlers} */
const operations = {
  check: ([path, mode, errorLimit]) => checkIntegrity(path, mode, errorLimit),
  stats: ([path]) => readStats(path),
  snapshot: ([src, dest]) => writeSnapshot(src, dest),
  diagnose: ([path, opts, errorLimit]) => diagnose(path, opts, errorLimit),
  repair: ([src, dest]) => repair(src, dest),
  salvage: ([src, dest, sqlite3], job) => salvage(src, dest, sqlite3, job),
  merge: ([healthy, salvaged, dest]) => merge(healthy, salvaged, dest),
  lossWindow: ([candidate, reference]) => lossWindow(candidate, reference),
};

const port = parentPort;
if (!port) throw new Error('sqlite-worker.js runs as a worker thread only');

/** @param {WorkerResponse} message */
const post = (message) => port.postMessage(message);

port.on('message', async (/** @type {WorkerRequest} */ request) => {
  const { id, cancel } = request;
  /** @type {JobContext<any>} */
  const job = {
    isCancelled: () => cancel !== undefined && Atomics.load(cancel, 0) === 1,
    progress: (event) => post({ id, progress: event }),
  };
  try {
    const run = /** @type {(args: unknown[], job: JobContext<any>) => unknown} */ (operations[request.op]);
    if (!run) throw new Error(`unknown operation ${request.op}`);
    const result = /** @type {WorkerResponse & { result: unknown }} */ ({ id, result: await run(request.args, job) });
    post(result);
  } catch (error) {
    post({ id, error: toFailure(error) });
  }
});

/** @param {unknown} error @returns {WorkerFailure} */
function toFailure(error) {
  const e = /** @type {{ message?: string, code?: unknown, kind?: unknown, stack?: string }} */ (error ?? {});
  return {
    message: e.message ?? String(error),
    code: typeof e.code === 'string' ? e.code : undefined,
    kind: typeof e.kind === 'string' ? e.kind : 'bug',
    stack: e.stack,
  };
}
