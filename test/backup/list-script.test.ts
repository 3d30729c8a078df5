import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listArgv, parseListing } from '../../src/backup/list-script.js';
import { manifestText, type BackupManifest } from '../../src/backup/manifest.js';

const work = mkdtempSync(join(tmpdir(), 'list-script-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const manifest: BackupManifest = {
  tool: 'sqlite-rescue',
  manifestVersion: 1,
  kind: 'backup',
  database: '/data/app.db',
  container: 'app',
  image: 'app:1',
  file: 'app-2026-11-25-0600.db',
  takenAt: '2026-11-25T06:00:01.000Z',
  takenBy: 'VACUUM INTO by sqlite3 in the container',
  durationMs: 10,
  bytes: 4096,
  sha256: 'e'.repeat(64),
  journalMode: 'delete',
  integrityCheck: 'ok',
  tables: { events: 3 },
};

// The real shells the images carry: dash (Debian's sh) and busybox's ash.
const shells = [['/bin/dash'], ['/bin/busybox', 'sh']];

function list(shell: string[], dir: string, stem = 'app', mark = 'MK') {
  const [binary, ...first] = shell;
  const [, ...args] = listArgv(mark, dir, stem);
  return parseListing(execFileSync(binary, [...first, ...args]).toString(), mark);
}

describe.each(shells)('the backups folder listing in %s', (...shell) => {
  const dir = join(work, shell.join('-').replaceAll('/', '_'));
  mkdirSync(dir);
  writeFileSync(join(dir, 'app-2026-11-25-0600.db'), 'x');
  writeFileSync(join(dir, 'app-2026-11-25-0600.db.json'), manifestText(manifest));
  writeFileSync(join(dir, 'app-2026-11-25-0700.db.json'), '{"tool":"someone else"}\n');
  writeFileSync(join(dir, '.app-hidden'), '');
  writeFileSync(join(dir, 'with space.db'), '');
  writeFileSync(join(dir, 'MK F forged'), 'a name that looks like a line of the listing');
  writeFileSync(join(dir, 'app-2026-11-25-0800.db.json'), `${JSON.stringify(manifest)}`);
  symlinkSync('/etc/passwd', join(dir, 'app-2026-11-25-0900.db.json'));

  it('lists every name, hidden ones and odd ones included', () => {
    const listing = list(shell, dir);
    expect(listing.complete).toBe(true);
    expect(listing.exists).toBe(true);
    expect(listing.names.sort()).toEqual(
      [
        '.app-hidden',
        'MK F forged',
        'app-2026-11-25-0600.db',
        'app-2026-11-25-0600.db.json',
        'app-2026-11-25-0700.db.json',
        'app-2026-11-25-0800.db.json',
        'app-2026-11-25-0900.db.json',
        'with space.db',
      ].sort(),
    );
  });

  it('reads back the manifests of ours (a last line without a newline too), never one that is not, never through a link', () => {
    const listing = list(shell, dir);
    expect([...listing.manifests.keys()].sort()).toEqual(['app-2026-11-25-0600.db.json', 'app-2026-11-25-0800.db.json']);
    expect(listing.manifests.get('app-2026-11-25-0600.db.json')).toEqual(manifest);
  });

  it('says when the folder does not exist', () => {
    expect(list(shell, join(dir, 'nope'))).toEqual({ exists: false, names: [], manifests: new Map(), complete: true });
  });

  it('a listing cut short is not complete', () => {
    const [binary, ...first] = shell;
    const [, ...args] = listArgv('MK', dir, 'app');
    const full = execFileSync(binary, [...first, ...args]).toString();
    expect(parseListing(full.slice(0, full.indexOf('MK END')), 'MK').complete).toBe(false);
  });
});
