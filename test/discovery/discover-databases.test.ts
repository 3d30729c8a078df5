// discoverDatabases over the fake engine: which way it reads the mounts for each state and image, what it finds, what
// it records. The fake runs WALK_SCRIPT's output format over its own files; the real script is proven in
// real-engine.test.ts.
import { describe, expect, it } from 'vitest';
import { discoverDatabases } from '../../src/discovery/discover-databases.js';
import type { DiscoveryCommand } from '../../src/discovery/types.js';
import { WALK_SCRIPT } from '../../src/discovery/walk-script.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { FakeContainerRuntime, type ContainerSpec } from '../fakes/fake-container-runtime.js';
import { FakeLocalFiles } from '../fakes/fake-local-files.js';
import { sqliteBytes } from './sqlite-bytes.js';

function world(spec: Partial<ContainerSpec> = {}) {
  const runtime = new FakeContainerRuntime(new FakeClock(), new FakeLocalFiles());
  runtime.addContainer({
    name: 'app',
    mounts: [
      { destination: '/data', volume: 'app-data' },
      { destination: '/srv/shared', bind: '/host/shared' },
    ],
    ...spec,
  });
  runtime.putFile('app', '/data/app.db', sqliteBytes({ size: 8192 }), { mtime: '2026-11-25T18:00:00.000Z' });
  runtime.putFile('app', '/data/app.db-wal', Buffer.alloc(0), { mtime: '2026-11-25T18:00:05.000Z' });
  runtime.putFile('app', '/data/app.db-shm', Buffer.alloc(32768));
  runtime.putFile('app', '/data/analytics.db', sqliteBytes({ journal: 'rollback' }), { mtime: '2026-10-01T00:00:00.000Z' });
  runtime.putFile('app', '/data/x/app.db', Buffer.from('a decoy: named like the database, no header'));
  runtime.putFile('app', '/data/backups/site-data-2026-11-25.db', sqliteBytes());
  runtime.putFile('app', '/data/rescue-quarantine/20250101T020000Z/app.db', sqliteBytes());
  runtime.putFile('app', '/srv/shared/site.sqlite', sqliteBytes());
  runtime.holdOpen('app', 1, '/data/app.db', '/data/app.db-wal', '/data/app.db-shm');
  return runtime;
}

const paths = (result: { databases: Array<{ path: string }> }) => result.databases.map((db) => db.path);
const ALL = ['/data/app.db', '/data/analytics.db', '/srv/shared/site.sqlite', '/data/backups/site-data-2026-11-25.db'];

