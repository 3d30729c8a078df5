// SQLite files for drills and tests, generated and byte-identical across runs for the same arguments: every value
// comes from a seeded PRNG, and the random salts SQLite puts in a -wal are replaced by fixed ones.
// The corruption recipes are the ones FACTS.md measured as reliable; each leaves a file that fails integrity_check
// both through better-sqlite3 and through the sqlite3 CLI (the in-container check).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';

export type AppTable = 'users' | 'settings';

export interface AppDbOptions {
  /** Rows in `events`. */
  rows: number;
  seed: number;
  /** Tables beside `events` (always made, as the test app inserts into it); default both. */
  tables?: AppTable[];
}

export interface AppDbInfo {
  path: string;
  /** Row count per table. */
  counts: Record<string, number>;
  /** Largest events.id. */
  maxEventId: number;
}

export interface WalCopyOptions {
  /** Rows in events that are in the .db itself. */
  rows: number;
  /** Newer events rows that exist only in the -wal. */
  walRows: number;
  seed: number;
}

export interface WalCopyInfo extends AppDbInfo {
  /** events rows the bare .db holds (without its -wal). */
  rowsInDb: number;
}

const PAGE_SIZE = 4096;
const START_MS = Date.UTC(2024, 0, 1);

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['disk', 'page', 'wal', 'index', 'backup', 'row', 'commit', 'lock', 'node', 'order', 'user', 'queue'];

// A generator of app rows; one per database so its sequence (and so the file) depends only on the seed.
class AppRows {
  private readonly rng: () => number;
  private clockMs = START_MS;
  private userSerial = 0;

  constructor(seed: number) {
    this.rng = mulberry32(seed);
  }

  event(): [string, string] {
    this.clockMs += 1000 + Math.floor(this.rng() * 60_000);
    const words = Array.from({ length: 3 + Math.floor(this.rng() * 20) }, () => WORDS[Math.floor(this.rng() * WORDS.length)]);
    return [new Date(this.clockMs).toISOString(), words.join(' ')];
  }

  user(): [string, string] {
    this.userSerial++;
    const tag = Math.floor(this.rng() * 0xffffffff)
      .toString(16)
      .padStart(8, '0');
    return [`${tag}.${this.userSerial}@example.test`, `User ${this.userSerial}`];
  }

  int(max: number): number {
    return Math.floor(this.rng() * max);
  }
}

function createSchema(db: Database.Database, tables: AppTable[]): void {
  db.exec(`CREATE TABLE events(id INTEGER PRIMARY KEY, at TEXT NOT NULL, note TEXT);
           CREATE INDEX events_at ON events(at);`);
  if (tables.includes('users')) db.exec(`CREATE TABLE users(id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT);`);
  if (tables.includes('settings')) db.exec(`CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;`);
}

function insertRows(db: Database.Database, gen: AppRows, tables: AppTable[], events: number): void {
  const insertEvent = db.prepare('INSERT INTO events(at, note) VALUES (?, ?)');
  const insertUser = tables.includes('users') ? db.prepare('INSERT INTO users(email, name) VALUES (?, ?)') : null;
  db.transaction(() => {
    for (let i = 0; i < events; i++) {
      insertEvent.run(...gen.event());
      if (insertUser && i % 10 === 0) insertUser.run(...gen.user());
    }
  })();
}

function insertSettings(db: Database.Database, tables: AppTable[]): void {
  if (!tables.includes('settings')) return;
  const insert = db.prepare('INSERT INTO settings(key, value) VALUES (?, ?)');
  for (const [key, value] of [
    ['schema', '3'],
    ['retention days', '30'],
    ['owner', 'ops'],
  ])
    insert.run(key, value);
}

function countRows(db: Database.Database): { counts: Record<string, number>; maxEventId: number } {
  const names = db
    .prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
    .pluck()
    .all() as string[];
  const counts: Record<string, number> = {};
  for (const name of names) counts[name] = db.prepare(`SELECT count(*) FROM "${name}"`).pluck().get() as number;
  const maxEventId = (db.prepare('SELECT max(id) FROM events').pluck().get() as number | null) ?? 0;
  return { counts, maxEventId };
}

function removeDbFiles(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(file + suffix, { force: true });
}

function openNewAppDb(file: string, tables: AppTable[]): Database.Database {
  removeDbFiles(file);
  const db = new Database(file);
  db.pragma(`page_size = ${PAGE_SIZE}`);
  db.pragma('journal_mode = WAL');
  createSchema(db, tables);
  insertSettings(db, tables);
  return db;
}

/** A WAL-mode app database, checkpointed and closed: a .db marked WAL with no -wal beside it. Replaces `file`. */
export function makeAppDb(file: string, opts: AppDbOptions): AppDbInfo {
  const tables = opts.tables ?? ['users', 'settings'];
  const db = openNewAppDb(file, tables);
  try {
    insertRows(db, new AppRows(opts.seed), tables, opts.rows);
    return { path: file, ...countRows(db) };
  } finally {
    db.close();
  }
}

