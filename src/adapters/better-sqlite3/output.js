// @ts-check
// A new database file written by repair, salvage or merge: under dest.tmp, built with the source's page size,
// encoding and auto_vacuum, proven with integrity_check and foreign_key_check, given the source's journal mode, fsynced
// and renamed to dest. A dest that exists, or a -wal/-shm beside it (it would be replayed into the new file), is refused.
/** @import { Database as Db } from 'better-sqlite3' */
/** @import { OutputProof } from '../../ports/sqlite-inspector.js' */
/** @import { SchemaInfo } from './schema.js' */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AccessError, quoteIdentifier } from './read-only.js';
import { fsyncFile, removeOwnTemporaries } from './snapshot.js';

/** The temporary path to build `dest` under, after refusing a dest that is taken. @param {string} dest */
export function claimOutput(dest) {
  for (const suffix of ['', '-wal', '-shm', '-journal']) {
    if (fs.existsSync(dest + suffix)) throw new AccessError(`${dest + suffix} exists: choose another destination or move it away`);
  }
  if (!fs.existsSync(path.dirname(dest))) throw new AccessError(`${path.dirname(dest)}: no such directory`);
  const tmp = `${dest}.tmp`;
  removeOwnTemporaries(tmp);
  return tmp;
}

/**
 * An empty database at `tmp` laid out like `src`. Foreign keys are off while rows are loaded (checked at the end),
 * and a crash mid-build loses only the .tmp, so it is written without syncs.
 * @param {string} tmp @param {Db} src
 */
