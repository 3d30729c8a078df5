// @ts-check
// Opening a file read-only so that looking at it changes nothing. Measured with better-sqlite3 12 / SQLite 3.53 on a
// WAL-marked database (header bytes 18/19 = 2):
// - `readonly: true` (and URI `mode=ro`, the same thing) sees the -wal's rows and never writes the .db or the -wal,
//   but it CREATES what is missing and leaves it behind on close: no -wal → an empty -wal plus a 32 KiB -shm;
//   a -wal without -shm → a new -shm (rebuilt from the -wal, which is read correctly). An existing -shm is rewritten
//   (it is shared memory, not data).
// - URI `immutable=1` creates nothing but IGNORES the -wal (rows that live only there are missing, journal_mode reads
//   'delete'): wrong for a copy whose newest rows are in its -wal. `nolock=1` and the unix-none VFS refuse a WAL
//   file (SQLITE_CANTOPEN); `locking_mode=EXCLUSIVE` on a read-only connection fails (SQLITE_IOERR_LOCK).
// - URIs only work in better-sqlite3 when SQLITE_USE_URI=1 is in the C environment before the addon first loads in
//   the process (a process-wide once-flag): not something an adapter can rely on.
// - An EMPTY .db beside a -wal: opening it (even read-only) DELETES the -wal. Never hand a 0-byte file to SQLite.
// So: open with `readonly: true`, then remove exactly what the open created (a -shm that was absent; a -wal that was
// absent and is still empty). A file without a -wal or -shm has no live SQLite connection, so the only race is a
// process opening that same file during the few seconds of a check — not how backups and copies are used.
// In a read-only directory a missing -shm cannot be created and SQLite refuses to open (reported, not worked around).
/** @import { Database as Db } from 'better-sqlite3' */
import fs from 'node:fs';
import Database from 'better-sqlite3';

/** An error that is not about the file's content: the caller rejects with it. */
export class AccessError extends Error {
  /**
   * @param {string} message
   * @param {'operator' | 'external'} [kind] operator: the path given is wrong; external: the file could not be read.
   */
  constructor(message, kind = 'operator') {
    super(message);
    this.name = 'AccessError';
    this.kind = kind;
  }
}

// Missing, unreadable and directory are the caller's problem, said with the path; an empty file is returned as such.
/** @param {string} path @returns {fs.Stats} */
export function statReadableFile(path) {
  let st;
  try {
    st = fs.statSync(path);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') throw new AccessError(`${path}: no such file`);
    throw new AccessError(`${path}: cannot stat (${errnoCode(error) ?? describeSqliteError(error)})`);
  }
  if (st.isDirectory()) throw new AccessError(`${path}: is a directory, not a database file`);
  if (!st.isFile()) throw new AccessError(`${path}: not a regular file`);
  try {
    fs.accessSync(path, fs.constants.R_OK);
  } catch (error) {
    throw new AccessError(`${path}: not readable (${errnoCode(error) ?? describeSqliteError(error)})`);
  }
  return st;
}

/** @param {unknown} error @returns {string | undefined} */
function errnoCode(error) {
  const code = /** @type {{ code?: unknown }} */ (error)?.code;
  return typeof code === 'string' ? code : undefined;
}

// Runs fn(db) on a read-only connection and removes the -wal/-shm that opening created. fn may be async.
// `attach` maps schema names to more files, attached to the same connection: they are read-only too (an attached
// database takes the connection's open flags), and what opening them created is removed as well.
/**
 * @template T
 * @param {string} path
 * @param {(db: Db) => T | Promise<T>} fn
 * @param {Record<string, string>} [attach]
 * @returns {Promise<T>}
 */
export async function withReadOnlyDb(path, fn, attach = {}) {
  const restores = [path, ...Object.values(attach)].map(rememberSidecars);
  /** @type {Db | undefined} */
  let db;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true, timeout: 5000 });
    limitPageCache(db);
    for (const [schema, file] of Object.entries(attach)) {
      db.prepare(`ATTACH DATABASE ? AS ${quoteIdentifier(schema)}`).run(file);
    }
    return await fn(db);
  } finally {
    db?.close();
    for (const restore of restores) restore();
  }
}

/**
 * Notes whether `file` has a -wal and a -shm; the function returned removes those that were absent and that opening it
 * created since (for another program that opens the file read-only, such as the sqlite3 CLI).
 * @param {string} file @returns {() => void}
 */
export function rememberSidecars(file) {
  const hadWal = fs.existsSync(`${file}-wal`);
  const hadShm = fs.existsSync(`${file}-shm`);
  return () => removeCreatedSidecars(file, hadWal, hadShm);
}

// better-sqlite3 builds SQLite with a 16 MB page cache per connection (SQLITE_DEFAULT_CACHE_SIZE=-16000); SQLite's own
// default is 2 MB. Checks, counts and backups gain nothing from the larger one (the OS caches the file): the
// integrity_check of a 1 GB database took 26-29 s with 2 MB against 30-45 s with 16 MB, and peaked 14 MB lower.
export const PAGE_CACHE_KIB = 2000;

// The pragma reads the schema first. A file it cannot read (busy, locked...) is reported now, as fn would have; a
// damaged schema is left to fn's own statement, which meets and reports that same damage.
/** @param {Db} db */
function limitPageCache(db) {
  try {
    db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
  } catch (error) {
    if (isAccessProblem(error)) throw error;
  }
}

/** @param {string} path @param {boolean} hadWal @param {boolean} hadShm */
function removeCreatedSidecars(path, hadWal, hadShm) {
  const wal = `${path}-wal`;
  const walNow = sizeOrNull(wal);
  // A -wal that grew is someone else's writes: leave it and its -shm alone.
  if (!hadWal && walNow !== null && walNow > 0) return;
  if (!hadWal && walNow === 0) fs.rmSync(wal, { force: true });
  if (!hadShm) fs.rmSync(`${path}-shm`, { force: true });
}

/** @param {string} path */
function sizeOrNull(path) {
  try {
    return fs.statSync(path).size;
  } catch {
    return null;
  }
}

// SQLite codes that say the file could not be looked at (rather than that its content is bad).
const ACCESS_CODES = /^SQLITE_(CANTOPEN|BUSY|LOCKED|PERM|AUTH|NOMEM|READONLY|FULL)/;

/** @param {unknown} error */
export function isAccessProblem(error) {
  const code = errnoCode(error);
  return code !== undefined && ACCESS_CODES.test(code);
}

/** @param {unknown} error @returns {string} */
export function describeSqliteError(error) {
  const e = /** @type {{ code?: unknown, message?: unknown } | null | undefined} */ (error);
  return e?.code ? `${e.code}: ${e.message}` : String(e?.message ?? error);
}

// SQLITE_CORRUPT, SQLITE_NOTADB and their extended codes: the content is damaged, not the file unreachable.
/** @param {unknown} error */
export function isCorruption(error) {
  const code = errnoCode(error);
  return code !== undefined && /^SQLITE_(CORRUPT|NOTADB)/.test(code);
}

/** @param {unknown} name */
export function quoteIdentifier(name) {
  return `"${String(name).replaceAll('"', '""')}"`;
}