/**
 * A .db and a -wal as an app leaves them while running (copied without its -shm): the newest `walRows` events (and
 * one user per ten of them) exist only in the -wal. Throws if the bare .db turns out to hold them.
 */
export function makeLocalCopyWithWalOnlyRows(file: string, opts: WalCopyOptions): WalCopyInfo {
  const { db, gen, tables, live, scratch, dispose } = openCheckpointedWriter('fixture-wal-', opts.seed, opts.rows);
  try {
    insertRows(db, gen, tables, opts.walRows);
    const info = countRows(db);
    // Copied while the writer is open: its close would checkpoint the -wal into the .db and delete it.
    removeDbFiles(file);
    fs.copyFileSync(live, file);
    fs.copyFileSync(`${live}-wal`, `${file}-wal`);
    normalizeWalSalts(`${file}-wal`);
    const rowsInDb = countEventsWithoutWal(file, scratch);
    if (opts.walRows > 0 && rowsInDb !== opts.rows) {
      throw new Error(`fixture: bare .db holds ${rowsInDb} events, expected ${opts.rows}`);
    }
    return { path: file, ...info, rowsInDb };
  } finally {
    dispose();
  }
}

// A WAL-mode writer left open with its first `rows` checkpointed into the .db and automatic checkpoints off, so
// whatever it writes next stays in its -wal. dispose() closes it and removes its scratch folder.
function openCheckpointedWriter(prefix: string, seed: number, rows: number) {
  const tables: AppTable[] = ['users', 'settings'];
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const live = path.join(scratch, 'live.db');
  const db = openNewAppDb(live, tables);
  const dispose = () => {
    db.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  };
  try {
    db.pragma('wal_autocheckpoint = 0');
    const gen = new AppRows(seed);
    insertRows(db, gen, tables, rows);
    db.pragma('wal_checkpoint(TRUNCATE)');
    return { db, gen, tables, live, scratch, dispose };
  } catch (error) {
    dispose();
    throw error;
  }
}

function countEventsWithoutWal(file: string, scratch: string): number {
  const bare = path.join(scratch, 'bare.db');
  fs.copyFileSync(file, bare);
  const db = new Database(bare, { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM events').pluck().get() as number;
  } finally {
    db.close();
  }
}

// SQLite starts each -wal generation with random salts (copied into every frame header and covered by the checksum
// chain). Fixed salts with a recomputed chain give the same bytes on every run; SQLite reads the file the same.
export function normalizeWalSalts(walFile: string): void {
  const buf = fs.readFileSync(walFile);
  if (buf.length < 32) return;
  const bigEndian = (buf.readUInt32BE(0) & 1) === 1;
  const pageSize = buf.readUInt32BE(8);
  const oldSalts = [buf.readUInt32BE(16), buf.readUInt32BE(20)];
  const salts = [0x5eed0001, 0x5eed0002];
  buf.writeUInt32BE(salts[0], 16);
  buf.writeUInt32BE(salts[1], 20);
  let sums = walChecksum(buf.subarray(0, 24), [0, 0], bigEndian);
  buf.writeUInt32BE(sums[0], 24);
  buf.writeUInt32BE(sums[1], 28);
  const frameSize = 24 + pageSize;
  for (let at = 32; at + frameSize <= buf.length; at += frameSize) {
    // Frames of an older generation (not valid for this header) end the log.
    if (buf.readUInt32BE(at + 8) !== oldSalts[0] || buf.readUInt32BE(at + 12) !== oldSalts[1]) break;
    buf.writeUInt32BE(salts[0], at + 8);
    buf.writeUInt32BE(salts[1], at + 12);
    sums = walChecksum(buf.subarray(at, at + 8), sums, bigEndian);
    sums = walChecksum(buf.subarray(at + 24, at + frameSize), sums, bigEndian);
    buf.writeUInt32BE(sums[0], at + 16);
    buf.writeUInt32BE(sums[1], at + 20);
  }
  fs.writeFileSync(walFile, buf);
}

// walChecksumBytes() from SQLite's wal.c: 32-bit words in the byte order the magic number names.
function walChecksum(data: Buffer, [s0, s1]: number[], bigEndian: boolean): number[] {
  for (let i = 0; i < data.length; i += 8) {
    const x0 = bigEndian ? data.readUInt32BE(i) : data.readUInt32LE(i);
    const x1 = bigEndian ? data.readUInt32BE(i + 4) : data.readUInt32LE(i + 4);
    s0 = (s0 + x0 + s1) >>> 0;
    s1 = (s1 + x1 + s0) >>> 0;
  }
  return [s0, s1];
}

// ---- corruption recipes ----

export interface CorruptedPage {
  /** The index or table the page belongs to. */
  name: string;
  pageNumber: number;
  pageSize: number;
}

/**
 * Garbage over the cells of one b-tree leaf page (an index leaf unless `target: 'table'`), chosen by the seed among
 * the leaves dbstat lists. The -wal, if any, is checkpointed into the file first (so the page is really on disk).
 */
export function corruptBtreePage(file: string, opts: { seed: number; target?: 'index' | 'table' }): CorruptedPage {
  const rng = mulberry32(opts.seed);
  const db = new Database(file, { fileMustExist: true });
  let leaves: { name: string; pageno: number; ncell: number }[];
  let pageSize: number;
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
    pageSize = db.pragma('page_size', { simple: true }) as number;
    leaves = db
      .prepare(
        `SELECT s.name, s.pageno, s.ncell FROM dbstat s JOIN sqlite_schema m ON m.name = s.name
         WHERE m.type = ? AND s.pagetype = 'leaf' AND s.ncell > 1 AND s.name NOT LIKE 'sqlite_%' ORDER BY s.pageno`,
      )
      .all(opts.target ?? 'index') as typeof leaves;
  } finally {
    db.close();
  }
  if (leaves.length === 0) throw new Error(`fixture: ${file} has no ${opts.target ?? 'index'} leaf page to corrupt`);
  const leaf = leaves[Math.floor(rng() * leaves.length)];
  // Keep the 8-byte page header and the cell pointers (so the page still parses as a leaf): garble what they point at.
  const cellsFrom = 8 + 2 * leaf.ncell;
  const garbage = Buffer.alloc(pageSize - cellsFrom);
  for (let i = 0; i < garbage.length; i++) garbage[i] = Math.floor(rng() * 256);
  writeAt(file, garbage, (leaf.pageno - 1) * pageSize + cellsFrom);
  return { name: leaf.name, pageNumber: leaf.pageno, pageSize };
}

