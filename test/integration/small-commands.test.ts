// The small commands of the contract, run as an operator would: `check FILE...` and `runbook print [NAME]`.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { corruptBtreePage, makeAppDb, makeLocalCopyWithWalOnlyRows, sidecarHashes } from '../support/sqlite-fixtures.js';

describe('check FILE...', () => {
  const dir = mkdtempSync(join(tmpdir(), 'check-cmd-'));
  const healthy = join(dir, 'healthy.db');
  const corrupt = join(dir, 'corrupt.db');
  makeLocalCopyWithWalOnlyRows(healthy, { rows: 300, walRows: 50, seed: 1 });
  makeAppDb(corrupt, { rows: 1500, seed: 2 });
  corruptBtreePage(corrupt, { seed: 3 });

  it('exit 0 for a healthy file read through its -wal, which stays byte for byte the same', async () => {
    const before = sidecarHashes(healthy);
    const run = await runCli(['check', healthy]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^ok +${healthy} \\(integrity_check, \\d+ ms\\)`));
    expect(sidecarHashes(healthy)).toEqual(before);
  });

  it('exit 1 when any file is corrupt or missing, each named with its problem', async () => {
    const run = await runCli(['check', '--quick', healthy, corrupt, join(dir, 'missing.db')]);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(`ok       ${healthy} (quick_check`);
    expect(run.stdout).toContain(`CORRUPT  ${corrupt} (quick_check)`);
    expect(run.stdout).toMatch(/ERROR +\S+missing\.db: /);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('--json: one object per file', async () => {
    const run = await runCli(['check', '--json', corrupt]);
    expect(run.exitCode).toBe(1);
    const line = JSON.parse(run.stdout.trim());
    expect(line).toMatchObject({ path: corrupt, ok: false, check: 'integrity_check' });
    expect(line.errorCount).toBeGreaterThan(0);
  });
});

describe('runbook print', () => {
  it('prints the runbook as Markdown: every step, its why and its commands', async () => {
    const run = await runCli(['runbook', 'print']);
    expect(run.exitCode).toBe(0);
    expect(run.stdout.match(/^## \d+\. /gm)).toHaveLength(10);
    expect(run.stdout).toContain('## 8. Quarantine the corrupted files and swap in the snapshot ⚠');
    // The commands the run performs, from the same declarations, with the blanks named.
    expect(run.stdout).toContain(
      "docker exec '<container>' sqlite3 -readonly '<db-dir>/<db-name>' 'PRAGMA mmap_size=2147418112; PRAGMA quick_check;'",
    );
    expect(run.stdout).toContain("docker exec '<swap-helper>' mv '<db-dir>/.<db-name>.rescue-<incident>.incoming' '<db-dir>/<db-name>'");
  });

  it('an unknown name: exit 2 naming the runbooks there are', async () => {
    const run = await runCli(['runbook', 'print', 'nope']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('no runbook named "nope"');
    expect(run.stderr).toContain('what to do: known runbooks: sqlite-backup, sqlite-scan, sqlite-verify, sqlite-wal-restore');
  });
});
