// WorkerPool ends a worker that stays idle (its memory goes with it) and starts a new one for the next job.
import { describe, expect, test } from 'vitest';
import { WorkerPool } from '../../../src/adapters/better-sqlite3/worker-pool.js';

// Answers each job with the id of the thread that ran it.
const ECHO_WORKER = new URL(
  `data:text/javascript,${encodeURIComponent(`
  import { parentPort, threadId } from 'node:worker_threads';
  parentPort.on('message', ({ id }) => parentPort.postMessage({ id, result: threadId }));
`)}`,
);

type EchoOps = { echo: { args: []; result: number; progress: never } };

const makePool = (idleMs: number) => new WorkerPool<EchoOps>(ECHO_WORKER, 2, (failure) => new Error(failure.message), idleMs);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('WorkerPool idle workers', () => {
  test('a job that follows within the idle time runs on the same worker', async () => {
    const pool = makePool(500);
    try {
      const first = await pool.run('echo', []);
      await sleep(50);
      expect(await pool.run('echo', [])).toBe(first);
    } finally {
      await pool.close();
    }
  });

  test('a worker idle longer than that is ended; the next job starts a new one', async () => {
    const pool = makePool(50);
    try {
      const first = await pool.run('echo', []);
      await sleep(300);
      const second = await pool.run('echo', []);
      expect(second).not.toBe(first);
    } finally {
      await pool.close();
    }
  });

  test('a job queued as the previous one settles reuses its worker, even with no idle time at all', async () => {
    const pool = makePool(0);
    try {
      const ids = await pool.run('echo', []).then(async (first) => [first, await pool.run('echo', [])]);
      expect(ids[1]).toBe(ids[0]);
    } finally {
      await pool.close();
    }
  });

  test('close() while workers idle ends them and rejects later jobs', async () => {
    const pool = makePool(10_000);
    await Promise.all([pool.run('echo', []), pool.run('echo', [])]);
    await pool.close();
    await expect(pool.run('echo', [])).rejects.toThrow(/closed/);
  });
});
