// @ts-check
// Row counts and largest rowids: integrity_check cannot see a stale copy, these numbers can.
/** @import { Database as Db } from 'better-sqlite3' */
/** @import { DbStats } from '../../ports/sqlite-inspector.js' */
import { AccessError, describeSqliteError, quoteIdentifier, statReadableFile, withReadOnlyDb } from './read-only.js';

/** @param {string} path @returns {Promise<DbStats>} */
export async function readStats(path) {
  const st = statReadableFile(path);
  if (st.size === 0) throw new AccessError(`${path}: empty file (0 bytes): not a SQLite database`, 'external');
  try {
    return await withReadOnlyDb(path, (db) => collect(db, path));
  } catch (error) {
    if (error instanceof AccessError) throw error;
    throw new AccessError(`stats ${path}: ${describeSqliteError(error)}`, 'external');
  }
}

/** @param {Db} db @param {string} path @returns {DbStats} */
function collect(db, path) {
  /** @type {Record<string, number>} */
  const tables = {};
  /** @type {Record<string, number>} */
  const maxRowids = {};
  // table_list says which tables are WITHOUT ROWID (wr) and which are views or virtual tables (no own b-tree).
  const list = /** @type {{ name: string, type: string, wr: number }[]} */ (db.prepare(`PRAGMA main.table_list`).all())
    .filter((t) => (t.type === 'table' || t.type === 'shadow') && !t.name.startsWith('sqlite_'))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const table of list) {
    const quoted = quoteIdentifier(table.name);
    tables[table.name] = /** @type {number} */ (db.prepare(`SELECT count(*) FROM main.${quoted}`).pluck().get());
    if (table.wr) continue;
    const alias = rowidAlias(db, quoted);
    if (alias === null) continue;
    maxRowids[table.name] = /** @type {number | null} */ (db.prepare(`SELECT max(${alias}) FROM main.${quoted}`).pluck().get()) ?? 0;
  }
  return {
    path,
    tables,
    maxRowids,
    journalMode: /** @type {string} */ (db.pragma('journal_mode', { simple: true })),
    pageSize: /** @type {number} */ (db.pragma('page_size', { simple: true })),
    pageCount: /** @type {number} */ (db.pragma('page_count', { simple: true })),
  };
}

// A column named rowid hides the real rowid; SQLite offers two other names for it.
/** @param {Db} db @param {string} quotedTable @returns {string | null} */
export function rowidAlias(db, quotedTable) {
  const info = /** @type {{ name: string }[]} */ (db.prepare(`PRAGMA main.table_info(${quotedTable})`).all());
  const columns = new Set(info.map((c) => c.name.toLowerCase()));
  return ['rowid', '_rowid_', 'oid'].find((name) => !columns.has(name)) ?? null;
}
