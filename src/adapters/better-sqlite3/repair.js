// @ts-check
// A repair that loses nothing. REINDEX on a copy mends an index that disagrees with its table; it cannot mend a
// damaged index page (REINDEX and DROP INDEX walk the old b-tree and fail, measured). Then the database is rebuilt
// into a fresh file: tables from their schema SQL, rows read through each table's own b-tree (NOT INDEXED), indexes
// built anew, then views, triggers, sqlite_sequence and the header numbers. A table b-tree that does not read whole
// is not a repair's to mend: the result says so and nothing is written.
/** @import { Database as Db } from 'better-sqlite3' */
/** @import { RepairResult } from '../../ports/sqlite-inspector.js' */
/** @import { SchemaInfo } from './schema.js' */
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import {
  allowShadowTableWrites,
  claimOutput,
  commitOutput,
  countForeignKeyViolations,
  createIndexes,
  createTables,
  discardOutput,
  finishSchema,
  openFreshDb,
  proveOutput,
  readSequence,
} from './output.js';
import {
  AccessError,
  describeSqliteError,
  isAccessProblem,
  isCorruption,
  quoteIdentifier,
  statReadableFile,
  withReadOnlyDb,
} from './read-only.js';
import { RowWriter } from './row-writer.js';
import { columnList, copyColumns, readSchema } from './schema.js';

const ONE_STEP = 0x7fffffff;

/** @param {string} src @param {string} dest @returns {Promise<RepairResult>} */
export async function repair(src, dest) {
  const started = performance.now();
  const st = statReadableFile(src);
  const tmp = claimOutput(dest);
  const refuse = (/** @type {string} */ reason, /** @type {string[]} */ unreadableTables) =>
    /** @type {RepairResult} */ ({
      ok: false,
      reason,
      unreadableTables,
      durationMs: Math.round(performance.now() - started),
    });
  if (st.size === 0) return refuse('empty file (0 bytes): not a SQLite database', []);
  try {
    return await withReadOnlyDb(src, async (db) => {
      let schema;
      try {
        schema = readSchema(db);
      } catch (error) {
        if (isAccessProblem(error)) throw error;
        return refuse(`the schema cannot be read: ${describeSqliteError(error)}`, []);
      }
      // Reading every table first costs one pass and spares a doomed copy of the whole file when one is damaged.
      const unreadable = schema.tables.filter((t) => !t.virtual && readsWhole(db, t) !== null);
      if (unreadable.length > 0) {
        const causes = unreadable.map((t) => `table ${t.name} does not read whole (${readsWhole(db, t)})`);
        return refuse(
          `${causes.join('; ')}: a repair would lose rows, salvage them instead`,
          unreadable.map((t) => t.name),
        );
      }
      const baseline = countForeignKeyViolations(db);
      const reindexed = await tryReindex(db, tmp, dest, baseline);
      if (reindexed) return { ok: true, dest, method: 'reindex', ...reindexed, durationMs: Math.round(performance.now() - started) };
      const rebuilt = rebuild(db, schema, tmp, dest, baseline);
      if ('reason' in rebuilt) return refuse(rebuilt.reason, rebuilt.unreadableTables);
      return { ok: true, dest, method: 'rebuild', ...rebuilt, durationMs: Math.round(performance.now() - started) };
    });
  } catch (error) {
    if (error instanceof AccessError || isAccessProblem(error)) throw error;
    throw new AccessError(`repair ${src}: ${describeSqliteError(error)}`, 'external');
  }
}

/**
 * A page-for-page copy with every index rebuilt, kept only if it then passes integrity_check.
 * @param {Db} src @param {string} tmp @param {string} dest @param {number | null} baseline
 */
