// @ts-check
// Every readable row of every table into a new file. SQLite's own `.recover` is used when the local sqlite3 has a
// working one (probed on a scratch database: Debian 12's lists it but fails); otherwise each table is read in key order
// through its own b-tree (see key-scan.js). Rowids are kept (rows are written with them), and so are sqlite_sequence
// and user_version; UNIQUE indexes exist before the rows arrive, so a row the schema refuses is counted, not fatal.
/** @import { Database as Db } from 'better-sqlite3' */
/** @import { SalvageProgress, SalvageResult, SalvagedTable } from '../../ports/sqlite-inspector.js' */
/** @import { JobContext } from './worker-protocol.js' */
import { performance } from 'node:perf_hooks';
import { throwIfCancelled } from './aborted.js';
import { scanTable } from './key-scan.js';
import {
  allowShadowTableWrites,
  claimOutput,
  commitOutput,
  createIndexes,
  createTables,
  discardOutput,
  finishSchema,
  openFreshDb,
  proveOutput,
  readSequence,
} from './output.js';
import { AccessError, describeSqliteError, isAccessProblem, statReadableFile, withReadOnlyDb } from './read-only.js';
import { probeRecover, recoverInto } from './recover-cli.js';
import { copyColumns, readSchema } from './schema.js';
import { RowWriter } from './row-writer.js';

const PROGRESS_EVERY_MS = 100;

/**
 * @param {string} src @param {string} dest @param {string | null} sqlite3 @param {JobContext<SalvageProgress>} job
 * @returns {Promise<SalvageResult>}
 */
export async function salvage(src, dest, sqlite3, job) {
  const started = performance.now();
  const st = statReadableFile(src);
  const tmp = claimOutput(dest);
  if (st.size === 0) return nothingReadable(dest, 'sql-scan', null, 'empty file (0 bytes): not a SQLite database', started);
  const probe = sqlite3 ? await probeRecover(sqlite3) : { works: false, reason: 'no sqlite3 CLI was given to probe' };
  throwIfCancelled(job);
  if (probe.works && sqlite3) {
    const recovered = await recoverInto(sqlite3, src, tmp, dest, job);
    return { ...recovered, durationMs: Math.round(performance.now() - started) };
  }
  try {
    return await withReadOnlyDb(src, (db) => scanInto(db, tmp, dest, probe.reason, job, started));
  } catch (error) {
    if (error instanceof AccessError || isAccessProblem(error)) throw error;
    if (error instanceof SchemaUnreadable) return nothingReadable(dest, 'sql-scan', probe.reason, error.message, started);
    throw error;
  }
}

class SchemaUnreadable extends Error {}

/**
 * @param {Db} src @param {string} tmp @param {string} dest @param {string} recoverUnavailable
 * @param {JobContext<SalvageProgress>} job @param {number} started @returns {SalvageResult}
 */
function scanInto(src, tmp, dest, recoverUnavailable, job, started) {
  let schema;
  try {
    schema = readSchema(src);
  } catch (error) {
    if (isAccessProblem(error)) throw error;
    throw new SchemaUnreadable(`the schema cannot be read: ${describeSqliteError(error)}`);
  }
  /** @type {Db | undefined} */
  let out;
  try {
    out = openFreshDb(tmp, src);
    createTables(out, schema);
    allowShadowTableWrites(out, schema);
    createIndexes(out, schema, 'unique');
    const writer = new RowWriter(out);
    /** @type {Record<string, SalvagedTable>} */
    const tables = {};
    const copied = schema.tables.filter((t) => !t.virtual);
    let totalRows = 0;
    let skippedRanges = 0;
    let lastProgress = 0;
    copied.forEach((table, done) => {
      const insert = writer.prepareInsert(table);
      let rejected = 0;
      const report = (/** @type {number} */ rowsInTable) => {
        const now = performance.now();
        if (now - lastProgress < PROGRESS_EVERY_MS) return;
        lastProgress = now;
        job.progress({ table: table.name, tablesDone: done, tablesTotal: copied.length, rowsRead: totalRows + rowsInTable, skippedRanges });
      };
      const plan = {
        table: table.name,
        select: copyColumns(table),
        order: table.scanKey.columns,
        integerKey: table.scanKey.integer,
        withoutRowid: table.withoutRowid,
      };
      const outcome = scanTable(
        src,
        plan,
        (row) => {
          if (!writer.write(insert, row)) rejected++;
        },
        job,
        report,
      );
      writer.flush();
      totalRows += outcome.rowsRead - rejected;
      skippedRanges += outcome.skipped.length;
      tables[table.name] = { rowsRead: outcome.rowsRead, rowsRejected: rejected, skipped: outcome.skipped, errors: outcome.errors };
    });
    job.progress({ table: '', tablesDone: copied.length, tablesTotal: copied.length, rowsRead: totalRows, skippedRanges });
    createIndexes(out, schema, 'not unique');
    finishSchema(out, schema, src, readSequence(src));
    const proof = proveOutput(out, `the salvage of ${dest}`);
    commitOutput(out, tmp, dest, String(src.pragma('journal_mode', { simple: true })));
    const errors = Object.values(tables).reduce((n, t) => n + t.errors, 0);
    const noRowsReadable = totalRows === 0 && errors > 0;
    return {
      dest,
      method: 'sql-scan',
      recoverUnavailable,
      tables,
      totalRows,
      noRowsReadable,
      note: noRowsReadable ? 'no row of any table can be read: every table is unreadable from its first row' : null,
      proof,
      durationMs: Math.round(performance.now() - started),
    };
  } catch (error) {
    discardOutput(out, tmp);
    throw error;
  }
}

/**
 * @param {string} dest @param {'recover' | 'sql-scan'} method @param {string | null} recoverUnavailable
 * @param {string} note @param {number} started @returns {SalvageResult}
 */
function nothingReadable(dest, method, recoverUnavailable, note, started) {
  void dest;
  return {
    dest: null,
    method,
    recoverUnavailable,
    tables: {},
    totalRows: 0,
    noRowsReadable: true,
    note,
    proof: null,
    durationMs: Math.round(performance.now() - started),
  };
}
