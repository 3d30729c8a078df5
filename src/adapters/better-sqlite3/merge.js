// @ts-check
// The healthy copy plus the rows a salvage holds that it lacks. The healthy copy is copied page for page (backup API)
// and only ever inserted into: no healthy row is updated or deleted. The app's triggers are set aside while rows go in
// (a trigger could update healthy rows) and put back as they were. A salvaged row that a UNIQUE index refuses, or that
// foreign_key_check shows pointing at nothing, is not added (the only rows ever deleted are ones this merge added).
/** @import { Database as Db } from 'better-sqlite3' */
/** @import { MergeResult, MergedTable } from '../../ports/sqlite-inspector.js' */
/** @import { TableInfo } from './schema.js' */
/** @import { TableKey } from './table-keys.js' */
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { claimOutput, commitOutput, discardOutput, proveOutput } from './output.js';
import { AccessError, describeSqliteError, isAccessProblem, quoteIdentifier, statReadableFile, withReadOnlyDb } from './read-only.js';
import { RowWriter } from './row-writer.js';
import { columnList, readSchema } from './schema.js';
import { keysEqual, keysPresent, stableKey } from './table-keys.js';

const ONE_STEP = 0x7fffffff;
const KEPT_CONFLICT_KEYS = 5;

/** @param {string} healthy @param {string} salvaged @param {string} dest @returns {Promise<MergeResult>} */
export async function merge(healthy, salvaged, dest) {
  const started = performance.now();
  for (const file of [healthy, salvaged]) {
    if (statReadableFile(file).size === 0) throw new AccessError(`${file}: empty file (0 bytes): not a SQLite database`, 'external');
  }
  const tmp = claimOutput(dest);
  try {
    return await withReadOnlyDb(salvaged, (db) => mergeOpen(db, tmp, dest, started), { healthy });
  } catch (error) {
    if (error instanceof AccessError || isAccessProblem(error)) throw error;
    throw new AccessError(`merge ${salvaged} into a copy of ${healthy}: ${describeSqliteError(error)}`, 'external');
  }
}

/** @param {Db} reader salvaged as main, healthy attached @param {string} tmp @param {string} dest @param {number} started */
async function mergeOpen(reader, tmp, dest, started) {
  // better-sqlite3 takes `attached` (the schema to copy); its type declarations omit it.
  const options = /** @type {import('better-sqlite3').BackupOptions} */ ({ attached: 'healthy', progress: () => ONE_STEP });
  await reader.backup(tmp, options);
  /** @type {Db | undefined} */
  let out;
  try {
    out = new Database(tmp, { fileMustExist: true });
    out.pragma('foreign_keys = OFF');
    out.pragma('synchronous = OFF');
    const baseline = out.prepare('PRAGMA foreign_key_check').all().length;
    const journalMode = String(reader.pragma('healthy.journal_mode', { simple: true }));
    const triggers = setTriggersAside(out);
    out.exec('CREATE TEMP TABLE added(tbl TEXT NOT NULL, rid INTEGER NOT NULL, PRIMARY KEY (tbl, rid)) WITHOUT ROWID');
    const salvagedTables = new Map(readSchema(reader, 'main').tables.map((t) => [t.name, t]));
    /** @type {Record<string, MergedTable>} */
    const tables = {};
    for (const table of readSchema(out).tables) {
      tables[table.name] = mergeTable(reader, out, table, salvagedTables.get(table.name));
    }
    for (const table of salvagedTables.values()) {
      if (!(table.name in tables) && !table.virtual && !table.shadow) tables[table.name] = addWholeTable(reader, out, table);
    }
    raiseSequences(reader, out);
    dropAddedOrphans(out, tables);
    for (const sql of triggers) out.exec(sql);
    const proof = proveOutput(out, `the merge for ${dest}`);
    if (proof.foreignKeyViolations > baseline) {
      throw new Error(`foreign_key_check finds ${proof.foreignKeyViolations} violations, the healthy copy ${baseline}`);
    }
    out.exec('DROP TABLE temp.added');
    commitOutput(out, tmp, dest, journalMode);
    const totalAdded = Object.values(tables).reduce((n, t) => n + t.rowsAdded, 0);
    return { dest, tables, totalAdded, proof, durationMs: Math.round(performance.now() - started) };
  } catch (error) {
    discardOutput(out, tmp);
    throw error;
  }
}