async function tryReindex(src, tmp, dest, baseline) {
  /** @type {Db | undefined} */
  let db;
  try {
    await src.backup(tmp, { progress: () => ONE_STEP });
    db = new Database(tmp, { fileMustExist: true });
    db.exec('REINDEX');
    const proof = proveOutput(db, `the reindexed copy for ${dest}`);
    if (baseline !== null && proof.foreignKeyViolations > baseline) throw new Error('foreign_key_check found new violations');
    const tables = countRows(db);
    commitOutput(db, tmp, dest, String(src.pragma('journal_mode', { simple: true })));
    return { tables, proof };
  } catch (error) {
    if (isAccessProblem(error)) throw error;
    discardOutput(db, tmp);
    return null;
  }
}

/**
 * @param {Db} src @param {SchemaInfo} schema @param {string} tmp @param {string} dest @param {number | null} baseline
 * @returns {{ tables: Record<string, number>, proof: import('../../ports/sqlite-inspector.js').OutputProof }
 *   | { reason: string, unreadableTables: string[] }}
 */
function rebuild(src, schema, tmp, dest, baseline) {
  /** @type {Db | undefined} */
  let db;
  try {
    db = openFreshDb(tmp, src);
    createTables(db, schema);
    allowShadowTableWrites(db, schema);
    const writer = new RowWriter(db);
    /** @type {string[]} */
    const unreadable = [];
    /** @type {string[]} */
    const problems = [];
    for (const table of schema.tables.filter((t) => !t.virtual)) {
      const insert = writer.prepareInsert(table);
      const read = src.prepare(`SELECT ${columnList(copyColumns(table))} FROM main.${quoteIdentifier(table.name)} NOT INDEXED`);
      let refused = 0;
      try {
        for (const row of /** @type {IterableIterator<unknown[]>} */ (read.raw().safeIntegers().iterate())) {
          if (!writer.write(insert, row)) refused++;
        }
      } catch (error) {
        if (!isCorruption(error)) throw error;
        unreadable.push(table.name);
        problems.push(`table ${table.name} does not read whole (${describeSqliteError(error)})`);
      }
      writer.flush();
      if (refused > 0) problems.push(`${refused} rows of table ${table.name} break its own constraints`);
    }
    if (problems.length > 0) {
      discardOutput(db, tmp);
      return { reason: `${problems.join('; ')}: a repair would lose rows, salvage them instead`, unreadableTables: unreadable };
    }
    try {
      createIndexes(db, schema);
    } catch (error) {
      discardOutput(db, tmp);
      return { reason: `an index cannot be built on the rows as they are (${describeSqliteError(error)})`, unreadableTables: [] };
    }
    finishSchema(db, schema, src, readSequence(src));
    const proof = proveOutput(db, `the rebuilt copy for ${dest}`);
    if (baseline !== null && proof.foreignKeyViolations > baseline) {
      discardOutput(db, tmp);
      return { reason: `foreign_key_check finds ${proof.foreignKeyViolations} violations, the original ${baseline}`, unreadableTables: [] };
    }
    const tables = countRows(db);
    commitOutput(db, tmp, dest, String(src.pragma('journal_mode', { simple: true })));
    return { tables, proof };
  } catch (error) {
    discardOutput(db, tmp);
    throw error;
  }
}

// Every column of every row through the table's own b-tree; null when it all reads, else what SQLite threw.
/** @param {Db} db @param {import('./schema.js').TableInfo} table @returns {string | null} */
function readsWhole(db, table) {
  try {
    const read = db.prepare(`SELECT ${columnList(copyColumns(table))} FROM main.${quoteIdentifier(table.name)} NOT INDEXED`).raw();
    for (const _row of read.iterate());
    return null;
  } catch (error) {
    if (!isCorruption(error)) throw error;
    return describeSqliteError(error);
  }
}

/** Rows per ordinary table, sorted by name. @param {Db} db @returns {Record<string, number>} */
export function countRows(db) {
  const names = /** @type {string[]} */ (
    db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).pluck().all()
  );
  /** @type {Record<string, number>} */
  const counts = {};
  for (const name of names)
    counts[name] = Number(
      db
        .prepare(`SELECT count(*) FROM main.${quoteIdentifier(name)}`)
        .pluck()
        .get(),
    );
  return counts;
}
