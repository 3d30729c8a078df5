// Worker thread: runs one SQLite job at a time for the pool in worker-pool.ts. Plain JavaScript so that it loads the
// same way from the TypeScript sources (under vitest) and from dist/ (tsc copies it with allowJs).
// Message in: { id, op: 'check' | 'stats' | 'snapshot', args }. Out: { id, result } or { id, error }.
import { parentPort } from 'node:worker_threads';
import { checkIntegrity } from './integrity.js';
import { readStats } from './stats.js';
import { writeSnapshot } from './snapshot.js';

const operations = {
  check: ([path, mode, errorLimit]) => checkIntegrity(path, mode, errorLimit),
  stats: ([path]) => readStats(path),
  snapshot: ([src, dest]) => writeSnapshot(src, dest),
};

parentPort.on('message', async ({ id, op, args }) => {
  try {
    const run = operations[op];
    if (!run) throw new Error(`unknown operation ${op}`);
    parentPort.postMessage({ id, result: await run(args) });
  } catch (error) {
    parentPort.postMessage({
      id,
      error: {
        message: error?.message ?? String(error),
        code: error?.code,
        kind: error?.kind ?? 'bug',
        stack: error?.stack,
      },
    });
  }
});