export function openFreshDb(tmp, src) {
  const db = new Database(tmp);
  try {
    db.pragma(`page_size = ${Number(src.pragma('page_size', { simple: true }))}`);
    db.pragma(`auto_vacuum = ${Number(src.pragma('auto_vacuum', { simple: true }))}`);
    db.pragma(`encoding = '${String(src.pragma('encoding', { simple: true })).replaceAll("'", '')}'`);
    db.pragma('journal_mode = DELETE');
    db.pragma('synchronous = OFF');
    db.pragma('foreign_keys = OFF');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Tables from their schema SQL (their UNIQUE/PRIMARY KEY constraints come with them). @param {Db} db @param {SchemaInfo} schema */
export function createTables(db, schema) {
  const exists = db.prepare('SELECT 1 FROM main.sqlite_schema WHERE name = ?').pluck();
  // A virtual table creates its own shadow tables, which the schema also lists.
  for (const table of schema.tables) if (!exists.get(table.name)) db.exec(table.sql);
}

/**
 * better-sqlite3 opens connections in SQLite's defensive mode, which forbids writing a virtual table's shadow tables:
 * the copy of FTS5's rows must. Turned off on the new file only, and only when it has shadow tables.
 * @param {Db} db @param {SchemaInfo} schema
 */
export function allowShadowTableWrites(db, schema) {
  if (schema.tables.some((t) => t.shadow)) db.unsafeMode(true);
}

/**
 * The explicit indexes (CREATE INDEX statements), all of them or only the UNIQUE or the other ones. Built after the
 * rows an index costs a sort; before them, an insert per row into a growing b-tree (measured: a 1.2 GB salvage took
 * 66 s with its index built first). A UNIQUE one comes first where a row it refuses must be counted, not fatal.
 * @param {Db} db @param {SchemaInfo} schema @param {'all' | 'unique' | 'not unique'} [which]
 */
export function createIndexes(db, schema, which = 'all') {
  for (const index of schema.indexes) {
    if (!index.sql) continue;
    const unique = /^\s*CREATE\s+UNIQUE\b/i.test(index.sql);
    if (which === 'all' || (which === 'unique') === unique) db.exec(index.sql);
  }
}

/**
 * Views, triggers (created last, so that loading rows fired none), sqlite_sequence and the two header numbers.
 * `sequence` holds src's sqlite_sequence rows when they could be read; each is raised to the table's largest rowid.
 * @param {Db} db @param {SchemaInfo} schema @param {Db} src @param {{ name: string, seq: number | bigint }[] | null} sequence
 */
export function finishSchema(db, schema, src, sequence) {
  for (const item of schema.later) db.exec(item.sql);
  if (schema.hasSequence) writeSequence(db, schema, sequence);
  db.pragma(`user_version = ${Math.trunc(Number(src.pragma('user_version', { simple: true })))}`);
  db.pragma(`application_id = ${Math.trunc(Number(src.pragma('application_id', { simple: true })))}`);
}

/**
 * sqlite_sequence as src had it, never below a rowid the table holds (AUTOINCREMENT must not reuse one).
 * @param {Db} db @param {SchemaInfo} schema @param {{ name: string, seq: number | bigint }[] | null} sequence
 */
function writeSequence(db, schema, sequence) {
  const exists = db.prepare(`SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_sequence'`).get();
  if (!exists) return;
  const upsert = db.prepare(
    `INSERT INTO sqlite_sequence(name, seq) SELECT @name, @seq WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = @name)`,
  );
  const raise = db.prepare(`UPDATE sqlite_sequence SET seq = @seq WHERE name = @name AND seq < @seq`);
  const names = new Set(schema.tables.map((t) => t.name));
  for (const row of sequence ?? []) {
    if (!names.has(row.name)) continue;
    upsert.run({ name: row.name, seq: row.seq });
    raise.run({ name: row.name, seq: row.seq });
  }
}

/** src's sqlite_sequence, or null when it cannot be read. @param {Db} src @param {string} [schema] */
export function readSequence(src, schema = 'main') {
  try {
    return /** @type {{ name: string, seq: number | bigint }[]} */ (
      src
        .prepare(`SELECT name, seq FROM ${quoteIdentifier(schema)}.sqlite_sequence`)
        .safeIntegers()
        .all()
    );
  } catch {
    return null;
  }
}

/**
 * integrity_check must say ok; foreign_key_check rows are counted. Throws (naming the file) when integrity fails.
 * @param {Db} db @param {string} what @returns {OutputProof}
 */
export function proveOutput(db, what) {
  const rows = /** @type {string[]} */ (db.prepare('PRAGMA integrity_check').pluck().all());
  if (rows.length !== 1 || rows[0] !== 'ok') throw new Error(`${what} fails integrity_check: ${rows.slice(0, 3).join('; ')}`);
  const violations = db.prepare('PRAGMA foreign_key_check').all().length;
  return { integrity: 'ok', foreignKeyViolations: violations };
}

/** Foreign-key violations in a file, or null when its tables cannot be read for it. @param {Db} db */
export function countForeignKeyViolations(db) {
  try {
    return db.prepare('PRAGMA foreign_key_check').all().length;
  } catch {
    return null;
  }
}

/**
 * Gives the file `journalMode`, closes it (a WAL file's last close checkpoints and removes its -wal), fsyncs and
 * renames it to dest. @param {Db} db @param {string} tmp @param {string} dest @param {string} journalMode
 */
export function commitOutput(db, tmp, dest, journalMode) {
  if (journalMode.toLowerCase() === 'wal') db.pragma('journal_mode = WAL');
  db.close();
  for (const suffix of ['-wal', '-shm', '-journal']) {
    if (fs.existsSync(tmp + suffix)) throw new Error(`${tmp + suffix} still exists after closing the new file`);
  }
  fsyncFile(tmp);
  fs.renameSync(tmp, dest);
  fsyncFile(path.dirname(dest));
}

/** After a failure: the connection closed, the .tmp and its sidecars gone. @param {Db | undefined} db @param {string} tmp */
export function discardOutput(db, tmp) {
  try {
    if (db?.open) db.close();
  } finally {
    removeOwnTemporaries(tmp);
  }
}