/**
 * The broken backup of the incident: copy the first half of `src` (page-aligned), checkpoint src's -wal into it as
 * the running app would, copy the rest. `src` must have committed frames in its -wal; it is checkpointed (changed).
 */
export function tornCopy(src: string, dest: string): void {
  const walSize = fs.existsSync(`${src}-wal`) ? fs.statSync(`${src}-wal`).size : 0;
  if (walSize <= 32) throw new Error(`fixture: ${src} has no -wal frames, so a torn copy would not be torn`);
  const before = fs.readFileSync(src);
  const split = Math.floor(before.length / 2 / PAGE_SIZE) * PAGE_SIZE;
  removeDbFiles(dest);
  fs.writeFileSync(dest, before.subarray(0, split));
  const db = new Database(src, { fileMustExist: true });
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  fs.appendFileSync(dest, fs.readFileSync(src).subarray(split));
}

/** Seeded garbage over the 100-byte database header. */
export function overwriteHeader(file: string, opts: { seed: number }): void {
  const rng = mulberry32(opts.seed);
  writeAt(file, Buffer.from(Array.from({ length: 100 }, () => Math.floor(rng() * 256))), 0);
}

/** Cut the file to `fraction` of its size (default half), on a page boundary, as an interrupted copy leaves it. */
export function truncate(file: string, opts: { fraction?: number } = {}): number {
  const size = fs.statSync(file).size;
  const bytes = Math.max(PAGE_SIZE, Math.floor((size * (opts.fraction ?? 0.5)) / PAGE_SIZE) * PAGE_SIZE);
  fs.truncateSync(file, bytes);
  return bytes;
}

function writeAt(file: string, bytes: Buffer, position: number): void {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.writeSync(fd, bytes, 0, bytes.length, position);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * A database "restored" earlier by copying the .db in and leaving the old -wal beside it: the .db of one generation
 * paired with a -wal written against a later one. SQLite replays the -wal's pages over the wrong b-trees.
 */
export function staleWalPair(file: string, opts: { rows: number; seed: number }): void {
  const { db, gen, tables, live, dispose } = openCheckpointedWriter('fixture-stale-', opts.seed, opts.rows);
  try {
    removeDbFiles(file);
    fs.copyFileSync(live, file);
    // Later generations: the tables grow and are checkpointed, then more frames land in a fresh -wal.
    insertRows(db, gen, tables, opts.rows);
    db.exec('DELETE FROM events WHERE id % 3 = 0');
    db.pragma('wal_checkpoint(TRUNCATE)');
    insertRows(db, gen, tables, Math.max(50, Math.floor(opts.rows / 4)));
    fs.copyFileSync(`${live}-wal`, `${file}-wal`);
    normalizeWalSalts(`${file}-wal`);
  } finally {
    dispose();
  }
}
