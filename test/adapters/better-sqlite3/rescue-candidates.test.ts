// Repair, salvage and merge against real damaged SQLite files, one recipe at a time. What each candidate must hold is
// computed apart from the code under test: the rows a recipe destroyed are read from the pages' bytes before it
// overwrote them, and rows lost are counted in plain SQL against the database as it was before the damage.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createSqliteInspector } from '../../../src/adapters/better-sqlite3/index.js';
import type { SqliteInspector } from '../../../src/ports/sqlite-inspector.js';
import { DAMAGE_CASES, buildCase, buildShop, type BuiltCase } from '../../support/damage-cases.js';
import { SHOP_KEYS, provenBySqlite, rowsChangedOrGone, rowsLacking } from '../../support/row-compare.js';
import { cliIntegrityCheck, sidecarHashes } from '../../support/sqlite-fixtures.js';

let dir: string;
let inspector: SqliteInspector;
let shop: ReturnType<typeof buildShop>;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rescue-candidates-'));
  inspector = createSqliteInspector({ threads: 2 });
  shop = buildShop(dir);
});
afterAll(async () => {
  await inspector.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const TABLES = Object.keys(SHOP_KEYS).sort();
const zero = () => Object.fromEntries(TABLES.map((t) => [t, 0]));

/** Rows per table the recipe destroyed. */
function destroyedPerTable(built: BuiltCase): Record<string, number> {
  const counts = zero();
  if (built.destroyed) counts[built.destroyed.table] = built.destroyed.keys.length;
  return counts;
}

function header(file: string) {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return {
      userVersion: db.pragma('user_version', { simple: true }),
      applicationId: db.pragma('application_id', { simple: true }),
      postsSequence: db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'posts'`).pluck().get(),
      objects: db.prepare(`SELECT type, name FROM sqlite_schema WHERE type IN ('index', 'trigger', 'view') ORDER BY name`).all(),
      day0: db.prepare('SELECT hits FROM counters WHERE day = 0').pluck().get(),
    };
  } finally {
    db.close();
  }
}

function expectProven(file: string): void {
  expect(provenBySqlite(file)).toEqual({ integrity: ['ok'], foreignKeys: 0 });
  expect(cliIntegrityCheck(file)).toBe('ok');
  // A standalone file in WAL mode, as the app's database was.
  expect([...fs.readFileSync(file).subarray(18, 20)]).toEqual([2, 2]);
}

describe.each(DAMAGE_CASES.map((c) => [c.name, c] as const))('%s', (name, damageCase) => {
  let built: BuiltCase;
  let before: Record<string, string>;
  const out = (what: string) => path.join(dir, `${name}.${what}.db`);
  beforeAll(() => {
    built = buildCase(dir, shop.pristine, damageCase);
    before = sidecarHashes(built.file);
  });
  afterAll(() => {
    // No operation changed the damaged copy or left a -wal/-shm beside it.
    expect(sidecarHashes(built.file)).toEqual(before);
  });

  test('repaired exists exactly when every table reads whole, and then loses nothing', async () => {
    const result = await inspector.repair(built.file, out('repaired'));
    if (built.destroyed) {
      expect(result).toMatchObject({ ok: false, unreadableTables: [built.destroyed.table] });
      expect(result.ok === false && result.reason).toContain(`table ${built.destroyed.table} does not read whole`);
      expect(fs.readdirSync(dir).filter((f) => f.startsWith(`${name}.repaired`))).toEqual([]);
      return;
    }
    expect(result).toMatchObject({ ok: true, method: name === 'logical-index-damage' ? 'reindex' : 'rebuild', tables: shop.counts });
    expect(rowsLacking(shop.pristine, out('repaired'))).toEqual(zero());
    expect(rowsChangedOrGone(shop.pristine, out('repaired'))).toEqual(zero());
    expectProven(out('repaired'));
    expect(header(out('repaired'))).toEqual(header(shop.pristine));
  });

  test('salvaged holds every row but those on the destroyed pages, and says which ranges it skipped', async () => {
    const events: number[] = [];
    const result = await inspector.salvage(built.file, out('salvaged'), { onProgress: (p) => events.push(p.rowsRead) });
    expect(result.method).toBe('sql-scan');
    expect(result.recoverUnavailable).toBe('sqlite3 3.40.1: .recover fails on a scratch database (sql error: SQL logic error (1))');
    const lost = destroyedPerTable(built);
    expect(rowsLacking(shop.pristine, out('salvaged'))).toEqual(lost);
    for (const table of TABLES) expect(result.tables[table].rowsRead).toBe(shop.counts[table] - lost[table]);
    expect(result.totalRows).toBe(Object.values(shop.counts).reduce((a, b) => a + b, 0) - (built.destroyed?.keys.length ?? 0));
    expect(result.noRowsReadable).toBe(false);
    // Every key inside a skipped range is a destroyed one, and every destroyed key is inside one.
    const skipped = built.destroyed ? result.tables[built.destroyed.table].skipped! : [];
    const inRange = (k: number) =>
      skipped.some((r) => (r.after === null || k > Number(r.after)) && (r.before === null || k < Number(r.before)));
    if (built.destroyed) {
      expect(built.destroyed.keys.every(inRange)).toBe(true);
      expect(result.tables[built.destroyed.table].errors).toBeGreaterThan(0);
    }
    for (const table of TABLES) if (table !== built.destroyed?.table) expect(result.tables[table].skipped).toEqual([]);
    expect(events.length).toBeGreaterThan(0);
    expectProven(out('salvaged'));
    expect(header(out('salvaged'))).toEqual(header(shop.pristine));
  });

  test('merged (day-old copy + salvage) loses only the destroyed rows the copy lacked, and keeps every row of the copy', async () => {
    const result = await inspector.merge(shop.stale, out('salvaged'), out('merged'));
    // Never an update or a delete: every row of the healthy copy is in the merge exactly as it was.
    expect(rowsChangedOrGone(shop.stale, out('merged'))).toEqual(zero());
    const lostBySalvage = rowsLacking(shop.pristine, out('salvaged'));
    const lostByMerge = rowsLacking(shop.pristine, out('merged'));
    const copyLacks = rowsLacking(shop.pristine, shop.stale);
    for (const table of TABLES) {
      if (table === 'tags') continue;
      // A destroyed row is lost unless the copy had it; every other row written since the copy comes back.
      const destroyedNotInCopy = built.destroyed?.table === table ? built.destroyed.keys.filter((k) => !inStale(table, k)).length : 0;
      expect(lostByMerge[table]).toBe(destroyedNotInCopy);
      expect(lostByMerge[table]).toBeLessThanOrEqual(Math.min(lostBySalvage[table], copyLacks[table]));
    }
    // tags has no stable key: left as the copy has it, and named.
    expect(result.tables.tags).toMatchObject({ rowsAdded: 0, leftAsHealthy: expect.stringMatching(/^no stable key/) });
    expect(lostByMerge.tags).toBe(copyLacks.tags);
    // Renamed since the copy: conflicts, kept as the copy has them.
    expect(result.tables.users).toMatchObject({ conflicts: 3, conflictKeys: ['3', '17', '29'] });
    // The trigger on posts did not fire for the added posts: day 0 is as the copy has it (and differs in the salvage).
    expect(result.tables.counters.conflictKeys).toEqual(['0']);
    expect(header(out('merged')).day0).toBe(header(shop.stale).day0);
    expect(header(out('merged')).postsSequence).toBe(shop.postsSequence);
    for (const table of TABLES) {
      expect(result.tables[table].rowsFromHealthy).toBe(shop.staleCounts![table]);
      expect(result.tables[table].rowsFromHealthy + result.tables[table].rowsAdded).toBe(countRows(out('merged'), table));
    }
    expect(result.proof).toEqual({ integrity: 'ok', foreignKeyViolations: 0 });
    expectProven(out('merged'));
  });

  test('the loss window: rows each candidate holds, and the rows of the salvage it lacks, by key', async () => {
    for (const candidate of [shop.stale, out('merged'), ...(built.destroyed ? [] : [out('repaired')])]) {
      const window = await inspector.lossWindow(candidate, out('salvaged'));
      const lacking = rowsLacking(out('salvaged'), candidate);
      for (const table of TABLES) {
        expect(window.tables[table]).toEqual({
          rows: countRows(candidate, table),
          referenceRows: countRows(out('salvaged'), table),
          missing: table === 'tags' ? null : lacking[table],
          key: table === 'tags' ? null : table === 'settings' || table === 'counters' ? 'primary key' : 'rowid',
        });
      }
      expect(window.totalMissing).toBe(TABLES.filter((t) => t !== 'tags').reduce((n, t) => n + lacking[t], 0));
    }
  });
});

const staleKeys = new Map<string, Set<number>>();

function inStale(table: string, key: number): boolean {
  if (!staleKeys.has(table)) {
    const db = new Database(shop.stale, { readonly: true, fileMustExist: true });
    try {
      staleKeys.set(table, new Set(db.prepare(`SELECT "${SHOP_KEYS[table][0]}" FROM "${table}"`).pluck().all() as number[]));
    } finally {
      db.close();
    }
  }
  return staleKeys.get(table)!.has(key);
}

function countRows(file: string, table: string): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(`SELECT count(*) FROM "${table}"`).pluck().get() as number;
  } finally {
    db.close();
  }
}