describe('discoverDatabases in a running container', () => {
  it('one exec walks every mount: finds by header, the open one first, the decoy and quarantine left out', async () => {
    const runtime = world();
    const seen: DiscoveryCommand[] = [];
    const result = await discoverDatabases(runtime, 'app', { onCommand: (command) => seen.push(command) });
    expect(paths(result)).toEqual(ALL);
    expect(result).toMatchObject({
      via: 'exec',
      stoppedEarly: [],
      notes: [],
      openFiles: { known: true, processes: 1 },
      ignored: [{ path: '/data/rescue-quarantine', why: 'quarantine folder' }],
    });
    expect(result.unambiguous?.path).toBe('/data/app.db');
    expect(result.databases[0]).toMatchObject({
      openByApp: true,
      journalMode: 'wal',
      size: 8192,
      mtime: '2026-11-25T18:00:00.000Z',
      wal: { size: 0 },
      shm: { size: 32768 },
      mount: { type: 'volume', name: 'app-data' },
    });
    expect(result.databases[1]).toMatchObject({ path: '/data/analytics.db', openByApp: false, journalMode: 'rollback', wal: null });
    expect(result.databases[2].mount).toMatchObject({ type: 'bind', source: '/host/shared' });
    expect(runtime.execArgvs()).toEqual([expect.arrayContaining(['sh', '-c', WALK_SCRIPT, '/data', '/srv/shared'])]);
    expect(result.commands.map((command) => [command.where, command.cli.slice(0, 2), command.exitCode])).toEqual([
      ['engine', ['docker', 'inspect'], 0],
      ['container', ['docker', 'exec'], 0],
    ]);
    expect(seen).toEqual(result.commands);
  });

  it('without find: the same answer from the glob loop, and a note saying so', async () => {
    const runtime = world();
    runtime.withoutBinary('find');
    const result = await discoverDatabases(runtime, 'app');
    expect(paths(result)).toEqual(ALL);
    expect(result.notes).toContain('no find in the image: the mounts were walked with a shell glob loop');
  });

  it('without stat/head/od: headers through the archive API, open files still from the exec', async () => {
    const runtime = world();
    runtime.withoutBinary('od');
    const result = await discoverDatabases(runtime, 'app');
    expect(paths(result)).toEqual(ALL);
    expect(result).toMatchObject({ via: 'archive', openFiles: { known: true } });
    expect(result.notes).toContain('no od in the image: read through the archive API');
    expect(result.databases[0].openByApp).toBe(true);
    expect(result.commands.map((command) => command.cli.slice(0, 3))).toEqual([
      ['docker', 'inspect', 'app'],
      ['docker', 'exec', 'app'],
      ['docker', 'cp', 'app:/data'],
      ['docker', 'cp', 'app:/srv/shared'],
    ]);
  });

  it('without a shell: the archive API, open files unknown, no helper', async () => {
    const runtime = world();
    runtime.withoutBinary('sh');
    const result = await discoverDatabases(runtime, 'app');
    expect(paths(result)).toEqual([
      '/data/app.db',
      '/data/analytics.db',
      '/srv/shared/site.sqlite',
      '/data/backups/site-data-2026-11-25.db',
    ]);
    expect(result).toMatchObject({
      via: 'archive',
      openFiles: { known: false, reason: "the image has no shell: the app's open files cannot be listed" },
      unambiguous: null,
    });
    expect(result.databases[0].openByApp).toBeNull();
    expect(runtime.calls.some((call) => call.method === 'startHelper')).toBe(false);
  });

  it('open files another user owns: unknown, and said', async () => {
    const runtime = world();
    runtime.denyFds('app');
    const result = await discoverDatabases(runtime, 'app');
    expect(result.openFiles).toEqual({
      known: false,
      reason: "1 of 1 processes would not show their open files to the exec's user (the app runs as another user)",
    });
    expect(result.databases.map((db) => db.openByApp)).toEqual([null, null, null, null]);
  });

  it('an exec that fails (the app stopped after inspect) falls back to a helper', async () => {
    const runtime = world({ state: 'exited' });
    const details = { ...(await runtime.inspect('app')), state: 'running' as const };
    const result = await discoverDatabases(runtime, details);
    expect(result.via).toBe('helper');
    expect(result.commands.map((command) => [command.where, command.exitCode])).toEqual([
      ['container', 1],
      ['engine', 0],
      ['helper', 0],
      ['engine', 0],
    ]);
    expect(result.commands[0].error).toContain('not running');
  });

  it('a walk killed before it began (the OOM killer): the archive API reads the mounts, and that is said', async () => {
    const runtime = world();
    runtime.failExec((argv) => argv[2] === WALK_SCRIPT, { exitCode: 137, stdout: '', stderr: 'Killed\n' });
    const result = await discoverDatabases(runtime, 'app');
    expect(paths(result)).toEqual(ALL);
    expect(result).toMatchObject({
      via: 'archive',
      stoppedEarly: [],
      openFiles: { known: false, reason: 'the walk ended before it listed the open files' },
    });
    expect(result.notes).toEqual(['the walk in the container ended before it began (exit 137: Killed): read through the archive API']);
  });

  it('a walk killed part-way is said, not taken for a volume with nothing more on it', async () => {
    const runtime = world();
    // The script's own first lines (argv[4] is its mark), then nothing: killed in the middle of the walk.
    const partial = (argv: string[]) => ({
      exitCode: 137,
      stdout: `${argv[4]} T find stat head od ls\n${argv[4]} PE\n`,
      stderr: 'Killed\n',
    });
    runtime.failExec((argv) => argv[2] === WALK_SCRIPT, partial);
    const result = await discoverDatabases(runtime, 'app');
    expect(result).toMatchObject({ via: 'exec', databases: [] });
    expect(result.stoppedEarly).toEqual([{ reason: 'error', detail: 'the walk ended before its end (exit 137): Killed' }]);
  });

  it('no mounts: nothing searched, and why', async () => {
    const runtime = world({ mounts: [] });
    const result = await discoverDatabases(runtime, 'app');
    expect(result).toMatchObject({ databases: [], via: 'none', commands: [{ cli: ['docker', 'inspect', 'app'] }] });
    expect(result.notes[0]).toContain('has no volume or bind mount');
  });
});

