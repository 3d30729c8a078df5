import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createSqliteInspector } from '../../../src/adapters/better-sqlite3/index.js';
import type { SqliteInspector } from '../../../src/ports/sqlite-inspector.js';
import { cliIntegrityCheck, makeLocalCopyWithWalOnlyRows, overwriteHeader, sidecarHashes } from '../../support/sqlite-fixtures.js';

let dir: string;
let inspector: SqliteInspector;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlite-snapshot-'));
  inspector = createSqliteInspector({ threads: 2 });
});
afterAll(async () => {
  await inspector.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const file = (name: string) => path.join(dir, name);

function countEvents(db: string): { count: number; maxId: number } {
  const conn = new Database(db, { readonly: true });
  try {
    return conn.prepare('SELECT count(*) AS count, max(id) AS maxId FROM events').get() as { count: number; maxId: number };
  } finally {
    conn.close();
  }
}

describe('snapshot', () => {
  test('copies the WAL-only rows into a standalone file and leaves the source as it was', async () => {
    const src = makeLocalCopyWithWalOnlyRows(file('local.db'), { rows: 2000, walRows: 250, seed: 1 }).path;
    const before = sidecarHashes(src);
    const dest = file('local-snapshot.db');
    const result = await inspector.snapshot(src, dest);

    expect(result.dest).toBe(dest);
    expect(result.bytes).toBe(fs.statSync(dest).size);
    expect(sidecarHashes(src)).toEqual(before);
    expect(fs.readdirSync(dir).filter((name) => name.startsWith('local-snapshot'))).toEqual(['local-snapshot.db']);
    // Kept in WAL mode like its source (header bytes 18/19 = 2).
    expect([...fs.readFileSync(dest).subarray(18, 20)]).toEqual([2, 2]);

    const check = await inspector.check(dest, 'full');
    expect(check.ok).toBe(true);
    const stats = await inspector.stats(dest);
    expect(stats.tables).toMatchObject({ events: 2250, users: 225, settings: 3 });
    expect(stats.maxRowids.events).toBe(2250);
    expect(cliIntegrityCheck(dest)).toBe('ok');
    // The bare snapshot holds every row by itself: nothing lives in a -wal any more.
    expect(fs.existsSync(`${dest}-wal`)).toBe(false);
  });

  test('a corrupt source rejects and leaves no dest and no temporary file', async () => {
    const src = makeLocalCopyWithWalOnlyRows(file('bad.db'), { rows: 200, walRows: 10, seed: 2 }).path;
    overwriteHeader(src, { seed: 2 });
    await expect(inspector.snapshot(src, file('bad-snapshot.db'))).rejects.toThrow(/SQLITE_NOTADB/);
    expect(fs.readdirSync(dir).filter((name) => name.startsWith('bad-snapshot'))).toEqual([]);
  });

  test('refuses a dest that has a -wal beside it (it would be replayed into the new copy)', async () => {
    const src = makeLocalCopyWithWalOnlyRows(file('src3.db'), { rows: 100, walRows: 10, seed: 3 }).path;
    fs.writeFileSync(file('taken.db-wal'), 'old');
    await expect(inspector.snapshot(src, file('taken.db'))).rejects.toThrow(/taken\.db-wal exists/);
    expect(fs.existsSync(file('taken.db'))).toBe(false);
  });

  test('a missing source rejects with its path', async () => {
    await expect(inspector.snapshot(file('absent.db'), file('absent-snapshot.db'))).rejects.toThrow(`${file('absent.db')}: no such file`);
  });

  describe('under a writer committing in a loop (another process)', () => {
    let writer: ChildProcess | undefined;
    afterAll(() => {
      writer?.kill('SIGKILL');
    });

    // Commits one row every millisecond and never checkpoints, so all its rows live in the -wal; prints its count.
    const WRITER = `
      const Database = require('better-sqlite3');
      const db = new Database(process.argv[1]);
      db.pragma('wal_autocheckpoint = 0');
      db.pragma('busy_timeout = 5000');
      const insert = db.prepare("INSERT INTO events(at, note) VALUES (?, 'writer')");
      let committed = 0;
      const tick = () => { insert.run(new Date().toISOString()); committed++; process.stdout.write(committed + '\\n'); setTimeout(tick, 1); };
      tick();
    `;

    test('finishes, and holds the rows committed before it started', async () => {
      const info = makeLocalCopyWithWalOnlyRows(file('busy.db'), { rows: 40_000, walRows: 500, seed: 4 });
      const dbBefore = sidecarHashes(info.path)['.db'];
      let committed = 0;
      writer = spawn(process.execPath, ['-e', WRITER, info.path], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
      writer.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        const last = chunk.trim().split('\n').pop();
        if (last) committed = Number(last);
      });
      while (committed < 200) await new Promise((resolve) => setTimeout(resolve, 10));

      const committedBefore = committed;
      const dest = file('busy-snapshot.db');
      const result = await inspector.snapshot(info.path, dest);
      const committedAfter = committed;
      expect(writer.exitCode).toBeNull();
      writer.kill('SIGKILL');

      const { count, maxId } = countEvents(dest);
      expect(count).toBeGreaterThanOrEqual(info.counts.events + committedBefore);
      expect(count).toBe(maxId);
      // Still writing while the copy ran: the backup did not wait for a quiet moment.
      expect(committedAfter).toBeGreaterThan(committedBefore);
      // The writer never checkpointed: everything past the first 40 000 rows was in the -wal only.
      expect(sidecarHashes(info.path)['.db']).toBe(dbBefore);
      expect((await inspector.check(dest, 'full')).ok).toBe(true);
      console.log(
        `snapshot under a writer: ${result.durationMs} ms, ${result.bytes} bytes, ${count} events ` +
          `(writer had committed ${committedBefore} before, ${committedAfter} after)`,
      );
    }, 60_000);
  });
});
