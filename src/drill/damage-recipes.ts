// A "shop" database with a history, and damage done to it byte by byte, for the repair, salvage and merge drills and
// tests. Byte-identical across runs for the same seed. Every recipe says which rows it destroyed, read from the pages
// themselves (btree-pages.ts) before they are overwritten, so that what a salvage must lose is known without SQLite.
import fs from 'node:fs';
import Database from 'better-sqlite3';
import {
  INDEX_INTERIOR,
  INDEX_LEAF,
  TABLE_INTERIOR,
  integerColumn,
  keyColumn,
  leafRowids,
  leavesUnder,
  pageSizeOf,
  readPage,
  recordColumns,
  recordStart,
  writeBytes,
  type BtreePage,
} from './btree-pages.js';
import { mulberry32 } from './sqlite-recipes.js';

export const SHOP_SCHEMA = `
  CREATE TABLE users(id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT);
  CREATE TABLE posts(id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INTEGER NOT NULL REFERENCES users(id), at TEXT NOT NULL, body TEXT);
  CREATE INDEX posts_by_user ON posts(user_id);
  CREATE TABLE analytics(id INTEGER PRIMARY KEY, at TEXT NOT NULL, event TEXT, payload TEXT);
  CREATE INDEX analytics_at ON analytics(at);
  CREATE TABLE counters(day INTEGER PRIMARY KEY, hits INTEGER NOT NULL) WITHOUT ROWID;
  CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
  CREATE TABLE tags(name TEXT NOT NULL, post_id INTEGER);
  CREATE TRIGGER posts_counted AFTER INSERT ON posts BEGIN UPDATE counters SET hits = hits + 1 WHERE day = 0; END;
  CREATE VIEW recent_posts AS SELECT * FROM posts ORDER BY id DESC LIMIT 10;
`;

export const SHOP_USER_VERSION = 7;
export const SHOP_APPLICATION_ID = 0x5e5c0e;

export interface ShopOptions {
  seed: number;
  /** analytics rows written in each of the two generations (default 3000). */
  analyticsRows?: number;
  /** Size of each analytics payload (default 400 bytes: ~9 rows a leaf, so the table b-tree has three levels). */
  payloadBytes?: number;
  /** Where the copy taken between the two generations goes (the operator's day-old "healthy" copy). */
  staleCopy?: string;
}

export interface ShopInfo {
  path: string;
  /** Rows per table at the end. */
  counts: Record<string, number>;
  /** Rows per table in the stale copy, when one was asked for. */
  staleCounts?: Record<string, number>;
  /** sqlite_sequence for posts: above max(posts.id), as the newest posts were deleted. */
  postsSequence: number;
}

const WORDS = ['view', 'click', 'cart', 'pay', 'refund', 'login', 'search', 'share', 'like', 'scroll'];

class ShopRows {
  private readonly rng: () => number;
  private clock = Date.UTC(2024, 5, 1);
  private users = 0;
  private days = 0;

  constructor(seed: number) {
    this.rng = mulberry32(seed);
  }

  private int(max: number): number {
    return Math.floor(this.rng() * max);
  }

  private at(): string {
    this.clock += 500 + this.int(30_000);
    return new Date(this.clock).toISOString();
  }

  generation(db: Database.Database, analytics: number, payloadBytes: number): void {
    const user = db.prepare('INSERT INTO users(id, email, name) VALUES (?, ?, ?)');
    const post = db.prepare('INSERT INTO posts(user_id, at, body) VALUES (?, ?, ?)');
    const tag = db.prepare('INSERT INTO tags(name, post_id) VALUES (?, ?)');
    const event = db.prepare('INSERT INTO analytics(at, event, payload) VALUES (?, ?, ?)');
    const counter = db.prepare('INSERT INTO counters(day, hits) VALUES (?, ?)');
    db.transaction(() => {
      for (let i = 0; i < 40; i++) {
        this.users++;
        user.run(this.users, `u${this.users}.${this.int(1e6)}@shop.test`, `User ${this.users}`);
      }
      for (let i = 0; i < 400; i++) {
        const id = Number(post.run(1 + this.int(this.users), this.at(), WORDS[this.int(10)].repeat(1 + this.int(8))).lastInsertRowid);
        if (i % 4 === 0) tag.run(WORDS[this.int(10)], id);
      }
      for (let i = 0; i < analytics; i++) {
        const payload = Array.from({ length: payloadBytes }, () => String.fromCharCode(97 + this.int(26))).join('');
        event.run(this.at(), WORDS[this.int(10)], payload);
      }
      for (let i = 0; i < 1500; i++) counter.run(++this.days, this.int(10_000));
    })();
  }
}

