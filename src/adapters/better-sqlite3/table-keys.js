// @ts-check
// The key two copies of a table are compared by: the rowid when it is an INTEGER PRIMARY KEY (the app's own id, which
// VACUUM keeps), else the declared primary key. A rowid table with neither has no stable key: VACUUM may renumber its
// rowids, so the same rowid in two copies need not be the same row.
/** @import { TableInfo } from './schema.js' */
import { quoteIdentifier } from './read-only.js';

/** @typedef {{ kind: 'rowid' | 'primary key', columns: string[] }} TableKey */

/** @param {TableInfo} table @returns {TableKey | null} */
export function stableKey(table) {
  if (table.virtual || table.shadow) return null;
  if (table.integerKey) return { kind: 'rowid', columns: [table.integerKey] };
  if (table.primaryKey.length > 0) return { kind: 'primary key', columns: table.primaryKey };
  return null;
}

/** `a.k1 = b.k1 AND a.k2 = b.k2`. @param {TableKey} key @param {string} a @param {string} b */
export function keysEqual(key, a, b) {
  return key.columns.map((c) => `${a}.${quoteIdentifier(c)} = ${b}.${quoteIdentifier(c)}`).join(' AND ');
}

/**
 * `a.k1 IS NOT NULL AND …`: a NULL key (allowed in a rowid table's declared key) names no row.
 * @param {TableKey} key @param {string} a
 */
export function keysPresent(key, a) {
  return key.columns.map((c) => `${a}.${quoteIdentifier(c)} IS NOT NULL`).join(' AND ');
}