describe('discoverDatabases when the app is not running', () => {
  it.each([
    ['exited', { known: true, processes: 0 }, false],
    ['restarting', { known: false, reason: 'it is restarting: the app holds files open only between crashes' }, null],
  ] as const)('%s: one exec in a helper from its image, removed after', async (state, openFiles, openByApp) => {
    const runtime = world({ state });
    const result = await discoverDatabases(runtime, 'app', { helperLabel: 'disc-test' });
    expect(paths(result)).toEqual(ALL);
    expect(result).toMatchObject({ via: 'helper', openFiles, unambiguous: null });
    expect(result.databases[0].openByApp).toBe(openByApp);
    const methods = runtime.calls.map((call) => call.method);
    expect(methods).toEqual(['inspect', 'startHelper', 'exec', 'removeHelper']);
    // Its volumes read-only: a helper that only reads cannot change what it looks at.
    expect(runtime.calls[1].args).toEqual([
      expect.any(String),
      { name: 'app-rescue-disc-test-read', label: 'disc-test', readOnlyVolumes: true },
    ]);
    expect(result.commands.map((command) => command.where)).toEqual(['engine', 'engine', 'helper', 'engine']);
    expect(result.commands[3].cli.slice(0, 3)).toEqual(['docker', 'rm', '--force']);
  });

  it('an image without sleep (no helper): the archive API', async () => {
    const runtime = world({ state: 'exited' });
    runtime.withoutBinary('sleep');
    const result = await discoverDatabases(runtime, 'app');
    expect(paths(result)).toEqual(ALL);
    expect(result.via).toBe('archive');
    expect(result.notes[0]).toMatch(/^app is exited; no helper \(.*sleep.*\): read through the archive API$/);
    expect(result.commands.map((command) => [command.cli[1], command.exitCode])).toEqual([
      ['inspect', 0],
      ['run', 1],
      ['cp', 0],
      ['cp', 0],
    ]);
  });

  it('a mount inside another is read once through the archive API: the outer tar holds it', async () => {
    const runtime = world({
      state: 'exited',
      mounts: [
        { destination: '/data', volume: 'app-data' },
        { destination: '/data/uploads', volume: 'up' },
      ],
    });
    runtime.putFile('app', '/data/uploads/tenant.db', sqliteBytes());
    const result = await discoverDatabases(runtime, 'app', { allowHelper: false });
    expect(paths(result)).toContain('/data/uploads/tenant.db');
    expect(result.databases.find((db) => db.path === '/data/uploads/tenant.db')?.mount.name).toBe('up');
    expect(runtime.calls.filter((call) => call.method === 'walkArchive').map((call) => call.args[1])).toEqual(['/data']);
  });

  it('allowHelper false: the archive API, no helper attempted', async () => {
    const runtime = world({ state: 'exited' });
    const result = await discoverDatabases(runtime, 'app', { allowHelper: false });
    expect(result.via).toBe('archive');
    expect(runtime.calls.some((call) => call.method === 'startHelper')).toBe(false);
  });
});

describe('bounds', () => {
  it('a file count limit stops the walk and says so', async () => {
    const runtime = world();
    for (let i = 0; i < 20; i += 1) runtime.putFile('app', `/data/tenants/t${String(i).padStart(2, '0')}.db`, sqliteBytes());
    const result = await discoverDatabases(runtime, 'app', { limits: { maxFiles: 5 } });
    expect(result.stoppedEarly).toEqual([{ reason: 'files', detail: 'looked at 5 files, the limit; the rest were not looked at' }]);
    expect(result.databases.length).toBeLessThanOrEqual(5);
  });

  it('a depth limit says which folders were not entered', async () => {
    const runtime = world();
    runtime.putFile('app', '/data/a/b/c/deep.db', sqliteBytes());
    const result = await discoverDatabases(runtime, 'app', { limits: { maxDepth: 2 } });
    expect(paths(result)).not.toContain('/data/a/b/c/deep.db');
    expect(result.stoppedEarly).toEqual([{ reason: 'depth', detail: '1 folder(s) at depth 2 were not entered: /data/a/b' }]);
  });

  it('the archive byte limit stops a walk part-way and says where', async () => {
    const runtime = world({ state: 'exited' });
    runtime.putFile('app', '/data/big.db', sqliteBytes({ size: 4 * 1024 * 1024 }));
    const result = await discoverDatabases(runtime, 'app', { allowHelper: false, limits: { maxArchiveBytes: 2 * 1024 * 1024 } });
    expect(result.stoppedEarly[0]).toEqual({
      reason: 'bytes',
      detail: 'the archive API sends whole files: stopped reading /data at 1.1 MiB after /data/big.db',
    });
    expect(paths(result)).toContain('/data/big.db');
    const walks = runtime.calls.filter((call) => call.method === 'walkArchive');
    expect(walks.map((call) => (call.args[2] as { maxBytes: number }).maxBytes)).toEqual([1024 * 1024, expect.any(Number)]);
  });
});
