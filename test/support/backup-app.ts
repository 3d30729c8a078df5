// The app backup is tested against: the drill's app (ONE sqlite3 connection in WAL mode) committing every 100 ms
// instead of 200, started on a named volume that already holds a seeded database, in the test image with sqlite3 or
// in one without it on the PATH. Rows are read on the volume's host path by this machine's sqlite3 (tests run as
// root beside dockerd): same kernel, so SQLite's locks and the -shm coordinate with the app as in production.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_SCRIPT } from '../../src/drill/app-script.js';
import { makeAppDb } from '../../src/drill/sqlite-recipes.js';
import { docker } from './docker/docker-cli.js';
import { volumePath } from './outage.js';

export const APP_SCRIPT_100MS = APP_SCRIPT.replace('sleep 0.2', 'sleep 0.1');
if (APP_SCRIPT_100MS === APP_SCRIPT) throw new Error('backup-app: the drill app script no longer sleeps 0.2 s between commits');

export interface WritingApp {
  name: string;
  volume: string;
  /** Host path of the volume. */
  data: string;
}

export interface AppStart {
  name: string;
  image: string;
  /** Rows in events before the app starts (a checkpointed WAL database). */
  rows: number;
  labels?: Record<string, string>;
  /** Extra `docker run` arguments, e.g. a bind mount. */
  args?: string[];
}

export async function startWritingApp(start: AppStart): Promise<WritingApp> {
  const volume = `${start.name}-data`;
  await docker(['volume', 'create', volume]);
  const data = await volumePath(volume);
  const seedDir = mkdtempSync(join(tmpdir(), 'backup-seed-'));
  try {
    makeAppDb(join(seedDir, 'app.db'), { rows: start.rows, seed: 7 });
    copyFileSync(join(seedDir, 'app.db'), join(data, 'app.db'));
  } finally {
    rmSync(seedDir, { recursive: true, force: true });
  }
  const labels = Object.entries(start.labels ?? {}).flatMap(([key, value]) => ['--label', `${key}=${value}`]);
  await docker([
    'run',
    '--detach',
    '--name',
    start.name,
    '--network',
    'none',
    ...labels,
    '-v',
    `${volume}:/data`,
    ...(start.args ?? []),
    start.image,
    '/bin/sh',
    '-c',
    APP_SCRIPT_100MS,
  ]);
  return { name: start.name, volume, data };
}

/** `sqlite3 <file> <sql>` on this machine; `-readonly` through the live -wal. */
export function hostSql(file: string, sql: string, opts: { readonly?: boolean } = {}): string {
  return execFileSync('sqlite3', [...(opts.readonly === false ? [] : ['-readonly']), file, sql], { encoding: 'utf8' }).trim();
}

/** The newest events.id the app has committed (the -wal included). */
export function maxEventId(app: WritingApp): number {
  return Number(hostSql(join(app.data, 'app.db'), 'SELECT max(id) FROM events;'));
}

/** The newest events.id in the main file alone, as if its -wal were gone (immutable: reads nothing else). */
export function maxEventIdInMainFile(app: WritingApp): number {
  return Number(hostSql(`file:${join(app.data, 'app.db')}?immutable=1`, 'SELECT max(id) FROM events;'));
}

export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 50; Date.now() < deadline; delay = Math.min(delay * 2, 500)) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
  throw new Error(`timed out waiting for ${what}`);
}
