// Where the worker thread's file comes from. Node starts a worker from a file URL itself (vitest does not transform
// it), and Node 20 runs no TypeScript: so the worker and its helpers are JavaScript, beside sqlite-inspector in both
// layouts. Under vitest that is src/; after `tsc -p tsconfig.build.json` it is the build's own folder, run by plain node.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { WORKER_URL, createSqliteInspector } from '../../../src/adapters/better-sqlite3/index.js';
import { corruptBtreePage, makeAppDb } from '../../support/sqlite-fixtures.js';

const REPO = path.resolve(import.meta.dirname, '../../..');
let dir: string;
let damaged: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'worker-loading-'));
  damaged = makeAppDb(path.join(dir, 'damaged.db'), { rows: 3000, seed: 4 }).path;
  corruptBtreePage(damaged, { seed: 1, target: 'index' });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('under vitest: the worker is src/adapters/better-sqlite3/sqlite-worker.js, and it runs', async () => {
  expect(fileURLToPath(WORKER_URL)).toBe(path.join(REPO, 'src/adapters/better-sqlite3/sqlite-worker.js'));
  const inspector = createSqliteInspector({ threads: 1 });
  try {
    expect((await inspector.diagnose(damaged)).summary).toBe('1 index damaged, every table intact');
  } finally {
    await inspector.close();
  }
});

test('built with tsconfig.build.json: the worker is beside the built module, and plain node runs it', () => {
  // Inside the repository, so that the build's imports find node_modules as dist/ does.
  const out = fs.mkdtempSync(path.join(REPO, '.test-build-'));
  try {
    const tsc = path.join(REPO, 'node_modules/typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', out], { cwd: REPO });
    const built = path.join(out, 'adapters/better-sqlite3');
    expect(fs.readdirSync(built).filter((f) => f.endsWith('.ts'))).toEqual([]);
    const script = `
      import { WORKER_URL, createSqliteInspector } from ${JSON.stringify(pathToFileURL(path.join(built, 'index.js')).href)};
      const inspector = createSqliteInspector({ threads: 1 });
      const diagnosis = await inspector.diagnose(process.env.DAMAGED_DB);
      const check = await inspector.check(process.env.DAMAGED_DB, 'quick');
      await inspector.close();
      console.log(JSON.stringify({ worker: WORKER_URL.href, summary: diagnosis.summary, ok: check.ok }));
    `;
    fs.writeFileSync(path.join(out, 'smoke.mjs'), script);
    const env = { ...process.env, DAMAGED_DB: damaged };
    const run = spawnSync(process.execPath, [path.join(out, 'smoke.mjs')], { encoding: 'utf8', cwd: REPO, env });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      worker: pathToFileURL(path.join(built, 'sqlite-worker.js')).href,
      summary: '1 index damaged, every table intact',
      ok: false,
    });
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}, 120_000);