/** A WAL-mode shop database, checkpointed and closed (no -wal beside it). Replaces `file` (and `staleCopy`). */
export function makeShopDb(file: string, opts: ShopOptions): ShopInfo {
  for (const target of [file, opts.staleCopy]) if (target) removeDbFiles(target);
  const rows = new ShopRows(opts.seed);
  const db = new Database(file);
  try {
    db.pragma('page_size = 4096');
    db.pragma('journal_mode = WAL');
    db.exec(SHOP_SCHEMA);
    db.pragma(`user_version = ${SHOP_USER_VERSION}`);
    db.pragma(`application_id = ${SHOP_APPLICATION_ID}`);
    db.exec(`INSERT INTO counters(day, hits) VALUES (0, 0);
             INSERT INTO settings VALUES ('currency', 'EUR'), ('owner', 'ops'), ('retention days', '30');`);
    const analytics = opts.analyticsRows ?? 3000;
    const payloadBytes = opts.payloadBytes ?? 400;
    rows.generation(db, analytics, payloadBytes);
    let staleCounts: Record<string, number> | undefined;
    if (opts.staleCopy) {
      db.pragma('wal_checkpoint(TRUNCATE)');
      fs.copyFileSync(file, opts.staleCopy);
      staleCounts = countRows(db);
    }
    rows.generation(db, analytics, payloadBytes);
    // After the copy: renamed users and deleted posts (the copy keeps the old ones), the newest posts deleted (so
    // sqlite_sequence is above the largest id).
    db.exec(`UPDATE users SET name = name || ' (renamed)' WHERE id IN (3, 17, 29);
             DELETE FROM posts WHERE id IN (10, 20, 30, 40, 50);
             DELETE FROM posts WHERE id > (SELECT max(id) - 3 FROM posts);`);
    const postsSequence = Number(db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'posts'`).pluck().get());
    db.pragma('wal_checkpoint(TRUNCATE)');
    return { path: file, counts: countRows(db), staleCounts, postsSequence };
  } finally {
    db.close();
  }
}

function countRows(db: Database.Database): Record<string, number> {
  const names = db
    .prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
    .pluck()
    .all() as string[];
  return Object.fromEntries(names.map((name) => [name, db.prepare(`SELECT count(*) FROM "${name}"`).pluck().get() as number]));
}

function removeDbFiles(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(file + suffix, { force: true });
}

function rootPage(file: string, name: string): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const root = db.prepare('SELECT rootpage FROM sqlite_schema WHERE name = ?').pluck().get(name) as number | undefined;
    if (!root) throw new Error(`fixture: ${file} has no table or index ${name}`);
    return root;
  } finally {
    db.close();
  }
}

export interface DestroyedRows {
  table: string;
  /** The pages overwritten with zeros. */
  pages: number[];
  /** Keys (rowids, or a WITHOUT ROWID table's first key column) of the rows that were on them, sorted. */
  keys: number[];
  /** The same keys when they are text (a WITHOUT ROWID table keyed by text): `keys` is then empty. */
  textKeys?: string[];
}

function keysOnLeaf(page: BtreePage): (number | string)[] {
  if (page.type === INDEX_LEAF) return page.cellOffsets.map((_, cell) => keyColumn(page, cell, 0));
  return leafRowids(page);
}

function destroyedRows(table: string, pages: number[], keys: (number | string)[]): DestroyedRows {
  const numbers = keys.filter((k): k is number => typeof k === 'number').sort((a, b) => a - b);
  const texts = keys.filter((k): k is string => typeof k === 'string');
  const sorted = pages.sort((a, b) => a - b);
  // Text keys sort as SQLite's BINARY collation does: byte by byte.
  if (texts.length === 0) return { table, pages: sorted, keys: numbers };
  return { table, pages: sorted, keys: numbers, textKeys: texts.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))) };
}

function zeroPage(file: string, pageNumber: number, pageSize: number): void {
  writeBytes(file, Buffer.alloc(pageSize), (pageNumber - 1) * pageSize);
}

/**
 * Zeros `count` distinct leaf pages of `table` chosen by the seed among its newest `window` leaves (its last in key
 * order): the rows written last are lost, as when a crash tears the pages being written.
 */
export function destroyNewestLeaves(file: string, opts: { table: string; count: number; window: number; seed: number }): DestroyedRows {
  const pageSize = pageSizeOf(file);
  const leaves = leavesUnder(file, rootPage(file, opts.table), pageSize);
  const newest = leaves.slice(-Math.min(opts.window, leaves.length));
  if (newest.length < opts.count) throw new Error(`fixture: ${opts.table} has only ${newest.length} leaves`);
  const rng = mulberry32(opts.seed);
  const chosen: BtreePage[] = [];
  while (chosen.length < opts.count) {
    const leaf = newest[Math.floor(rng() * newest.length)];
    if (!chosen.includes(leaf)) chosen.push(leaf);
  }
  const keys = chosen.flatMap(keysOnLeaf);
  for (const leaf of chosen) zeroPage(file, leaf.pageNumber, pageSize);
  return destroyedRows(
    opts.table,
    chosen.map((p) => p.pageNumber),
    keys,
  );
}

/** Zeros one interior page of `table` below its root (chosen by the seed): every row on the leaves under it is lost. */
export function destroyInteriorPage(file: string, opts: { table: string; seed: number }): DestroyedRows {
  const pageSize = pageSizeOf(file);
  const root = readPage(file, rootPage(file, opts.table), pageSize);
  const interiors = root.children
    .map((child) => readPage(file, child, pageSize))
    .filter((p) => p.type === TABLE_INTERIOR || p.type === INDEX_INTERIOR);
  if (interiors.length === 0) throw new Error(`fixture: ${opts.table} has no interior page below its root (too small)`);
  const victim = interiors[Math.floor(mulberry32(opts.seed)() * interiors.length)];
  const keys = leavesUnder(file, victim.pageNumber, pageSize).flatMap(keysOnLeaf);
  zeroPage(file, victim.pageNumber, pageSize);
  return destroyedRows(opts.table, [victim.pageNumber], keys);
}

/** Zeros the root page of every table: the schema still reads, not one row does. Returns the tables. */
export function destroyEveryTableRoot(file: string): string[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  let roots: { name: string; rootpage: number }[];
  try {
    roots = db.prepare(`SELECT name, rootpage FROM sqlite_schema WHERE type = 'table' AND rootpage > 1`).all() as typeof roots;
  } finally {
    db.close();
  }
  const pageSize = pageSizeOf(file);
  for (const { rootpage } of roots) zeroPage(file, rootpage, pageSize);
  return roots.map((r) => r.name).sort();
}

/**
 * Seeded garbage over the cells of one leaf of `index` (its page header and cell pointers kept, so it still parses
 * as a leaf): damage REINDEX and DROP INDEX cannot get past, which a rebuild mends losing nothing.
 */
export function garbleIndexLeaf(file: string, opts: { index: string; seed: number }): { index: string; page: number } {
  const pageSize = pageSizeOf(file);
  const leaves = leavesUnder(file, rootPage(file, opts.index), pageSize).filter((p) => p.type === INDEX_LEAF && p.cellOffsets.length > 1);
  if (leaves.length === 0) throw new Error(`fixture: ${opts.index} has no leaf page to garble`);
  const rng = mulberry32(opts.seed);
  const leaf = leaves[Math.floor(rng() * leaves.length)];
  const cellsFrom = 8 + 2 * leaf.cellOffsets.length;
  const garbage = Buffer.from(Array.from({ length: pageSize - cellsFrom }, () => Math.floor(rng() * 256)));
  writeBytes(file, garbage, (leaf.pageNumber - 1) * pageSize + cellsFrom);
  return { index: opts.index, page: leaf.pageNumber };
}

/**
 * Logical index damage: the last character of the indexed TEXT value changed in place in `entries` entries of a
 * one-column index on a TEXT column (same length, and the order of the entries kept, so every page still parses), the
 * table left as it was. quick_check passes; integrity_check reports each row missing from the index; a query through
 * the index no longer finds them; REINDEX builds the index from the table again. Returns the rowids of those rows.
 */
export function skewIndexEntries(file: string, opts: { index: string; entries: number; seed: number }): number[] {
  const pageSize = pageSizeOf(file);
  const leaves = leavesUnder(file, rootPage(file, opts.index), pageSize).filter((p) => p.type === INDEX_LEAF);
  const rng = mulberry32(opts.seed);
  const changed: number[] = [];
  const used = new Set<string>();
  while (changed.length < opts.entries) {
    const leaf = leaves[Math.floor(rng() * leaves.length)];
    const cell = Math.floor(rng() * leaf.cellOffsets.length);
    if (used.has(`${leaf.pageNumber}:${cell}`)) continue;
    used.add(`${leaf.pageNumber}:${cell}`);
    const [value] = recordColumns(leaf.bytes, recordStart(leaf, cell));
    const isText = value.serialType >= 13 && value.serialType % 2 === 1 && value.size > 0;
    if (!isText) throw new Error(`fixture: ${opts.index} does not index TEXT`);
    // An ISO timestamp ends in 'Z'; 'X' sorts just below it, after every smaller timestamp.
    writeBytes(file, Buffer.from('X'), (leaf.pageNumber - 1) * pageSize + value.offset + value.size - 1);
    changed.push(integerColumn(leaf, cell, 1));
  }
  return changed.sort((a, b) => a - b);
}
