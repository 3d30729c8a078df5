// @ts-check
// PRAGMA quick_check / integrity_check on a read-only connection. SQLite reports damage two ways: error rows, or a
// thrown SQLITE_CORRUPT / SQLITE_NOTADB (sometimes after some rows). Both are an ok=false result.
// SQLite 3.53 puts all the b-tree errors of one tree into ONE row, one error a line, under a
// "*** in database main ***" heading: errors are counted and kept per line so the numbers do not depend on that.
/** @import { CheckMode, IntegrityResult } from '../../ports/sqlite-inspector.js' */
import { performance } from 'node:perf_hooks';
import { AccessError, describeSqliteError, isAccessProblem, statReadableFile, withReadOnlyDb } from './read-only.js';

const KEPT_ERRORS = 20;

const HEADING = /^\*\*\* in database \S+ \*\*\*$/;

// errorLimit: the pragma stops after that many errors (the port's ERROR_LIMIT). Past it a file has long been judged,
// and counting every error of a torn 1 GB copy walks all of it (1 s instead of 0.05 s).
/** @param {string} path @param {CheckMode} mode @param {number} errorLimit @returns {Promise<IntegrityResult>} */
export async function checkIntegrity(path, mode, errorLimit) {
  const check = mode === 'quick' ? 'quick_check' : 'integrity_check';
  const started = performance.now();
  /** @type {(ok: boolean, errors: string[], errorCount: number) => IntegrityResult} */
  const result = (ok, errors, errorCount) => ({
    path,
    ok,
    check,
    errors,
    errorCount,
    durationMs: Math.round(performance.now() - started),
  });

  const st = statReadableFile(path);
  // SQLite calls a 0-byte file a valid empty database (and deletes a -wal beside it): we call it what it is.
  if (st.size === 0) return result(false, ['empty file (0 bytes): not a SQLite database'], 1);

  /** @type {string[]} */
  const errors = [];
  let errorCount = 0;
  try {
    await withReadOnlyDb(path, (db) => {
      const rows = /** @type {IterableIterator<[unknown]>} */ (
        db
          .prepare(`PRAGMA ${check}(${Math.trunc(errorLimit)})`)
          .raw()
          .iterate()
      );
      for (const [text] of rows) {
        if (text === 'ok' && errorCount === 0) continue;
        for (const line of String(text).split('\n')) {
          if (line === '' || HEADING.test(line)) continue;
          if (errors.length < KEPT_ERRORS) errors.push(line);
          errorCount++;
        }
      }
    });
  } catch (error) {
    if (error instanceof AccessError) throw error;
    if (isAccessProblem(error)) throw new AccessError(`${path}: cannot open read-only (${describeSqliteError(error)})`, 'external');
    // What SQLite threw is the most telling line: it is kept even when 20 rows came before it.
    errors.splice(KEPT_ERRORS - 1, Infinity, notADatabaseText(error));
    errorCount++;
  }
  return result(errorCount === 0, errors, errorCount);
}

/** @param {unknown} error */
function notADatabaseText(error) {
  if (/** @type {{ code?: unknown }} */ (error)?.code === 'SQLITE_NOTADB') return `${describeSqliteError(error)} (not a SQLite database)`;
  return describeSqliteError(error);
}
