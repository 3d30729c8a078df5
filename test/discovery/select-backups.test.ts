import { describe, expect, it } from 'vitest';
import { discoverDatabases } from '../../src/discovery/discover-databases.js';
import { discoverBackups, selectBackups } from '../../src/discovery/select-backups.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { FakeContainerRuntime } from '../fakes/fake-container-runtime.js';
import { FakeLocalFiles } from '../fakes/fake-local-files.js';
import { sqliteBytes } from './sqlite-bytes.js';

function world() {
  const runtime = new FakeContainerRuntime(new FakeClock(), new FakeLocalFiles());
  runtime.addContainer({
    name: 'app',
    mounts: [
      { destination: '/data', volume: 'app-data' },
      { destination: '/backups', bind: '/srv/backups' },
    ],
  });
  runtime.putFile('app', '/data/app.db', sqliteBytes(), { mtime: '2026-11-25T18:00:00.000Z' });
  runtime.putFile('app', '/data/app.db-wal', Buffer.alloc(0));
  runtime.putFile('app', '/data/backups/app-2026-11-25.db', sqliteBytes(), { mtime: '2026-11-25T12:00:00.000Z' });
  runtime.putFile('app', '/data/app.sqlite.bak', sqliteBytes(), { mtime: '2026-11-24T12:00:00.000Z' });
  runtime.putFile('app', '/backups/site-data-2026-11-25.db', sqliteBytes(), { mtime: '2026-11-25T13:00:00.000Z' });
  runtime.putFile('app', '/backups/site-data-2026-11-25.db-wal', Buffer.alloc(0), { mtime: '2026-11-25T14:00:00.000Z' });
  runtime.putFile('app', '/backups/readme.txt', 'not a database');
  runtime.putFile('app', '/data/rescue-quarantine/20250101T020000Z/app.db', sqliteBytes());
  runtime.putFile('app', '/data/.app.db.rescue-20250101T020000Z.incoming', sqliteBytes());
  runtime.putFile('app', '/data/tenants/other.db', sqliteBytes());
  runtime.holdOpen('app', 1, '/data/app.db', '/data/app.db-wal', '/data/tenants/other.db');
  return runtime;
}

describe('selectBackups', () => {
  it('every other SQLite file, wherever and however named, newest first; never ours, the live one or another open one', async () => {
    const found = await discoverBackups(world(), 'app', '/data/app.db');
    expect(found.backups.map((backup) => [backup.path, backup.folder, backup.sameMountAsLive])).toEqual([
      // Its -wal is newer than the .db: that is when the backup last changed.
      ['/backups/site-data-2026-11-25.db', '/backups', false],
      ['/data/backups/app-2026-11-25.db', '/data/backups', true],
      ['/data/app.sqlite.bak', '/data', true],
    ]);
    expect(found.backups[0]).toMatchObject({
      wal: { path: '/backups/site-data-2026-11-25.db-wal' },
      foundVia: 'exec',
      mount: { type: 'bind' },
    });
    expect(found.otherLive.map((db) => db.path)).toEqual(['/data/tenants/other.db']);
    expect(found.ignored.map((entry) => entry.why)).toEqual(['staged copy', 'quarantine folder']);
    expect(found.commands.length).toBe(2);
  });

  it('a live path that was not found is said, and everything else is offered', async () => {
    const runtime = world();
    const discovery = await discoverDatabases(runtime, 'app');
    const found = selectBackups(discovery, '/data/elsewhere.db');
    expect(found.notes).toContain('the live database /data/elsewhere.db was not among the databases found');
    expect(found.backups.map((backup) => backup.path)).toContain('/data/backups/app-2026-11-25.db');
    expect(found.backups.every((backup) => backup.sameMountAsLive === false)).toBe(true);
  });
});
