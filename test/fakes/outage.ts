// The incident the tool was built for, in the fakes: production `app` (Coolify pullRequestId=0) beside preview
// `app-pr-12` running the same image; /data/app.db corrupt with its -wal and -shm; two backups, one corrupt; a healthy
// local copy on the operator's laptop holding more rows than the healthy backup.
import type { Target } from '../../src/steps/facts.js';
import { findDataMount } from '../../src/steps/find-container.js';
import { TOOLS } from '../../src/steps/image-tools.js';
import { fakeDb } from './fake-db.js';
import type { TestWorld } from './make-deps.js';

export const DB = '/data/app.db';
export const LOCAL = '/home/op/app.db';
export const CORRUPT_ROWS = ['Tree 3 page 7 cell 0: invalid page number 9999', 'Page 12: never used'];
export const LOCAL_TABLES = { posts: 40, users: 5 };
export const BACKUP_TABLES = { posts: 30, users: 5 };

export function setUpOutage(world: TestWorld): { appId: string; previewId: string } {
  const { runtime, files } = world;
  const appId = runtime.addContainer({
    name: 'app',
    image: 'ghcr.io/acme/app:3f2c1a',
    labels: { 'coolify.pullRequestId': '0' },
    startedAt: '2025-01-01T00:00:00.000Z',
    mounts: [{ destination: '/data', volume: 'app-data' }],
  });
  const previewId = runtime.addContainer({
    name: 'app-pr-12',
    image: 'ghcr.io/acme/app:pr-12',
    labels: { 'coolify.pullRequestId': '12' },
    startedAt: '2025-01-01T01:00:00.000Z',
    mounts: [{ destination: '/data', volume: 'app-pr-12-data' }],
  });
  runtime.putFile('app', DB, fakeDb({ tables: { posts: 41, users: 5 }, errors: CORRUPT_ROWS }), { uid: 1001, gid: 1001, mode: 0o640 });
  runtime.putFile('app', `${DB}-wal`, 'wal frames');
  runtime.putFile('app', `${DB}-shm`, 'shm index');
  runtime.putFile(
    'app',
    '/data/backups/2025-01-01.db',
    fakeDb({ tables: { posts: 41, users: 5 }, fatal: 'database disk image is malformed' }),
    { mtime: '2025-01-01T00:00:00.000Z' },
  );
  runtime.putFile('app', '/data/backups/2024-12-31.db', fakeDb({ tables: BACKUP_TABLES }), { mtime: '2024-12-31T00:00:00.000Z' });
  runtime.putFile('app', '/data/backups/notes.txt', 'not a backup');
  runtime.putFile('app-pr-12', DB, fakeDb({ tables: { posts: 2, users: 1 } }));
  files.put(LOCAL, fakeDb({ tables: LOCAL_TABLES, note: 'laptop copy' }), '2024-12-30T00:00:00.000Z');
  return { appId, previewId };
}

/** What find-container would settle for `name` and `db`: the target, and the tools its image has in the fake. */
export async function settleTarget(world: TestWorld, name = 'app', db = DB): Promise<Target> {
  const details = await world.runtime.inspect(name);
  const mount = findDataMount(details, db);
  if (!mount) throw new Error(`settleTarget: ${db} is on no mount of ${name}`);
  const target: Target = {
    containerId: details.id,
    containerName: details.name,
    image: details.image,
    appName: name,
    dbPath: db,
    dataMount: { type: mount.type, source: mount.source, destination: mount.destination, ...(mount.name ? { name: mount.name } : {}) },
  };
  world.facts.target = target;
  world.facts.imageTools = TOOLS.filter((tool) => !world.runtime.lacks(tool));
  return target;
}
