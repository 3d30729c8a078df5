import { describe, expect, it } from 'vitest';
import type { BackupManifest } from '../../src/backup/manifest.js';
import { judgeBackups, type BackupCheck } from '../../src/backup/verdict.js';
import type { CheckVerdict } from '../../src/steps/checks.js';

const NOW = Date.UTC(2026, 10, 25, 12, 0);
const HOUR = 3_600_000;
const ok: CheckVerdict = {
  verdict: 'ok',
  check: 'integrity_check',
  errors: [],
  errorCount: 0,
  ranBy: 'sqlite3 in the container',
  onCopy: false,
};
const corrupt = (error: string): CheckVerdict => ({ ...ok, verdict: 'corrupt', errors: [error], errorCount: 1 });

function check(path: string, over: Partial<BackupCheck> = {}): BackupCheck {
  return {
    path,
    size: 4096,
    takenAt: new Date(NOW - HOUR).toISOString(),
    ageFrom: 'mtime',
    journalMode: 'rollback',
    hasWal: false,
    verdict: ok,
    schemaDiff: [],
    tables: { events: 90 },
    ...over,
  };
}

const options = { nowMs: NOW, maxAgeMs: 6 * HOUR, production: { path: '/data/app.db', tables: { events: 100 } } };

describe('judgeBackups', () => {
  it('exit 0: every backup healthy and restorable, the newest younger than --max-age', () => {
    const judged = judgeBackups(
      [check('/data/backups/a.db'), check('/data/backups/b.db', { takenAt: new Date(NOW - 5 * HOUR).toISOString() })],
      options,
    );
    expect(judged.exitCode).toBe(0);
    expect(judged.newest).toEqual({ path: '/data/backups/a.db', ageMs: HOUR });
    expect(judged.headline).toBe('2 backups healthy and restorable; the newest is 1h00m old');
    expect(judged.backups[0].notes).toContain('rows fewer than production: events 10');
  });

  it('exit 1 when the newest healthy backup is older than --max-age, saying both', () => {
    const judged = judgeBackups([check('/data/backups/a.db', { takenAt: new Date(NOW - 8 * HOUR).toISOString() })], options);
    expect(judged.exitCode).toBe(1);
    expect(judged.headline).toContain('the newest healthy backup is 8h00m old, older than --max-age 6h');
  });

  it('a corrupt backup beside good ones is still exit 1, and it is named', () => {
    const judged = judgeBackups(
      [check('/data/backups/good.db'), check('/data/backups/bad.db', { verdict: corrupt('row 5 missing from index events_at') })],
      options,
    );
    expect(judged.exitCode).toBe(1);
    const bad = judged.backups.find((backup) => backup.path === '/data/backups/bad.db');
    expect(bad?.isHealthy).toBe(false);
    expect(bad?.problems[0]).toContain('row 5 missing from index events_at');
    expect(judged.headline).toContain('1 of 2 backups has a problem');
  });

  it('a WAL-mode file that fails integrity_check is named a live-copy tear', () => {
    const judged = judgeBackups(
      [check('/data/backups/daily.db', { journalMode: 'wal', verdict: corrupt('Tree 2 page 56 cell 42: Rowid 5267 out of order') })],
      options,
    );
    expect(judged.backups[0].problems.join(' ')).toMatch(/torn: .*live-copy tear/);
    expect(judged.headline).toContain('none of the 1 backups is healthy');
  });

  it('a backup healthy alone but not with its -wal is a -wal generation mismatch', () => {
    const judged = judgeBackups(
      [check('/data/backups/x.db', { hasWal: true, withWal: corrupt('database disk image is malformed') })],
      options,
    );
    expect(judged.exitCode).toBe(1);
    expect(judged.backups[0].problems[0]).toContain('-wal generation mismatch');
  });

  it('a backup whose schema differs from production is not restorable as it is', () => {
    const judged = judgeBackups([check('/data/backups/old.db', { schemaDiff: ['table users missing'] })], options);
    expect(judged.backups[0]).toMatchObject({ isHealthy: true, isRestorable: false });
    expect(judged.backups[0].problems[0]).toContain('table users missing');
    expect(judged.exitCode).toBe(1);
  });

  it('a backup that could not be checked is not called healthy', () => {
    const judged = judgeBackups([check('/data/backups/x.db', { verdict: null, unchecked: 'no such file' })], options);
    expect(judged.exitCode).toBe(1);
    expect(judged.backups[0].problems).toEqual(['not checked: no such file']);
  });

  it('names identical contents: backups that are not rotating', () => {
    const sha256 = 'a'.repeat(64);
    const judged = judgeBackups(
      [
        check('/data/backups/mon.db', { sha256 }),
        check('/data/backups/tue.db', { sha256 }),
        check('/data/backups/wed.db', { sha256: 'b'.repeat(64) }),
      ],
      options,
    );
    expect(judged.traps).toEqual([
      expect.stringContaining('2 backups have identical contents (/data/backups/mon.db, /data/backups/tue.db)'),
    ]);
    expect(judged.exitCode).toBe(1);
  });

  it('names day-stamped names only when --max-age is under a day', () => {
    const daily = [check('/data/backups/app-2026-11-25.db')];
    expect(judgeBackups(daily, options).traps[0]).toContain('named by the day only');
    expect(judgeBackups(daily, { ...options, maxAgeMs: 25 * HOUR }).traps).toEqual([]);
  });

  it('a backup whose sha256 differs from its manifest changed since it was taken', () => {
    const manifest = { sha256: 'c'.repeat(64) } as BackupManifest;
    const judged = judgeBackups(
      [check('/data/backups/app-2026-11-25-0600.db', { manifest, sha256: 'd'.repeat(64), ageFrom: 'manifest' })],
      options,
    );
    expect(judged.backups[0].problems[0]).toContain('changed since it was taken');
  });

  it('exit 1 when there is no backup at all', () => {
    const judged = judgeBackups([], options);
    expect(judged).toMatchObject({ exitCode: 1, headline: 'no backup of /data/app.db was found' });
  });
});
