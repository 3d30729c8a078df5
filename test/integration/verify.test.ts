// `sqlite-rescue verify` against the real Docker engine: the seed incident's seven torn backups (exit 1 naming each),
// a fresh backup made by `backup` (exit 0), a healthy one 8 hours old against --max-age 6h (exit 1), the traps, and
// --ping against a real HTTP server on this machine. Every resource is named with this file's prefix and removed after.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/runbook/events.js';
import { runCli } from '../support/cli.js';
import { APP_IMAGE } from '../support/docker/ensure-test-images.js';
import { makeTestPrefix, removeTestResources } from '../support/docker/app-container.js';
import { freePort } from '../support/sshd/sshd.js';
import { makeLocalCopyWithWalOnlyRows, staleWalPair, tornCopy } from '../support/sqlite-fixtures.js';
import { hostSql, startWritingApp, waitFor, type WritingApp } from '../support/backup-app.js';

const prefix = makeTestPrefix('vfy');
const work = mkdtempSync(join(tmpdir(), 'verify-it-'));
const env = { XDG_STATE_HOME: join(work, 'state') };
const HOUR = 3_600_000;

let server: Server;
let serverUrl: string;
const pings: string[] = [];

async function verify(args: string[]) {
  return runCli(['verify', '--json', ...args], { env });
}

const findings = (events: RunEvent[]) => events.flatMap((event) => (event.type === 'finding' ? [event.text] : []));
const headline = (events: RunEvent[]) =>
  (events.find((event) => event.type === 'run-finished') as { headline: string } | undefined)?.headline;

