// @ts-check
// What a rebuild needs to know about a database's schema, read from sqlite_schema and the table_xinfo pragma (which
// read the schema page only, not the tables: they work on a file whose tables are damaged).
/** @import { Database as Db } from 'better-sqlite3' */
import { quoteIdentifier } from './read-only.js';

/**
 * @typedef {object} TableInfo
 * @property {string} name
 * @property {string} sql
 * @property {number} rootpage
 * @property {boolean} withoutRowid
 * @property {boolean} virtual A virtual table: no b-tree of its own (its shadow tables are ordinary tables).
 * @property {boolean} shadow A virtual table's shadow table (FTS5's _data, _idx, ...): created with the virtual table,
 *   which owns its rows.
 * @property {string[]} columns Columns a row is copied by (generated columns excluded), in declaration order.
 * @property {string | null} rowidName A name that reaches the real rowid (rowid, _rowid_ or oid, unless shadowed by a
 *   column); null for WITHOUT ROWID tables.
 * @property {string | null} integerKey The INTEGER PRIMARY KEY column, which is the rowid itself.
 * @property {string[]} primaryKey Declared primary-key columns, in key order.
 * @property {boolean} hasRowidOfItsOwn A rowid table without an INTEGER PRIMARY KEY: its rowids must be copied apart.
 * @property {{ columns: string[], integer: boolean }} scanKey The order a salvage reads it in (its b-tree's order), and
 *   whether that key is one integer it can step through.
 */

/**
 * @typedef {object} SchemaInfo
 * @property {TableInfo[]} tables Ordinary tables in creation order (sqlite_% tables excluded).
 * @property {{ name: string, table: string, sql: string | null, rootpage: number }[]} indexes Every index; sql null for
 *   the automatic ones (made by a UNIQUE or PRIMARY KEY constraint).
 * @property {{ type: 'view' | 'trigger', name: string, sql: string }[]} later Views and triggers in creation order.
 * @property {boolean} hasSequence sqlite_sequence exists (some table has AUTOINCREMENT).
 */

/** @param {Db} db @param {string} [schema] @returns {SchemaInfo} */
export function readSchema(db, schema = 'main') {
  const s = quoteIdentifier(schema);
  const rows = /** @type {{ type: string, name: string, tbl_name: string, rootpage: number, sql: string | null }[]} */ (
    db.prepare(`SELECT type, name, tbl_name, rootpage, sql FROM ${s}.sqlite_schema ORDER BY rowid`).all()
  );
  const list = /** @type {{ name: string, type: string, wr: number }[]} */ (db.prepare(`PRAGMA ${s}.table_list`).all());
  const wr = new Set(list.filter((t) => t.wr).map((t) => t.name));
  const shadow = new Set(list.filter((t) => t.type === 'shadow').map((t) => t.name));
  /** @type {SchemaInfo} */
  const info = { tables: [], indexes: [], later: [], hasSequence: false };
  for (const row of rows) {
    if (row.type === 'table' && row.name === 'sqlite_sequence') info.hasSequence = true;
    if (row.name.startsWith('sqlite_') && row.type === 'table') continue;
    if (row.type === 'table' && row.sql) {
      info.tables.push({ ...tableInfo(db, s, row.name, row.sql, row.rootpage, wr.has(row.name)), shadow: shadow.has(row.name) });
    } else if (row.type === 'index') info.indexes.push({ name: row.name, table: row.tbl_name, sql: row.sql, rootpage: row.rootpage });
    else if ((row.type === 'view' || row.type === 'trigger') && row.sql) info.later.push({ type: row.type, name: row.name, sql: row.sql });
  }
  return info;
}

/**
 * @param {Db} db @param {string} s quoted schema @param {string} name @param {string} sql @param {number} rootpage
 * @param {boolean} withoutRowid
 * @returns {Omit<TableInfo, 'shadow'>}
 */
function tableInfo(db, s, name, sql, rootpage, withoutRowid) {
  const virtual = /^\s*CREATE\s+VIRTUAL\s+TABLE/i.test(sql);
  const xinfo = /** @type {{ name: string, type: string, pk: number, hidden: number }[]} */ (
    db.prepare(`PRAGMA ${s}.table_xinfo(${quoteIdentifier(name)})`).all()
  );
  // hidden 2 and 3 are generated columns (computed, never inserted); 1 marks a virtual table's hidden column.
  const columns = xinfo.filter((c) => c.hidden === 0).map((c) => c.name);
  const primaryKey = xinfo
    .filter((c) => c.pk > 0)
    .sort((a, b) => a.pk - b.pk)
    .map((c) => c.name);
  const lower = new Set(xinfo.map((c) => c.name.toLowerCase()));
  const rowidName = withoutRowid || virtual ? null : (['rowid', '_rowid_', 'oid'].find((n) => !lower.has(n)) ?? null);
  const single = primaryKey.length === 1 ? xinfo.find((c) => c.name === primaryKey[0]) : undefined;
  const integerKey = !withoutRowid && !virtual && single && single.type.toUpperCase() === 'INTEGER' ? single.name : null;
  return {
    name,
    sql,
    rootpage,
    withoutRowid,
    virtual,
    columns,
    rowidName,
    integerKey,
    primaryKey,
    hasRowidOfItsOwn: !withoutRowid && !virtual && integerKey === null,
    scanKey: scanKeyOf(withoutRowid, integerKey ?? rowidName, primaryKey, single?.type ?? ''),
  };
}

/**
 * @param {boolean} withoutRowid @param {string | null} rowid @param {string[]} primaryKey @param {string} keyType
 * @returns {{ columns: string[], integer: boolean }}
 */
function scanKeyOf(withoutRowid, rowid, primaryKey, keyType) {
  if (!withoutRowid) return rowid ? { columns: [rowid], integer: true } : { columns: [], integer: false };
  return { columns: primaryKey, integer: primaryKey.length === 1 && /INT/i.test(keyType) };
}

/** The columns a copy reads and writes: the rowid first when it is not one of the columns. @param {TableInfo} t */
export function copyColumns(t) {
  return t.hasRowidOfItsOwn && t.rowidName ? [t.rowidName, ...t.columns] : t.columns;
}

/** @param {string[]} names */
export function columnList(names) {
  return names.map(quoteIdentifier).join(', ');
}
