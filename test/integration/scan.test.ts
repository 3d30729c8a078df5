// `sqlite-rescue scan` on an engine of the test's own (scan looks at every container, and the shared engine holds other
// people's): production with a fresh backup, a PR preview, a corrupt database, an image without sqlite3 whose backup is
// too old, a stopped container, and 200 small tenant databases in one container. Verdicts per database, the exit code,
// and the time against one `docker exec … sqlite3 … 'PRAGMA quick_check;'` per database.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanRow } from '../../src/backup/scan.js';
import type { RunEvent } from '../../src/runbook/events.js';
import { runCli } from '../support/cli.js';
import { APP_IMAGE } from '../support/docker/ensure-test-images.js';
import { docker } from '../support/docker/docker-cli.js';
import { DISC_NOFIND_IMAGE, ensureDiscoveryImages } from '../support/docker/discovery-images.js';
import { startPrivateEngine, type PrivateEngine } from '../support/docker/private-engine.js';
import { volumePath } from '../support/outage.js';
import { corruptBtreePage, makeAppDb, tenantDb } from '../support/sqlite-fixtures.js';
import { hostSql, startWritingApp, waitFor, type WritingApp } from '../support/backup-app.js';

const work = mkdtempSync(join(tmpdir(), 'scan-it-'));
const env = { XDG_STATE_HOME: join(work, 'state') };
const TENANTS = 200;
const HOUR = 3_600_000;
let engine: PrivateEngine;
const sharedDockerHost = process.env.DOCKER_HOST;

const rowsOf = (events: RunEvent[]) =>
  events.flatMap((event) => (event.type === 'finding' && (event.data as ScanRow | undefined)?.path ? [event.data as ScanRow] : []));
const row = (rows: ScanRow[], container: string, path: string) =>
  rows.find((entry) => entry.container === container && entry.path === path);

async function scan(args: string[] = []) {
  const started = Date.now();
  const run = await runCli(['scan', '--json', ...args], { env: { ...env, DOCKER_HOST: engine.dockerHost } });
  return { ...run, ms: Date.now() - started };
}

beforeAll(async () => {
  await ensureDiscoveryImages();
  engine = await startPrivateEngine(`srt-scan-${process.pid}`, { images: [APP_IMAGE, DISC_NOFIND_IMAGE] });
  process.env.DOCKER_HOST = engine.dockerHost;
}, 240_000);

afterAll(async () => {
  await engine?.stop();
  if (sharedDockerHost === undefined) delete process.env.DOCKER_HOST;
  else process.env.DOCKER_HOST = sharedDockerHost;
  rmSync(work, { recursive: true, force: true });
});