function backupsDir(app: WritingApp): string {
  const dir = join(app.data, 'backups');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A healthy standalone copy of the live database, made by SQLite on the host (as a careful operator would). */
function healthyCopy(app: WritingApp, dest: string, ageMs: number): void {
  hostSql(join(app.data, 'app.db'), `VACUUM INTO '${dest}';`);
  const at = new Date(Date.now() - ageMs);
  utimesSync(dest, at, at);
}

beforeAll(async () => {
  server = createServer((request, response) => {
    pings.push(request.url ?? '');
    response.writeHead(200).end('OK');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ping/abc`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await removeTestResources(prefix);
  rmSync(work, { recursive: true, force: true });
});

describe('verify', () => {
  let torn: WritingApp;
  let fresh: WritingApp;
  let old: WritingApp;
  let traps: WritingApp;
  const tornNames = Array.from({ length: 7 }, (_, index) => `daily-${index + 1}.db`);

  beforeAll(async () => {
    [torn, fresh, old, traps] = await Promise.all(
      ['torn', 'fresh', 'old', 'traps'].map((label) => startWritingApp({ name: `${prefix}${label}`, image: APP_IMAGE, rows: 3000 })),
    );
    await waitFor('the apps writing', () => [torn, fresh, old, traps].every((app) => existsSync(join(app.data, 'app.db-wal'))));
    // The incident's backups: plain copies of a live WAL database, torn by a checkpoint halfway.
    for (const [index, name] of tornNames.entries()) {
      const source = join(work, `source-${index}.db`);
      makeLocalCopyWithWalOnlyRows(source, { rows: 1500 + index * 100, walRows: 400, seed: 20 + index });
      tornCopy(source, join(backupsDir(torn), name));
    }
    healthyCopy(old, join(backupsDir(old), 'app-old.db'), 8 * HOUR);
    // Traps: the same file saved twice under day-stamped names, and a healthy file with a -wal of another generation.
    healthyCopy(traps, join(backupsDir(traps), 'app-2026-11-24.db'), 2 * HOUR);
    copyFileSync(join(backupsDir(traps), 'app-2026-11-24.db'), join(backupsDir(traps), 'app-2026-11-25.db'));
    utimesSync(join(backupsDir(traps), 'app-2026-11-25.db'), new Date(Date.now() - HOUR), new Date(Date.now() - HOUR));
    staleWalPair(join(backupsDir(traps), 'restored.db'), { rows: 800, seed: 3 });
    const made = await runCli(['backup', '--container', fresh.name, '--db', '/data/app.db'], { env });
    expect(made.exitCode, made.stderr).toBe(0);
  }, 240_000);

  it('seven torn backups: exit 1, each one named as torn, the headline counting them', async () => {
    const run = await verify(['--container', torn.name, '--db', '/data/app.db']);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    for (const name of tornNames) {
      const about = findings(run.events).find((text) => text.startsWith(`/data/backups/${name}: `));
      expect(about, name).toMatch(/corrupt: integrity_check found .*; torn: a WAL-mode file that fails integrity_check/);
    }
    expect(headline(run.events)).toBe('none of the 7 backups is healthy; 7 of 7 backups have a problem');
  }, 120_000);

  it('--backups narrows what is checked', async () => {
    const run = await verify(['--container', torn.name, '--db', '/data/app.db', '--backups', '/data/backups/daily-3.db']);
    expect(run.exitCode).toBe(1);
    expect(findings(run.events).filter((text) => text.startsWith('/data/backups/'))).toEqual([
      expect.stringMatching(/^\/data\/backups\/daily-3\.db: corrupt/),
    ]);
  });

  it('a fresh backup made by backup: exit 0, restorable, and how far behind production it is', async () => {
    const run = await verify(['--container', fresh.name, '--db', '/data/app.db']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(headline(run.events)).toMatch(/^1 backup healthy and restorable; the newest is \d+s old$/);
    const lines = run.events.flatMap((event) => (event.type === 'step-output' ? [event.line] : []));
    expect(lines.find((line) => line.startsWith('ok       /data/backups/app-'))).toMatch(
      /rows fewer than production: events \d+|holds as many rows as production/,
    );
  });

  it('a healthy backup 8 hours old: exit 1 with --max-age 6h, exit 0 with --max-age 9h', async () => {
    const strict = await verify(['--container', old.name, '--db', '/data/app.db', '--max-age', '6h']);
    expect(strict.exitCode).toBe(1);
    expect(headline(strict.events)).toBe('the newest healthy backup is 8h00m old, older than --max-age 6h');
    const lenient = await verify(['--container', old.name, '--db', '/data/app.db', '--max-age', '9h']);
    expect(lenient.exitCode).toBe(0);
  });

  it("names the seed's traps: identical contents, day-stamped names, a -wal of another generation", async () => {
    const run = await verify(['--container', traps.name, '--db', '/data/app.db']);
    expect(run.exitCode).toBe(1);
    const said = findings(run.events);
    expect(said).toContainEqual(
      expect.stringMatching(
        /^TRAP: 2 backups have identical contents \(\/data\/backups\/app-2026-11-2[45]\.db, \/data\/backups\/app-2026-11-2[45]\.db\)/,
      ),
    );
    expect(said).toContainEqual(expect.stringMatching(/^TRAP: named by the day only .*--max-age 6h/));
    expect(said).toContainEqual(expect.stringMatching(/^\/data\/backups\/restored\.db: torn: a -wal generation mismatch/));
  });

  it('--ping: GET URL when healthy, URL/fail when not; a ping that fails is said and changes nothing', async () => {
    pings.length = 0;
    expect((await verify(['--container', fresh.name, '--db', '/data/app.db', '--ping', serverUrl])).exitCode).toBe(0);
    expect((await verify(['--container', torn.name, '--db', '/data/app.db', '--ping', `${serverUrl}/`])).exitCode).toBe(1);
    expect(pings).toEqual(['/ping/abc', '/ping/abc/fail']);
    const closed = `http://127.0.0.1:${await freePort()}/ping/abc`;
    const unreachable = await verify(['--container', fresh.name, '--db', '/data/app.db', '--ping', closed]);
    expect(unreachable.exitCode).toBe(0);
    expect(unreachable.stderr).toContain(`could not ping ${closed}: ECONNREFUSED — the exit code stands`);
    const pinged = unreachable.stdout
      .split('\n')
      .filter((line) => line.includes('"monitor-pinged"'))
      .map((line) => JSON.parse(line));
    expect(pinged).toEqual([expect.objectContaining({ type: 'monitor-pinged', url: closed, ok: false, error: 'ECONNREFUSED' })]);
  });

  it('a --max-age that does not parse: exit 2 naming it, the monitor told', async () => {
    pings.length = 0;
    const run = await verify(['--container', fresh.name, '--db', '/data/app.db', '--max-age', 'six hours', '--ping', serverUrl]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('--max-age "six hours": not a duration');
    expect(run.stderr).toContain('what to do: --max-age takes a number and a unit');
    expect(pings).toEqual(['/ping/abc/fail']);
  });
});
