// @ts-check
// How many rows of the reference (the best salvage: the newest rows production still holds) a candidate lacks, per
// table, by key. Both files are attached to one read-only connection and compared in SQL, one pass over the reference
// with a key lookup in the candidate per row: nothing per row is held in memory, so it suits a 1 GB database.
/** @import { Database as Db } from 'better-sqlite3' */
/** @import { LossWindow, TableLoss } from '../../ports/sqlite-inspector.js' */
import { performance } from 'node:perf_hooks';
import { AccessError, describeSqliteError, isAccessProblem, quoteIdentifier, statReadableFile, withReadOnlyDb } from './read-only.js';
import { readSchema } from './schema.js';
import { keysEqual, keysPresent, stableKey } from './table-keys.js';

/** @param {string} candidate @param {string} reference @returns {Promise<LossWindow>} */
export async function lossWindow(candidate, reference) {
  const started = performance.now();
  for (const file of [candidate, reference]) {
    if (statReadableFile(file).size === 0) throw new AccessError(`${file}: empty file (0 bytes): not a SQLite database`, 'external');
  }
  try {
    return await withReadOnlyDb(candidate, (db) => compare(db, candidate, reference, started), { ref: reference });
  } catch (error) {
    if (error instanceof AccessError) throw error;
    if (isAccessProblem(error)) throw new AccessError(`${candidate}: cannot open read-only (${describeSqliteError(error)})`, 'external');
    throw new AccessError(`loss window of ${candidate} against ${reference}: ${describeSqliteError(error)}`, 'external');
  }
}

/** @param {Db} db @param {string} candidate @param {string} reference @param {number} started @returns {LossWindow} */
function compare(db, candidate, reference, started) {
  const mine = new Map(
    readSchema(db, 'main')
      .tables.filter((t) => !t.virtual)
      .map((t) => [t.name, t]),
  );
  const theirs = new Map(
    readSchema(db, 'ref')
      .tables.filter((t) => !t.virtual)
      .map((t) => [t.name, t]),
  );
  const names = [...new Set([...mine.keys(), ...theirs.keys()])].sort();
  const count = (/** @type {string} */ schema, /** @type {string} */ name) =>
    Number(
      db
        .prepare(`SELECT count(*) FROM ${schema}.${quoteIdentifier(name)}`)
        .pluck()
        .get(),
    );
  /** @type {Record<string, TableLoss>} */
  const tables = {};
  let totalMissing = 0;
  for (const name of names) {
    const ref = theirs.get(name);
    const rows = mine.has(name) ? count('main', name) : 0;
    const referenceRows = ref ? count('ref', name) : 0;
    const key = ref ? stableKey(ref) : null;
    /** @type {number | null} */
    let missing;
    if (!ref) missing = 0;
    else if (!mine.has(name)) missing = referenceRows;
    else if (!key) missing = null;
    else {
      const q = quoteIdentifier(name);
      missing = Number(
        db
          .prepare(
            `SELECT count(*) FROM ref.${q} r
             WHERE ${keysPresent(key, 'r')} AND NOT EXISTS (SELECT 1 FROM main.${q} c WHERE ${keysEqual(key, 'c', 'r')})`,
          )
          .pluck()
          .get(),
      );
    }
    if (missing !== null) totalMissing += missing;
    tables[name] = { rows, referenceRows, missing, key: key?.kind ?? null };
  }
  return { candidate, reference, tables, totalMissing, durationMs: Math.round(performance.now() - started) };
}