describe('scan', () => {
  let shop: WritingApp;

  beforeAll(async () => {
    [shop] = await Promise.all([
      startWritingApp({ name: 'shop', image: APP_IMAGE, rows: 2000, labels: { 'coolify.pullRequestId': '0' } }),
      startWritingApp({ name: 'shop-pr-12', image: APP_IMAGE, rows: 200, labels: { 'coolify.pullRequestId': '12' } }),
    ]);
    await waitFor('the apps writing', () => hostSql(join(shop.data, 'app.db'), 'SELECT count(*) FROM events;') !== '0');
    const made = await runCli(['backup', '--container', 'shop', '--db', '/data/app.db'], {
      env: { ...env, DOCKER_HOST: engine.dockerHost },
    });
    expect(made.exitCode, made.stderr).toBe(0);
  }, 120_000);

  it('exit 0 when every database is healthy and has a healthy backup young enough (a preview needs none)', async () => {
    const run = await scan();
    expect(run.exitCode, run.stderr).toBe(0);
    expect((run.events.at(-1) as { headline: string }).headline).toBe(
      '2 databases in 2 containers: every one healthy, each with a healthy backup young enough',
    );
    const rows = rowsOf(run.events);
    expect(rows.map((entry) => `${entry.container}:${entry.path}`).sort()).toEqual(['shop-pr-12:/data/app.db', 'shop:/data/app.db']);
    expect(row(rows, 'shop', '/data/app.db')).toMatchObject({
      role: 'production',
      health: 'ok',
      journalMode: 'wal',
      backupCount: 1,
      newestBackup: { health: 'ok' },
      problems: [],
    });
    expect(row(rows, 'shop', '/data/app.db')?.newestBackup?.path).toMatch(/^\/data\/backups\/app-\d{4}-\d\d-\d\d-\d{4}\.db$/);
    expect(row(rows, 'shop-pr-12', '/data/app.db')).toMatchObject({ role: 'preview', health: 'ok', problems: [] });
  }, 120_000);

  describe('with a corrupt database, an old backup, a stopped container and 200 tenants', () => {
    beforeAll(async () => {
      // ledger: a damaged table page, and a healthy backup beside it; nothing holds it open.
      await docker(['volume', 'create', 'ledger-data']);
      const ledgerData = await volumePath('ledger-data');
      makeAppDb(join(ledgerData, 'ledger.db'), { rows: 3000, seed: 4 });
      mkdirSync(join(ledgerData, 'backups'));
      copyFileSync(join(ledgerData, 'ledger.db'), join(ledgerData, 'backups', 'ledger-2026-11-25-0600.db'));
      corruptBtreePage(join(ledgerData, 'ledger.db'), { seed: 9, target: 'table' });
      await docker(['run', '-d', '--name', 'ledger', '--network', 'none', '-v', 'ledger-data:/data', APP_IMAGE, 'sleep', '86400']);
      // nosql: no sqlite3 in the image; its only backup is 8 hours old.
      const nosql = await startWritingApp({ name: 'nosql', image: DISC_NOFIND_IMAGE, rows: 500 });
      mkdirSync(join(nosql.data, 'backups'));
      hostSql(join(nosql.data, 'app.db'), `VACUUM INTO '${join(nosql.data, 'backups', 'app-2026-11-25-0000.db')}';`);
      const eightHoursAgo = new Date(Date.now() - 8 * HOUR);
      utimesSync(join(nosql.data, 'backups', 'app-2026-11-25-0000.db'), eightHoursAgo, eightHoursAgo);
      // archived: stopped, read through the archive API.
      await docker(['volume', 'create', 'archived-data']);
      makeAppDb(join(await volumePath('archived-data'), 'inventory.db'), { rows: 100, seed: 5 });
      await docker(['create', '--name', 'archived', '--network', 'none', '-v', 'archived-data:/data', APP_IMAGE, 'sleep', '1']);
      // tenants: the app's own database and 200 small tenant databases.
      const tenants = await startWritingApp({ name: 'tenants', image: APP_IMAGE, rows: 100 });
      mkdirSync(join(tenants.data, 'tenants'));
      for (let index = 1; index <= TENANTS; index += 1)
        tenantDb(join(tenants.data, 'tenants', `t${String(index).padStart(3, '0')}.db`), index);
      // A copy by its name that belongs to none of the 201 databases there.
      mkdirSync(join(tenants.data, 'exports'));
      makeAppDb(join(tenants.data, 'exports', 'old-report.db'), { rows: 10, seed: 6 });
      await waitFor('the apps writing', () => hostSql(join(nosql.data, 'app.db'), 'SELECT count(*) FROM events;') !== '0');
    }, 180_000);

    it('says what is wrong with each database, exit 1, and stays fast with 200 tenants', async () => {
      const run = await scan();
      expect(run.exitCode, run.stderr).toBe(1);
      const rows = rowsOf(run.events);
      expect(rows).toHaveLength(2 + 1 + 1 + 1 + 1 + TENANTS + 1);
      expect(row(rows, 'shop', '/data/app.db')?.problems).toEqual([]);
      expect(row(rows, 'ledger', '/data/ledger.db')).toMatchObject({
        health: 'corrupt',
        onCopy: false,
        newestBackup: { path: '/data/backups/ledger-2026-11-25-0600.db', health: 'ok' },
      });
      expect(row(rows, 'ledger', '/data/ledger.db')?.problems[0]).toMatch(/^corrupt: /);
      expect(row(rows, 'nosql', '/data/app.db')).toMatchObject({ health: 'ok', onCopy: true, newestBackup: { health: 'ok' } });
      expect(row(rows, 'nosql', '/data/app.db')?.problems).toEqual(['its newest backup is 8h00m old, older than --max-age 6h']);
      expect(row(rows, 'archived', '/data/inventory.db')).toMatchObject({
        state: 'created',
        health: 'ok',
        onCopy: true,
        problems: ['no backup found'],
      });
      // It looks like a copy by its name, yet belongs to no database there: reported on its own, for its health.
      expect(row(rows, 'tenants', '/data/exports/old-report.db')).toMatchObject({ isOrphanBackup: true, health: 'ok', problems: [] });
      const tenantRows = rows.filter((entry) => entry.container === 'tenants' && entry.path.startsWith('/data/tenants/'));
      expect(row(rows, 'tenants', '/data/app.db')).toMatchObject({ health: 'ok', problems: ['no backup found'] });
      expect(tenantRows).toHaveLength(TENANTS);
      expect(tenantRows.every((entry) => entry.health === 'ok' && entry.onCopy === false && entry.problems[0] === 'no backup found')).toBe(
        true,
      );

      // Few execs in the tenants container, however many databases: one walk, then a handful of check loops.
      const execsInTenants = run.events.filter(
        (event) => event.type === 'command' && event.command.action.kind === 'argv' && event.command.action.container === 'tenants',
      ).length;
      expect(execsInTenants).toBeLessThanOrEqual(6);

      const started = Date.now();
      for (let index = 1; index <= TENANTS; index += 1) {
        await execa('docker', [
          '-H',
          engine.dockerHost,
          'exec',
          'tenants',
          'sqlite3',
          '-readonly',
          `/data/tenants/t${String(index).padStart(3, '0')}.db`,
          'PRAGMA quick_check;',
        ]);
      }
      const perExecMs = Date.now() - started;
      const total = rows.length;
      const stepMs = (run.events.find((event) => event.type === 'step-succeeded') as { durationMs: number }).durationMs;
      console.log(
        `[scan] ${total} databases in 6 containers: ${run.ms} ms for the whole command, ` +
          `the scan itself ${stepMs} ms (${(stepMs / total).toFixed(1)} ms a database), ` +
          `${execsInTenants} execs in the tenants container; ` +
          `${TENANTS} × docker exec sqlite3 quick_check: ${perExecMs} ms (${(perExecMs / TENANTS).toFixed(1)} ms each)`,
      );
      expect(run.ms).toBeLessThan(perExecMs);
    }, 300_000);

    it('a table for people without --json', async () => {
      const run = await runCli(['scan'], { env: { ...env, DOCKER_HOST: engine.dockerHost } });
      expect(run.exitCode).toBe(1);
      const lines = run.stdout.split('\n');
      expect(lines[0]).toMatch(/^CONTAINER\s+ROLE\s+DATABASE\s+SIZE\s+MODE\s+CHECK\s+NEWEST BACKUP\s+AGE\s+ITS CHECK$/);
      expect(lines.some((line) => /^ledger\s+production\s+\/data\/ledger\.db\s+.*corrupt/.test(line))).toBe(true);
      expect(lines.filter(Boolean).at(-1)).toMatch(/^✘ \d+ of \d+ databases need attention \(exit 1\)$/);
    }, 120_000);
  });

  it('a --max-age that does not parse: exit 2, nothing scanned', async () => {
    const run = await runCli(['scan', '--max-age', '6 hours'], { env: { ...env, DOCKER_HOST: engine.dockerHost } });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('--max-age "6 hours": not a duration');
  });
});