/** Removes the triggers and returns their SQL, to be run again once the rows are in. @param {Db} db */
function setTriggersAside(db) {
  const rows = /** @type {{ name: string, sql: string }[]} */ (
    db.prepare(`SELECT name, sql FROM main.sqlite_schema WHERE type = 'trigger' ORDER BY rowid`).all()
  );
  for (const row of rows) db.exec(`DROP TRIGGER main.${quoteIdentifier(row.name)}`);
  return rows.map((r) => r.sql);
}

/**
 * @param {Db} reader @param {Db} out @param {TableInfo} table the healthy copy's @param {TableInfo | undefined} theirs
 * @returns {MergedTable}
 */
function mergeTable(reader, out, table, theirs) {
  const q = quoteIdentifier(table.name);
  const rowsFromHealthy = Number(out.prepare(`SELECT count(*) FROM main.${q}`).pluck().get());
  /** @type {MergedTable} */
  const result = { rowsFromHealthy, rowsAdded: 0, conflicts: 0, conflictKeys: [], rowsRefused: 0, leftAsHealthy: null };
  const key = stableKey(table);
  const why = leftAlone(table, theirs, key);
  if (why || !key) return { ...result, leftAsHealthy: why ?? 'no stable key' };
  const cols = columnList(table.columns);
  const lacking = reader.prepare(
    `SELECT ${table.columns.map((c) => `s.${quoteIdentifier(c)}`).join(', ')} FROM main.${q} s
     WHERE ${keysPresent(key, 's')} AND NOT EXISTS (SELECT 1 FROM healthy.${q} h WHERE ${keysEqual(key, 'h', 's')})`,
  );
  const writer = new RowWriter(out);
  const insert = out.prepare(`INSERT INTO main.${q} (${cols}) VALUES (${table.columns.map(() => '?').join(', ')})`);
  const remember = out.prepare('INSERT INTO temp.added(tbl, rid) VALUES (?, last_insert_rowid())');
  // Only a row with a foreign key can point at nothing: the added rows of other tables need not be remembered.
  const hasParents = !table.withoutRowid && out.prepare(`SELECT 1 FROM pragma_foreign_key_list(?)`).get(table.name) !== undefined;
  for (const row of /** @type {IterableIterator<unknown[]>} */ (lacking.raw().safeIntegers().iterate())) {
    if (!writer.write(insert, row)) result.rowsRefused++;
    else {
      result.rowsAdded++;
      if (hasParents) remember.run(table.name);
    }
  }
  writer.flush();
  const differs = table.columns.map((c) => `s.${quoteIdentifier(c)} IS NOT h.${quoteIdentifier(c)}`).join(' OR ');
  const conflicts = reader.prepare(
    `SELECT ${key.columns.map((c) => `s.${quoteIdentifier(c)}`).join(', ')} FROM main.${q} s
     JOIN healthy.${q} h ON ${keysEqual(key, 'h', 's')} WHERE ${differs}`,
  );
  for (const values of /** @type {IterableIterator<unknown[]>} */ (conflicts.raw().safeIntegers().iterate())) {
    if (result.conflicts++ < KEPT_CONFLICT_KEYS) result.conflictKeys.push(values.map(String).join(', '));
  }
  return result;
}

/**
 * A table only the salvage has (created since the healthy copy was taken): made from its schema SQL, with its indexes,
 * and every salvaged row inserted. Nothing of the healthy copy is touched.
 * @param {Db} reader @param {Db} out @param {TableInfo} table the salvage's @returns {MergedTable}
 */
