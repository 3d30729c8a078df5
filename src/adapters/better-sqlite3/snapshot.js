// @ts-check
// A consistent, standalone copy through the backup API. One step (a page budget larger than any file) holds one read
// transaction on the source for the whole copy, so a writer committing meanwhile cannot make it restart forever.
// The copy keeps the source's journal mode: a backup of a WAL database is marked WAL, which is what the app that
// will run on it expects. It is made standalone by a read-write open + wal_checkpoint(TRUNCATE) + close, which
// (as the last connection) removes its -wal and -shm.
/** @import { SnapshotResult } from '../../ports/sqlite-inspector.js' */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { AccessError, describeSqliteError, statReadableFile, withReadOnlyDb } from './read-only.js';

const ONE_STEP = 0x7fffffff;
const SIDECARS = ['-wal', '-shm', '-journal'];

/** @param {string} src @param {string} dest @returns {Promise<SnapshotResult>} */
export async function writeSnapshot(src, dest) {
  const started = performance.now();
  const st = statReadableFile(src);
  if (st.size === 0) throw new AccessError(`snapshot ${src}: empty file (0 bytes): not a SQLite database`, 'external');
  // A -wal left beside dest would be replayed into the new file on its next open: refuse rather than delete it.
  for (const suffix of ['-wal', '-shm']) {
    if (fs.existsSync(dest + suffix)) {
      throw new AccessError(`snapshot ${src}: ${dest + suffix} exists and would be applied to the new copy; move it away first`);
    }
  }

  const tmp = `${dest}.tmp`;
  removeOwnTemporaries(tmp);
  try {
    await withReadOnlyDb(src, (db) => db.backup(tmp, { progress: () => ONE_STEP }));
    makeStandalone(tmp);
    fsyncFile(tmp);
    fs.renameSync(tmp, dest);
    fsyncFile(path.dirname(dest));
  } catch (error) {
    removeOwnTemporaries(tmp);
    if (error instanceof AccessError) throw error;
    throw new AccessError(`snapshot ${src} → ${dest}: ${describeSqliteError(error)}`, 'external');
  }
  return { dest, bytes: fs.statSync(dest).size, durationMs: Math.round(performance.now() - started) };
}

/** @param {string} file */
export function makeStandalone(file) {
  const db = new Database(file, { fileMustExist: true });
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  for (const suffix of SIDECARS) {
    if (fs.existsSync(file + suffix)) throw new Error(`${file + suffix} still exists after closing the copy`);
  }
}

// dest.tmp and its sidecars are this function's own leftovers (a crashed earlier run), never the operator's data.
/** @param {string} tmp */
export function removeOwnTemporaries(tmp) {
  for (const suffix of ['', ...SIDECARS]) fs.rmSync(tmp + suffix, { force: true });
}

/** @param {string} file */
export function fsyncFile(file) {
  const fd = fs.openSync(file, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
