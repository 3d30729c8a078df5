// The damage recipes of src/drill/damage-recipes.ts, each applied to a fresh copy of one shop database: the cases the
// repair, salvage and merge tests and the integrity_check fixtures share.
import fs from 'node:fs';
import path from 'node:path';
import {
  destroyEveryTableRoot,
  destroyInteriorPage,
  destroyNewestLeaves,
  garbleIndexLeaf,
  makeShopDb,
  skewIndexEntries,
  type DestroyedRows,
  type ShopInfo,
} from '../../src/drill/damage-recipes.js';

export const SHOP_SEED = 1;

export interface DamageCase {
  name: string;
  /** Damages `file` in place; returns the rows it destroyed (none for index damage). */
  damage(file: string): DestroyedRows | null;
}

export const DAMAGE_CASES: DamageCase[] = [
  { name: 'garbled-index-leaf', damage: (f) => (garbleIndexLeaf(f, { index: 'analytics_at', seed: 1 }), null) },
  { name: 'logical-index-damage', damage: (f) => (skewIndexEntries(f, { index: 'analytics_at', entries: 3, seed: 1 }), null) },
  { name: 'newest-table-leaves', damage: (f) => destroyNewestLeaves(f, { table: 'analytics', count: 2, window: 8, seed: 1 }) },
  { name: 'interior-page', damage: (f) => destroyInteriorPage(f, { table: 'analytics', seed: 1 }) },
  { name: 'without-rowid-leaf', damage: (f) => destroyNewestLeaves(f, { table: 'counters', count: 1, window: 3, seed: 1 }) },
  { name: 'autoincrement-fk-leaf', damage: (f) => destroyNewestLeaves(f, { table: 'posts', count: 1, window: 3, seed: 2 }) },
];

export const NO_ROWS_CASE: DamageCase = { name: 'every-table-root', damage: (f) => (destroyEveryTableRoot(f), null) };

export interface BuiltCase {
  file: string;
  destroyed: DestroyedRows | null;
}

/**
 * The shop database in `dir` (production before the damage: `pristine.db`, and the day-old copy `stale.db`), built
 * once per directory.
 */
export function buildShop(dir: string): ShopInfo & { pristine: string; stale: string } {
  const pristine = path.join(dir, 'pristine.db');
  const stale = path.join(dir, 'stale.db');
  const info = makeShopDb(pristine, { seed: SHOP_SEED, staleCopy: stale });
  return { ...info, pristine, stale };
}

/** A damaged copy of the pristine database. */
export function buildCase(dir: string, pristine: string, c: DamageCase): BuiltCase {
  const file = path.join(dir, `${c.name}.db`);
  fs.copyFileSync(pristine, file);
  return { file, destroyed: c.damage(file) };
}
