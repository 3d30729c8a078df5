// Discovery against the real Docker engine: real images (with and without find, sqlite3, a shell), real states
// (running, stopped, crash-looping), real SQLite files, a real bind mount. Every resource is named with this file's
// prefix and removed after.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalRuntime } from '../../src/adapters/dockerode/create-local-runtime.js';
import { listContainersForPicker } from '../../src/discovery/container-listing.js';
import { discoverDatabases } from '../../src/discovery/discover-databases.js';
import { selectBackups } from '../../src/discovery/select-backups.js';
import type { DatabaseDiscovery } from '../../src/discovery/types.js';
import { APP_IMAGE } from '../support/docker/ensure-test-images.js';
import { makeTestPrefix, removeTestResources } from '../support/docker/app-container.js';
import { docker, tryDocker } from '../support/docker/docker-cli.js';
import { DISC_NOFIND_IMAGE, DISC_NOSHELL_IMAGE, DISC_SHONLY_IMAGE, ensureDiscoveryImages } from '../support/docker/discovery-images.js';

const runtime = createLocalRuntime();
const prefix = makeTestPrefix('disc');
let work: string;
let standard: string;
let bindDir: string;

function makeDb(path: string, opts: { wal?: boolean; mtime?: string; rows?: number } = {}): void {
  mkdirSync(join(path, '..'), { recursive: true });
  const db = new Database(path);
  if (opts.wal) db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE events(id INTEGER PRIMARY KEY, note TEXT)');
  const insert = db.prepare('INSERT INTO events(note) VALUES (?)');
  for (let i = 0; i < (opts.rows ?? 3); i += 1) insert.run(`row ${i}`);
  db.close();
  if (opts.mtime) utimesSync(path, new Date(opts.mtime), new Date(opts.mtime));
}

// The files every scenario's volume starts with: databases under odd names, a decoy, a quarantine folder of ours.
function buildStandard(dir: string): void {
  makeDb(join(dir, 'older.db'), { mtime: '2026-10-01T00:00:00Z' });
  makeDb(join(dir, 'site.sqlite'), { wal: true, mtime: '2026-11-20T00:00:00Z' });
  makeDb(join(dir, 'backups/app-2026-11-25.db'), { wal: true, mtime: '2026-11-25T06:00:00Z' });
  makeDb(join(dir, 'site-data.sqlite.bak'), { mtime: '2026-11-24T06:00:00Z' });
  makeDb(join(dir, 'snapshots/nightly'), { mtime: '2026-11-23T06:00:00Z' });
  makeDb(join(dir, 'rescue-quarantine/20250101T020000Z/app.db'));
  mkdirSync(join(dir, 'x'), { recursive: true });
  writeFileSync(join(dir, 'x/app.db'), 'a decoy named like the database, with no SQLite header at all\n'.repeat(20));
}

const STANDARD_DBS = [
  '/data/older.db',
  '/data/site.sqlite',
  '/data/backups/app-2026-11-25.db',
  '/data/site-data.sqlite.bak',
  '/data/snapshots/nightly',
];

interface Made {
  name: string;
  id: string;
}

/** docker create, the files copied into the volume before the app starts (docker cp works on created containers). */
async function makeContainer(
  label: string,
  opts: { image: string; files?: string; binds?: string[]; args?: string[]; start?: boolean },
): Promise<Made> {
  const name = `${prefix}${label}`;
  const id = await docker([
    'create',
    '--name',
    name,
    '--network',
    'none',
    '-v',
    `${name}-vol:/data`,
    ...(opts.binds ?? []).flatMap((bind) => ['-v', bind]),
    ...(opts.args ?? []),
    opts.image,
  ]);
  if (opts.files) await docker(['cp', `${opts.files}/.`, `${name}:/data`]);
  if (opts.start !== false) await docker(['start', name]);
  return { name, id };
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 50; Date.now() < deadline; delay = Math.min(delay * 2, 500)) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
  throw new Error(`timed out waiting for ${what}`);
}

// The app opened its database: SQLite made the -wal beside it (archive API, so it works in any image).
async function waitForLiveDb(made: Made): Promise<void> {
  await waitFor(`${made.name} to open /data/app.db`, async () => (await runtime.statPath(made.id, '/data/app.db-wal')) !== null);
}

