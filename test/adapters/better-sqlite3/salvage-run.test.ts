// A salvage long enough to watch: it reports progress, an abort stops the worker itself (not by termination) and
// leaves nothing behind; a database with no readable row says so; repair and salvage refuse a destination in use.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createSqliteInspector } from '../../../src/adapters/better-sqlite3/index.js';
import { CANCEL_GRACE_MS } from '../../../src/adapters/better-sqlite3/worker-pool.js';
import { destroyEveryTableRoot, destroyNewestLeaves, makeShopDb } from '../../../src/drill/damage-recipes.js';
import { overwriteHeader } from '../../../src/drill/sqlite-recipes.js';
import type { SalvageProgress, SqliteInspector } from '../../../src/ports/sqlite-inspector.js';
import { provenBySqlite } from '../../support/row-compare.js';
import { sidecarHashes } from '../../support/sqlite-fixtures.js';

let dir: string;
let inspector: SqliteInspector;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'salvage-run-'));
  inspector = createSqliteInspector({ threads: 1 });
});
afterAll(async () => {
  await inspector.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const file = (name: string) => path.join(dir, name);
const leftovers = (prefix: string) => fs.readdirSync(dir).filter((f) => f.startsWith(prefix));

describe('a long salvage', () => {
  let big: string;
  let fullMs: number;
  beforeAll(() => {
    big = makeShopDb(file('big.db'), { seed: 5, analyticsRows: 60_000, payloadBytes: 100 }).path;
    destroyNewestLeaves(big, { table: 'analytics', count: 2, window: 50, seed: 5 });
  });

  test('reports progress as it reads, ending with every table done', async () => {
    const events: SalvageProgress[] = [];
    const started = performance.now();
    const result = await inspector.salvage(big, file('big.salvaged.db'), { onProgress: (p) => events.push(p) });
    fullMs = performance.now() - started;
    expect(events.length).toBeGreaterThan(3);
    for (let i = 1; i < events.length; i++) expect(events[i].rowsRead).toBeGreaterThanOrEqual(events[i - 1].rowsRead);
    expect(events.at(-1)).toMatchObject({ tablesDone: 6, tablesTotal: 6, rowsRead: result.totalRows, skippedRanges: 2 });
    expect(events.some((e) => e.table === 'analytics' && e.rowsRead > 0 && e.tablesDone < 6)).toBe(true);
    const mb = (fs.statSync(big).size / 1e6).toFixed(1);
    console.log(`salvage of ${mb} MB, ${result.totalRows} rows: ${result.durationMs} ms, ${events.length} progress events`);
  }, 60_000);

  test('an abort stops the worker at once; nothing is left behind and the thread is free for the next job', async () => {
    const controller = new AbortController();
    let abortedAt = 0;
    const salvage = inspector.salvage(big, file('cancelled.db'), {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.rowsRead > 0 && abortedAt === 0) {
          abortedAt = performance.now();
          controller.abort();
        }
      },
    });
    await expect(salvage).rejects.toMatchObject({ name: 'AbortError', kind: 'operator' });
    const stoppedAfterMs = performance.now() - abortedAt;
    // It stopped by itself: well within the grace period after which the pool would terminate it.
    expect(stoppedAfterMs).toBeLessThan(CANCEL_GRACE_MS / 2);
    expect(leftovers('cancelled')).toEqual([]);
    const next = performance.now();
    expect((await inspector.check(big, 'quick')).check).toBe('quick_check');
    expect(performance.now() - next).toBeLessThan(fullMs);
    console.log(`salvage aborted: rejected ${stoppedAfterMs.toFixed(0)} ms after the abort`);
  }, 60_000);

  test('an abort before it starts rejects without writing anything', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(inspector.salvage(big, file('never.db'), { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(leftovers('never')).toEqual([]);
  });
});

describe('no readable row', () => {
  test('every table root destroyed: said, with the schema kept in a proven file of empty tables', async () => {
    const src = makeShopDb(file('roots.db'), { seed: 6, analyticsRows: 500 }).path;
    const tables = destroyEveryTableRoot(src);
    const before = sidecarHashes(src);
    const result = await inspector.salvage(src, file('roots.salvaged.db'));
    expect(result).toMatchObject({ noRowsReadable: true, totalRows: 0, dest: file('roots.salvaged.db') });
    expect(result.note).toBe('no row of any table can be read: every table is unreadable from its first row');
    expect(Object.keys(result.tables).sort()).toEqual(tables.filter((t) => t !== 'sqlite_sequence'));
    expect(Object.values(result.tables).every((t) => t.rowsRead === 0 && t.errors === 1)).toBe(true);
    expect(provenBySqlite(file('roots.salvaged.db'))).toEqual({ integrity: ['ok'], foreignKeys: 0 });
    expect(sidecarHashes(src)).toEqual(before);
  });

  test('a header that is not SQLite: said, nothing written', async () => {
    const src = makeShopDb(file('header.db'), { seed: 7, analyticsRows: 100 }).path;
    overwriteHeader(src, { seed: 7 });
    const result = await inspector.salvage(src, file('header.salvaged.db'));
    expect(result).toMatchObject({ noRowsReadable: true, dest: null, proof: null, tables: {} });
    expect(result.note).toMatch(/^the schema cannot be read: SQLITE_NOTADB/);
    expect(leftovers('header.salvaged')).toEqual([]);
  });

  test('an empty file: said, nothing written', async () => {
    fs.writeFileSync(file('empty.db'), '');
    const result = await inspector.salvage(file('empty.db'), file('empty.salvaged.db'));
    expect(result).toMatchObject({ noRowsReadable: true, dest: null, note: 'empty file (0 bytes): not a SQLite database' });
  });
});

describe('destinations', () => {
  test('repair, salvage and merge refuse a dest that exists (or has a -wal), changing nothing', async () => {
    const src = makeShopDb(file('dest-src.db'), { seed: 8, analyticsRows: 100 }).path;
    fs.writeFileSync(file('taken.db'), 'mine');
    fs.writeFileSync(file('walled.db-wal'), 'old wal');
    for (const dest of [file('taken.db'), file('walled.db')]) {
      const refused = { kind: 'operator', message: expect.stringMatching(/exists: choose another/) };
      await expect(inspector.repair(src, dest)).rejects.toMatchObject(refused);
      await expect(inspector.salvage(src, dest)).rejects.toMatchObject({ kind: 'operator' });
      await expect(inspector.merge(src, src, dest)).rejects.toMatchObject({ kind: 'operator' });
    }
    expect(fs.readFileSync(file('taken.db'), 'utf8')).toBe('mine');
    expect(fs.existsSync(file('walled.db'))).toBe(false);
  });

  test('a missing source rejects naming it', async () => {
    await expect(inspector.repair(file('absent.db'), file('x.db'))).rejects.toThrow(`${file('absent.db')}: no such file`);
    await expect(inspector.lossWindow(file('absent.db'), file('absent.db'))).rejects.toThrow(/no such file/);
  });
});
