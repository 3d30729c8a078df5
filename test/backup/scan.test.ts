import { describe, expect, it } from 'vitest';
import { backupsOf, problemsOf, renderScanTable, splitLiveAndBackups, type ScanRow } from '../../src/backup/scan.js';
import type { FoundDatabase } from '../../src/discovery/types.js';

const mount = { type: 'volume', source: '/var/lib/docker/volumes/v/_data', destination: '/data', rw: true, name: 'v' };

function db(path: string, over: Partial<FoundDatabase> = {}): FoundDatabase {
  return {
    path,
    size: 4096,
    mtime: '2026-11-25T06:00:00.000Z',
    journalMode: 'wal',
    header: { journalMode: 'wal', pageSize: 4096, pageCount: 1, textEncoding: 'utf8', reservedBytes: 0 },
    wal: null,
    shm: null,
    mount,
    openByApp: false,
    openBy: [],
    reasons: [],
    ...over,
  };
}

describe('scan: live databases and their backups', () => {
  it('a database the app has open is live, whatever its name; one that looks like a copy and is not open is a backup', () => {
    const split = splitLiveAndBackups([
      db('/data/app.db', { openByApp: true }),
      db('/data/backups/app-2026-11-25-0600.db'),
      db('/data/backup.db', { openByApp: true }),
      db('/data/tenants/t1.db'),
      db('/data/backups/app-2026-11-25-0700.db.partial'),
    ]);
    expect(split.live.map((entry) => entry.path)).toEqual(['/data/app.db', '/data/backup.db', '/data/tenants/t1.db']);
    expect(split.backups.map((entry) => entry.path)).toEqual(['/data/backups/app-2026-11-25-0600.db']);
  });

  it('a backup belongs to the live database whose name it starts with (the longest), newest first', () => {
    const live = [db('/data/tenant-1.db'), db('/data/tenant-10.db')];
    const backups = [
      db('/data/backups/tenant-1-2026-11-25-0600.db', { mtime: '2026-11-25T06:00:00.000Z' }),
      db('/data/backups/tenant-1-2026-11-25-1200.db', { mtime: '2026-11-25T12:00:00.000Z' }),
      db('/data/backups/tenant-10-2026-11-25-0600.db'),
      db('/data/backups/unrelated.db'),
    ];
    const owners = backupsOf(live, backups);
    expect(owners.get('/data/tenant-1.db')?.map((entry) => entry.path)).toEqual([
      '/data/backups/tenant-1-2026-11-25-1200.db',
      '/data/backups/tenant-1-2026-11-25-0600.db',
    ]);
    expect(owners.get('/data/tenant-10.db')?.map((entry) => entry.path)).toEqual(['/data/backups/tenant-10-2026-11-25-0600.db']);
  });

  it('a backup that belongs to none of several databases is an orphan, reported on its own', () => {
    const owners = backupsOf([db('/data/a.db'), db('/data/b.db')], [db('/data/exports/old-report.db')]);
    expect(owners.orphans.map((entry) => entry.path)).toEqual(['/data/exports/old-report.db']);
    expect(owners.get('/data/a.db')).toEqual([]);
    expect(
      problemsOf(
        {
          container: 'x',
          role: 'production',
          state: 'running',
          path: '/data/exports/old-report.db',
          size: 1,
          journalMode: 'wal',
          health: 'ok',
          onCopy: false,
          backupCount: 0,
          isOrphanBackup: true,
        },
        1,
      ),
    ).toEqual([]);
  });

  it('with one live database, every backup of its container is its own', () => {
    const owners = backupsOf([db('/data/app.db')], [db('/data/backups/daily-1.db')]);
    expect(owners.get('/data/app.db')?.map((entry) => entry.path)).toEqual(['/data/backups/daily-1.db']);
  });
});

describe('scan: problems', () => {
  const base: Omit<ScanRow, 'problems'> = {
    container: 'app',
    role: 'production',
    state: 'running',
    path: '/data/app.db',
    size: 4096,
    journalMode: 'wal',
    health: 'ok',
    onCopy: false,
    backupCount: 1,
    newestBackup: { path: '/data/backups/a.db', ageMs: 3_600_000, health: 'ok' },
  };
  const sixHours = 6 * 3_600_000;

  it('none when healthy with a healthy backup young enough', () => {
    expect(problemsOf(base, sixHours)).toEqual([]);
  });

  it('corrupt, no backup, a corrupt newest backup, an old one: each said', () => {
    expect(problemsOf({ ...base, health: 'corrupt', detail: 'Tree 2 page 5' }, sixHours)).toEqual(['corrupt: Tree 2 page 5']);
    expect(problemsOf({ ...base, newestBackup: undefined }, sixHours)).toEqual(['no backup found']);
    expect(
      problemsOf({ ...base, newestBackup: { path: '/data/backups/a.db', ageMs: 1, health: 'corrupt', detail: 'row 1 missing' } }, sixHours),
    ).toEqual(['its newest backup /data/backups/a.db is corrupt: row 1 missing']);
    expect(problemsOf({ ...base, newestBackup: { path: '/data/backups/a.db', ageMs: 8 * 3_600_000, health: 'ok' } }, sixHours)).toEqual([
      'its newest backup is 8h00m old, older than --max-age 6h',
    ]);
  });

  it('a PR preview needs no backup, but its corruption is still said', () => {
    expect(problemsOf({ ...base, role: 'preview', newestBackup: undefined }, sixHours)).toEqual([]);
    expect(problemsOf({ ...base, role: 'preview', health: 'corrupt', newestBackup: undefined }, sixHours)).toHaveLength(1);
  });

  it('renders one line per database with its problems under it', () => {
    const lines = renderScanTable([
      { ...base, problems: [] },
      { ...base, container: 'other', health: 'corrupt', newestBackup: undefined, problems: ['corrupt: x', 'no backup found'] },
    ]);
    expect(lines[0]).toMatch(/^CONTAINER\s+ROLE\s+DATABASE\s+SIZE\s+MODE\s+CHECK\s+NEWEST BACKUP\s+AGE\s+ITS CHECK$/);
    expect(lines[1]).toMatch(/^app\s+production\s+\/data\/app\.db\s+4 KB\s+wal\s+ok\s+\/data\/backups\/a\.db\s+1h00m\s+ok$/);
    expect(lines.slice(3)).toEqual(['    ✘ corrupt: x', '    ✘ no backup found']);
  });
});
