// The damage recipes: byte-identical across runs, and right about the rows they destroy (counted here by SQLite's own
// dbstat, apart from the page parsing the recipes use).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { SHOP_APPLICATION_ID, SHOP_USER_VERSION } from '../../src/drill/damage-recipes.js';
import { DAMAGE_CASES, NO_ROWS_CASE, buildCase, buildShop } from '../support/damage-cases.js';
import { sha256File } from '../support/sqlite-fixtures.js';

let dirs: string[];
beforeAll(() => {
  dirs = [1, 2].map(() => fs.mkdtempSync(path.join(os.tmpdir(), 'damage-recipes-')));
});
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function query<T>(file: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

test('the shop, its day-old copy and every damaged copy are byte-identical across runs', () => {
  const runs = dirs.map((dir) => {
    const shop = buildShop(dir);
    const damaged = [...DAMAGE_CASES, NO_ROWS_CASE].map((c) => sha256File(buildCase(dir, shop.pristine, c).file));
    return { pristine: sha256File(shop.pristine), stale: sha256File(shop.stale), damaged, counts: shop.counts };
  });
  expect(runs[1]).toEqual(runs[0]);
  expect(new Set(runs[0].damaged).size).toBe(DAMAGE_CASES.length + 1);
  expect(runs[0].counts).toEqual({ analytics: 6000, counters: 3001, posts: 792, settings: 3, tags: 200, users: 80 });
});

test('the shop has three b-tree levels in analytics, AUTOINCREMENT above its largest id, and its header numbers', () => {
  const shop = buildShop(dirs[0]);
  const levels = `SELECT max(length(path) - length(replace(path, '/', ''))) AS d FROM dbstat WHERE name = 'analytics'`;
  const depth = query<{ d: number }>(shop.pristine, levels);
  expect(depth[0].d).toBe(3);
  expect(shop.postsSequence).toBeGreaterThan(query<{ m: number }>(shop.pristine, 'SELECT max(id) AS m FROM posts')[0].m);
  expect(query(shop.pristine, 'SELECT * FROM pragma_user_version, pragma_application_id')).toEqual([
    { user_version: SHOP_USER_VERSION, application_id: SHOP_APPLICATION_ID },
  ]);
});

test('a recipe that destroys pages names exactly the rows dbstat counted on them', () => {
  const shop = buildShop(dirs[0]);
  for (const c of DAMAGE_CASES) {
    const { destroyed } = buildCase(dirs[0], shop.pristine, c);
    if (!destroyed) continue;
    const pages = query<{ pageno: number; pagetype: string; ncell: number; path: string }>(
      shop.pristine,
      'SELECT pageno, pagetype, ncell, path FROM dbstat WHERE name = ?',
      destroyed.table,
    );
    const victims = pages.filter((p) => destroyed.pages.includes(p.pageno));
    // A leaf's cells are its rows; under an interior page, the cells of every leaf below it.
    const leavesBelow = pages.filter((p) => p.pagetype === 'leaf' && victims.some((v) => p.path.startsWith(v.path)));
    expect(destroyed.keys).toHaveLength(leavesBelow.reduce((n, p) => n + p.ncell, 0));
    expect(new Set(destroyed.keys).size).toBe(destroyed.keys.length);
    const key = destroyed.table === 'counters' ? 'day' : 'id';
    const sql = `SELECT count(*) AS n FROM ${destroyed.table} WHERE ${key} IN (${destroyed.keys.join(',')})`;
    const present = query<{ n: number }>(shop.pristine, sql);
    expect(present[0].n).toBe(destroyed.keys.length);
  }
});

test('logical index damage passes quick_check, fails integrity_check, and hides rows from a query through the index', () => {
  const shop = buildShop(dirs[1]);
  const { file } = buildCase(
    dirs[1],
    shop.pristine,
    DAMAGE_CASES.find((c) => c.name === 'logical-index-damage')!,
  );
  expect(query<{ quick_check: string }>(file, 'PRAGMA quick_check')).toEqual([{ quick_check: 'ok' }]);
  const rows = query<{ integrity_check: string }>(file, 'PRAGMA integrity_check').map((r) => r.integrity_check);
  expect(rows).toHaveLength(3);
  const rowids = rows.map((r) => Number(/^row (\d+) missing from index analytics_at$/.exec(r)![1]));
  for (const id of rowids) {
    const [{ at }] = query<{ at: string }>(file, 'SELECT at FROM analytics NOT INDEXED WHERE id = ?', id);
    expect(query(file, 'SELECT id FROM analytics INDEXED BY analytics_at WHERE at = ?', at)).toEqual([]);
  }
});