function addWholeTable(reader, out, table) {
  const q = quoteIdentifier(table.name);
  out.exec(table.sql);
  const indexes = readSchema(reader, 'main').indexes.filter((index) => index.table === table.name && index.sql);
  const cols = columnList(table.columns);
  const insert = out.prepare(`INSERT INTO main.${q} (${cols}) VALUES (${table.columns.map(() => '?').join(', ')})`);
  const rows = reader.prepare(`SELECT ${cols} FROM main.${q}`);
  const writer = new RowWriter(out);
  /** @type {MergedTable} */
  const result = { rowsFromHealthy: 0, rowsAdded: 0, conflicts: 0, conflictKeys: [], rowsRefused: 0, leftAsHealthy: null };
  for (const row of /** @type {IterableIterator<unknown[]>} */ (rows.raw().safeIntegers().iterate())) {
    if (writer.write(insert, row)) result.rowsAdded++;
    else result.rowsRefused++;
  }
  writer.flush();
  for (const index of indexes) out.exec(/** @type {string} */ (index.sql));
  return result;
}

/**
 * Why a table is left as the healthy copy has it, or null when it can be merged.
 * @param {TableInfo} table @param {TableInfo | undefined} theirs @param {TableKey | null} key @returns {string | null}
 */
function leftAlone(table, theirs, key) {
  if (table.virtual) return 'a virtual table: its rows live in its shadow tables';
  if (table.shadow) return 'a shadow table of a virtual table: only the virtual table may write it';
  if (!key) return 'no stable key: a rowid table without an INTEGER PRIMARY KEY (VACUUM may have renumbered its rowids)';
  if (!theirs) return 'the salvage has no such table';
  const mine = [...table.columns].sort().join(',');
  if (mine !== [...theirs.columns].sort().join(',')) return `its columns differ in the salvage (${theirs.columns.join(', ')})`;
  return null;
}

// AUTOINCREMENT promises never to reuse a rowid: the counter goes up to the salvage's where that is higher.
/** @param {Db} reader @param {Db} out */
function raiseSequences(reader, out) {
  const has = (/** @type {Db} */ db, /** @type {string} */ schema) =>
    db.prepare(`SELECT 1 FROM ${schema}.sqlite_schema WHERE name = 'sqlite_sequence'`).get() !== undefined;
  if (!has(out, 'main') || !has(reader, 'main')) return;
  const raise = out.prepare('UPDATE main.sqlite_sequence SET seq = @seq WHERE name = @name AND seq < @seq');
  const theirs = reader.prepare('SELECT name, seq FROM main.sqlite_sequence').safeIntegers();
  for (const row of /** @type {{ name: string, seq: bigint }[]} */ (theirs.all())) {
    raise.run({ name: row.name, seq: row.seq });
  }
}

// A salvaged row whose parent is in neither copy would break foreign_key_check. Only rows this merge added are
// removed, until none is left pointing at nothing (removing a parent can orphan an added child).
/** @param {Db} out @param {Record<string, MergedTable>} tables */
function dropAddedOrphans(out, tables) {
  const isAdded = out.prepare('SELECT 1 FROM temp.added WHERE tbl = ? AND rid = ?');
  for (;;) {
    const orphans = /** @type {{ table: string, rowid: number | bigint | null }[]} */ (
      out.prepare('PRAGMA main.foreign_key_check').safeIntegers().all()
    ).filter((v) => v.rowid !== null && isAdded.get(v.table, v.rowid));
    if (orphans.length === 0) return;
    for (const { table, rowid } of orphans) {
      const gone = out.prepare(`DELETE FROM main.${quoteIdentifier(table)} WHERE rowid = ?`).run(rowid).changes;
      out.prepare('DELETE FROM temp.added WHERE tbl = ? AND rid = ?').run(table, rowid);
      if (gone > 0 && tables[table]) {
        tables[table].rowsAdded--;
        tables[table].rowsRefused++;
      }
    }
  }
}
