// The whole recovery against the real Docker engine, as `restore --yes --json` runs it in a script.
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/runbook/events.js';
import { runCli, type CliRun } from '../support/cli.js';
import { docker } from '../support/docker/docker-cli.js';
import { makeTestPrefix, removeTestResources, waitForAppDatabase } from '../support/docker/app-container.js';
import { waitUntil } from '../support/wait-until.js';
import { buildOutage, type Outage } from '../support/outage.js';
import { sha256File, sidecarHashes } from '../support/sqlite-fixtures.js';

const DB = '/data/app.db';

async function sqliteIn(container: string, sql: string): Promise<string> {
  return docker(['exec', container, 'sqlite3', '-readonly', '-json', DB, sql]);
}

async function startedAt(container: string): Promise<string> {
  return docker(['inspect', '--format', '{{.State.StartedAt}} {{.State.Status}}', container]);
}

describe('restore --yes --json against a real outage', () => {
  let outage: Outage;
  let run: CliRun;
  let incidentDir: string;
  let localBefore: Record<string, string>;
  let backupsBefore: Record<string, string>;
  let previewBefore: string;

  beforeAll(async () => {
    outage = await buildOutage(makeTestPrefix('restore'));
    // The app must have opened the corrupt database and be writing (or failing to) before the rescue starts.
    await waitForAppDatabase(outage.production.name);
    const liveCheck = await docker(['exec', outage.production.name, 'sqlite3', '-readonly', DB, 'PRAGMA integrity_check;']).catch(
      (error: Error) => error.message,
    );
    expect(liveCheck.trim()).not.toBe('ok');

    localBefore = sidecarHashes(outage.local.path);
    backupsBefore = Object.fromEntries(
      readdirSync(join(outage.productionData, 'backups')).map((name) => [name, sha256File(join(outage.productionData, 'backups', name))]),
    );
    previewBefore = await startedAt(outage.preview.name);
    incidentDir = join(outage.workDir, 'incident');
    run = await runCli([
      'restore',
      '--yes',
      '--json',
      '--container',
      `${outage.prefix}app`,
      '--db',
      DB,
      '--local',
      outage.local.path,
      '--incident-dir',
      incidentDir,
    ]);
  }, 300_000);

  afterAll(async () => {
    if (outage) await removeTestResources(outage.prefix);
  });

  it('exits 0 with every step succeeded and the events on stdout', () => {
    const finished = run.events.at(-1) as Extract<RunEvent, { type: 'run-finished' }>;
    expect({ exitCode: run.exitCode, finished: finished?.type, stderrTail: run.exitCode === 0 ? '' : run.stderr.slice(-2000) }).toEqual({
      exitCode: 0,
      finished: 'run-finished',
      stderrTail: '',
    });
    expect(finished.exitCode).toBe(0);
    const succeeded = run.events.filter((event) => event.type === 'step-succeeded').map((event) => (event as { stepId: string }).stepId);
    expect(succeeded).toEqual([
      'find-container',
      'check-live-db',
      'test-backups',
      'choose-source',
      'snapshot-source',
      'stage-in-container',
      'stop-app',
      'quarantine-and-swap',
      'start-app',
      'verify',
    ]);
    expect(run.events[0].type).toBe('run-started');
    expect(run.stderr).toContain('restored and verified');
  });

  it('finds every backup corrupt, whatever its size', () => {
    const tested = run.events.find((event) => event.type === 'step-succeeded' && event.stepId === 'test-backups') as {
      data: Array<{ ok: boolean; size: number }>;
    };
    expect(tested.data).toHaveLength(3);
    expect(tested.data.every((backup) => !backup.ok && backup.size > 0)).toBe(true);
  });

  it('leaves production running on a healthy database with every row of the local copy, WAL-only rows included', async () => {
    expect((await startedAt(outage.production.name)).endsWith('running')).toBe(true);
    expect((await docker(['exec', outage.production.name, 'sqlite3', '-readonly', DB, 'PRAGMA integrity_check;'])).trim()).toBe('ok');

    // Read on a private copy: opening the operator's file here would itself create a -shm beside it.
    const scratch = mkdtempSync(join(outage.workDir, 'read-local-'));
    copyFileSync(outage.local.path, join(scratch, 'local.db'));
    copyFileSync(`${outage.local.path}-wal`, join(scratch, 'local.db-wal'));
    const local = new Database(join(scratch, 'local.db'), { readonly: true });
    const expected = local.prepare('SELECT id, at, note FROM events ORDER BY id').all();
    const users = local.prepare('SELECT count(*) AS n FROM users').get() as { n: number };
    local.close();
    expect(expected).toHaveLength(2800);
    const restored = JSON.parse(
      await sqliteIn(outage.production.name, `SELECT id, at, note FROM events WHERE id <= ${outage.local.maxEventId} ORDER BY id;`),
    );
    expect(restored).toEqual(expected);
    expect(JSON.parse(await sqliteIn(outage.production.name, 'SELECT count(*) AS n FROM users;'))).toEqual([users]);
  });

  it("keeps getting the app's new writes", async () => {
    const count = async () =>
      (JSON.parse(await sqliteIn(outage.production.name, 'SELECT count(*) AS n FROM events;')) as Array<{ n: number }>)[0].n;
    const before = await count();
    await waitUntil('the app writes a row after the restore', async () => (await count()) > before);
    expect(before).toBeGreaterThan(2800);
  });

  it('has the corrupted .db, -wal and -shm in quarantine, with the sha256 the record lists', async () => {
    const manifest = readFileSync(join(incidentDir, 'quarantine.sha256'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(/\s+/));
    const names = manifest.map(([, path]) => path.split('/').pop());
    expect(names).toEqual(['app.db', 'app.db-wal', 'app.db-shm']);
    for (const [hash, path] of manifest) {
      expect(path.startsWith('/data/rescue-quarantine/')).toBe(true);
      expect(sha256File(join(outage.productionData, path.replace(/^\/data\//, '')))).toBe(hash);
    }
    const quarantined = join(outage.productionData, manifest[0][1].replace(/^\/data\//, ''));
    const corrupt = new Database(quarantined, { readonly: true, fileMustExist: true });
    let verdict: string;
    try {
      verdict = (corrupt.prepare('PRAGMA integrity_check').all() as Array<{ integrity_check: string }>)[0].integrity_check;
    } catch (error) {
      verdict = (error as Error).message;
    } finally {
      corrupt.close();
    }
    expect(verdict).not.toBe('ok');
    expect(readFileSync(join(incidentDir, 'report.md'), 'utf8')).toContain(manifest[0][1]);
  });

  it('leaves the preview container, the backups and the local copy unchanged', async () => {
    expect(await startedAt(outage.preview.name)).toBe(previewBefore);
    expect(existsSync(join(outage.previewData, 'rescue-quarantine'))).toBe(false);
    const backupsAfter = Object.fromEntries(
      readdirSync(join(outage.productionData, 'backups')).map((name) => [name, sha256File(join(outage.productionData, 'backups', name))]),
    );
    expect(backupsAfter).toEqual(backupsBefore);
    expect(sidecarHashes(outage.local.path)).toEqual(localBefore);
    expect(Object.keys(localBefore).sort()).toEqual(['-wal', '.db']);
  });

  it('writes the record as it goes: events.ndjson equal to stdout, and a report', () => {
    const journal = readFileSync(join(incidentDir, 'events.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(journal).toEqual(run.events);
    const report = readFileSync(join(incidentDir, 'report.md'), 'utf8');
    expect(report).toContain('exit 0: restored and verified');
    expect(report).toMatch(/^- downtime \(app stopped → started\): ([\d.]+ s|\d+ ms)$/m);
  });
});