async function stateOf(name: string): Promise<string> {
  return docker(['inspect', '--format', '{{.State.Status}}', name]);
}

const paths = (result: DatabaseDiscovery) => result.databases.map((db) => db.path);

beforeAll(async () => {
  await ensureDiscoveryImages();
  work = mkdtempSync(join(tmpdir(), 'disc-real-'));
  standard = join(work, 'standard');
  buildStandard(standard);
  bindDir = join(work, 'bind');
  makeDb(join(bindDir, 'tenant.db'), { wal: true });
}, 120_000);

afterAll(async () => {
  await removeTestResources(prefix);
  rmSync(work, { recursive: true, force: true });
});

describe('a running app', () => {
  it('with find: one exec finds every database by header (bind mount too), the open one first', async () => {
    const made = await makeContainer('find', { image: APP_IMAGE, files: standard, binds: [`${bindDir}:/srv/bind`] });
    await waitForLiveDb(made);
    const result = await discoverDatabases(runtime, made.name);
    expect(new Set(paths(result))).toEqual(new Set(['/data/app.db', ...STANDARD_DBS, '/srv/bind/tenant.db']));
    expect(result.databases[0]).toMatchObject({
      path: '/data/app.db',
      openByApp: true,
      journalMode: 'wal',
      wal: { path: '/data/app.db-wal' },
      shm: { path: '/data/app.db-shm' },
      mount: { type: 'volume', name: `${made.name}-vol` },
    });
    expect(result.databases.find((db) => db.path === '/data/older.db')).toMatchObject({
      openByApp: false,
      journalMode: 'rollback',
      mtime: '2026-10-01T00:00:00.000Z',
    });
    expect(result.databases.find((db) => db.path === '/srv/bind/tenant.db')?.mount).toMatchObject({ type: 'bind', source: bindDir });
    expect(result).toMatchObject({
      via: 'exec',
      stoppedEarly: [],
      openFiles: { known: true },
      ignored: [{ path: '/data/rescue-quarantine', why: 'quarantine folder' }],
    });
    expect(result.unambiguous?.path).toBe('/data/app.db');
    expect(result.commands.map((command) => [command.where, command.exitCode])).toEqual([
      ['engine', 0],
      ['container', 0],
    ]);

    const backups = selectBackups(result, '/data/app.db');
    expect(new Set(backups.backups.map((backup) => backup.path))).toEqual(new Set([...STANDARD_DBS, '/srv/bind/tenant.db']));
    expect(backups.backups.find((backup) => backup.path === '/data/snapshots/nightly')).toMatchObject({
      folder: '/data/snapshots',
      sameMountAsLive: true,
      foundVia: 'exec',
    });
  });

  it('an image without sqlite3 or find: a glob loop in the same one exec', async () => {
    const made = await makeContainer('nofind', { image: DISC_NOFIND_IMAGE, files: standard });
    await waitForLiveDb(made);
    expect((await tryDocker(['exec', made.name, 'sh', '-c', 'command -v find || command -v sqlite3'])).exitCode).not.toBe(0);
    const result = await discoverDatabases(runtime, made.name);
    expect(new Set(paths(result))).toEqual(new Set(['/data/app.db', ...STANDARD_DBS]));
    expect(result).toMatchObject({ via: 'exec', stoppedEarly: [] });
    expect(result.notes).toContain('no find in the image: the mounts were walked with a shell glob loop');
    expect(result.unambiguous?.path).toBe('/data/app.db');
    expect(paths(result)).not.toContain('/data/x/app.db');
  });

  it('an image with a shell and nothing to read files: names from the exec, headers through the archive API', async () => {
    const made = await makeContainer('shonly', { image: DISC_SHONLY_IMAGE, files: standard });
    await waitForLiveDb(made);
    const result = await discoverDatabases(runtime, made.name);
    expect(new Set(paths(result))).toEqual(new Set(['/data/app.db', ...STANDARD_DBS]));
    expect(result).toMatchObject({ via: 'archive', openFiles: { known: false, reason: 'no ls in the image' } });
    expect(result.commands.map((command) => command.cli[1])).toEqual(['inspect', 'exec', 'cp']);
  });

  it('an image with no shell at all: the archive API, open files unknown, no helper tried', async () => {
    const made = await makeContainer('noshell', { image: DISC_NOSHELL_IMAGE, files: standard, args: ['--interactive'] });
    await waitForLiveDb(made);
    const result = await discoverDatabases(runtime, made.name);
    expect(new Set(paths(result))).toEqual(new Set(['/data/app.db', ...STANDARD_DBS]));
    expect(result).toMatchObject({ via: 'archive', unambiguous: null, openFiles: { known: false } });
    // With nothing open known, the database SQLite is writing (its -wal beside it) still ranks first.
    expect(result.databases[0]).toMatchObject({ path: '/data/app.db', openByApp: null, wal: { path: '/data/app.db-wal' } });
    expect(result.commands.map((command) => [command.cli[1], command.exitCode])).toEqual([
      ['inspect', 0],
      ['exec', 126],
      ['cp', 0],
    ]);
  });
});

describe('an app that is not running', () => {
  it('stopped: one exec in a helper from its image, the helper removed after', async () => {
    const made = await makeContainer('stopped', { image: APP_IMAGE, files: standard });
    await waitForLiveDb(made);
    await docker(['stop', '--time', '5', made.name]);
    const label = `${prefix}helper`;
    const result = await discoverDatabases(runtime, made.name, { helperLabel: label });
    expect(new Set(paths(result))).toEqual(new Set(['/data/app.db', ...STANDARD_DBS]));
    expect(result).toMatchObject({ via: 'helper', unambiguous: null, openFiles: { known: true, processes: 0 } });
    expect(result.databases.every((db) => db.openByApp === false)).toBe(true);
    expect(result.commands.map((command) => [command.where, command.cli[1], command.exitCode])).toEqual([
      ['engine', 'inspect', 0],
      ['engine', 'run', 0],
      ['helper', 'exec', 0],
      ['engine', 'rm', 0],
    ]);
    expect(await docker(['ps', '--all', '--quiet', '--filter', `label=sqlite-rescue.helper=${label}`])).toBe('');
    expect(await stateOf(made.name)).toBe('exited');
  });

  it('crash-looping (restart policy, exits at once): a helper reads it between restarts', async () => {
    const made = await makeContainer('crashloop', {
      image: APP_IMAGE,
      files: standard,
      args: ['--restart', 'always', '--entrypoint', '/bin/false'],
    });
    let details = await runtime.inspect(made.id);
    await waitFor(`${made.name} to be restarting`, async () => {
      details = await runtime.inspect(made.id);
      return details.state === 'restarting';
    });
    const result = await discoverDatabases(runtime, details);
    expect(new Set(paths(result))).toEqual(new Set(STANDARD_DBS));
    expect(result).toMatchObject({
      via: 'helper',
      openFiles: { known: false, reason: 'it is restarting: the app holds files open only between crashes' },
    });
  });

  it('stopped, with no shell and no sleep in its image: no helper, the archive API', async () => {
    const made = await makeContainer('noshell-stopped', { image: DISC_NOSHELL_IMAGE, files: standard, args: ['--interactive'] });
    await waitForLiveDb(made);
    // sqlite3 as PID 1 ignores SIGTERM: kill, as docker stop would after its timeout.
    await docker(['kill', made.name]);
    const result = await discoverDatabases(runtime, made.name);
    expect(new Set(paths(result))).toEqual(new Set(['/data/app.db', ...STANDARD_DBS]));
    expect(result.via).toBe('archive');
    expect(result.notes[0]).toMatch(/is exited; no helper \(helper container .* (exited at once|did not start)/);
    expect(result.notes[0]).toMatch(/: read through the archive API$/);
    expect(await docker(['ps', '--all', '--quiet', '--filter', 'label=sqlite-rescue.helper', '--filter', `name=${made.name}`])).toBe('');
  });
});

describe('a bounded search', () => {
  it('stops early and says so: files, depth, archive bytes', async () => {
    const many = join(work, 'many');
    for (let i = 0; i < 30; i += 1) makeDb(join(many, 'a/b', `t${i}.db`));
    makeDb(join(many, 'big.db'), { rows: 0 });
    writeFileSync(join(many, 'zz-blob.bin'), Buffer.alloc(12 * 1024 * 1024, 7));
    const made = await makeContainer('bounded', { image: APP_IMAGE, files: many });
    await waitForLiveDb(made);

    const byFiles = await discoverDatabases(runtime, made.name, { limits: { maxFiles: 10 } });
    expect(byFiles.stoppedEarly).toEqual([{ reason: 'files', detail: 'looked at 10 files, the limit; the rest were not looked at' }]);

    const byDepth = await discoverDatabases(runtime, made.name, { limits: { maxDepth: 1 } });
    expect(byDepth.stoppedEarly).toEqual([{ reason: 'depth', detail: '1 folder(s) at depth 1 were not entered: /data/a' }]);
    expect(paths(byDepth).some((path) => path.startsWith('/data/a/'))).toBe(false);

    await docker(['stop', '--time', '5', made.name]);
    const byBytes = await discoverDatabases(runtime, made.name, { allowHelper: false, limits: { maxArchiveBytes: 4 * 1024 * 1024 } });
    expect(byBytes.via).toBe('archive');
    expect(byBytes.stoppedEarly).toEqual([
      {
        reason: 'bytes',
        detail: expect.stringMatching(
          /^the archive API sends whole files: stopped reading \/data at 4\.\d MiB after \/data\/zz-blob\.bin$/,
        ),
      },
    ]);
    // Everything before the blob in archive order was read, the blob's own header too.
    expect(paths(byBytes)).toContain('/data/app.db');
    const archiveCall = byBytes.commands.find((command) => command.cli[1] === 'cp');
    expect(archiveCall?.bytesRead).toBeLessThan(5 * 1024 * 1024);
  });
});

describe('hundreds of tenant databases', () => {
  it('200 small databases: one exec, timed', async () => {
    const tenants = join(work, 'tenants');
    for (let i = 0; i < 200; i += 1) makeDb(join(tenants, 'tenants', `t${String(i).padStart(3, '0')}.db`), { wal: i % 2 === 0 });
    const made = await makeContainer('tenants', { image: APP_IMAGE, files: tenants });
    await waitForLiveDb(made);

    const timings: Record<string, number[]> = { exec: [], helper: [], archive: [] };
    let running: DatabaseDiscovery | undefined;
    for (let round = 0; round < 3; round += 1) {
      running = await discoverDatabases(runtime, made.name);
      timings.exec.push(running.durationMs);
    }
    expect(running?.databases).toHaveLength(201);
    expect(running?.commands.filter((command) => command.where === 'container')).toHaveLength(1);
    await docker(['stop', '--time', '5', made.name]);
    for (let round = 0; round < 3; round += 1) {
      const viaHelper = await discoverDatabases(runtime, made.name);
      expect(viaHelper.databases).toHaveLength(201);
      timings.helper.push(viaHelper.durationMs);
      const viaArchive = await discoverDatabases(runtime, made.name, { allowHelper: false });
      expect(viaArchive.databases).toHaveLength(201);
      timings.archive.push(viaArchive.durationMs);
    }
    console.log(
      `[discovery timing] 201 databases: ${Object.entries(timings)
        .map(([way, ms]) => `${way} ${ms.join('/')} ms`)
        .join('; ')}`,
    );
    expect(Math.min(...timings.exec)).toBeLessThan(5000);
  }, 120_000);
});

describe('the container picker', () => {
  it('lists our containers with app name, image, tag, state and database count', async () => {
    const made = await makeContainer('picker', {
      image: APP_IMAGE,
      files: standard,
      args: ['--label', 'coolify.name=acme-site', '--label', 'coolify.pullRequestId=0'],
    });
    await waitForLiveDb(made);
    const listing = await listContainersForPicker(runtime);
    const row = listing.containers.find((entry) => entry.name === made.name);
    expect(row).toMatchObject({
      appName: 'acme-site',
      image: APP_IMAGE,
      tag: 'latest',
      state: 'running',
      databases: { count: 6, atLeast: false, via: 'exec' },
    });
    expect(row?.startedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    const stopped = listing.containers.find((entry) => entry.name === `${prefix}stopped`);
    expect(stopped).toMatchObject({ state: 'exited', databases: { count: 6, via: 'archive' } });
    expect(listing.containers.some((entry) => entry.labels['sqlite-rescue.helper'] !== undefined)).toBe(false);
  }, 60_000);
});
