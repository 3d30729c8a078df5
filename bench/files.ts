// The benchmark's files: generated once per size into a cache under .bench/ (git-ignored) and reused by every
// measure of the run. Per size: base.db (the app's database as it was), later.db (the same app some writes later,
// checkpointed), live.db (base.db with one events leaf page garbled: the corrupted production database) and
// local.db + local.db-wal (the operator's healthy copy, whose newest rows live only in its -wal).
import fs from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { mulberry32 } from '../test/support/sqlite-fixtures.js';
import { appendRows, appendRowsKeepingWal, generateAppDb } from './db.js';

export const MB = 1024 * 1024;
const PAGE_SIZE = 4096;
const CACHE_VERSION = '1';

export interface SizeFiles {
  sizeMb: number;
  dir: string;
  base: string;
  later: string;
  live: string;
  local: string;
  /** Events rows in base.db. */
  rows: number;
  bytes: number;
  /** How long generating took (0 when the cache already had it). */
  generateMs: number;
  fromCache: boolean;
}

/** The files for one size, generated unless the cache already holds them. */
export function ensureSizeFiles(cacheDir: string, sizeMb: number): SizeFiles {
  const dir = path.join(cacheDir, `${sizeMb}mb`);
  const metaPath = path.join(dir, 'meta.json');
  const files = {
    base: path.join(dir, 'base.db'),
    later: path.join(dir, 'later.db'),
    live: path.join(dir, 'live.db'),
    local: path.join(dir, 'local.db'),
  };
  if (fs.existsSync(metaPath)) {
    const meta = JSON.parse(fs.readFileSync(metaPath, 'utf8')) as { version: string; rows: number; bytes: number };
    if (
      meta.version === CACHE_VERSION &&
      Object.values(files).every((file) => fs.existsSync(file)) &&
      fs.existsSync(`${files.local}-wal`)
    ) {
      return { sizeMb, dir, ...files, rows: meta.rows, bytes: meta.bytes, generateMs: 0, fromCache: true };
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const started = performance.now();
  const generated = generateAppDb(files.base, sizeMb * MB);
  const later = Math.ceil(generated.rows * 0.02);
  fs.copyFileSync(files.base, files.later);
  appendRows(files.later, generated.rows, later);
  fs.copyFileSync(files.later, files.local);
  appendRowsKeepingWal(files.local, generated.rows + later, 5000);
  fs.copyFileSync(files.base, files.live);
  garbleTableLeaf(files.live, 0.3, 5);
  const generateMs = performance.now() - started;
  fs.writeFileSync(metaPath, JSON.stringify({ version: CACHE_VERSION, rows: generated.rows, bytes: generated.bytes }));
  return { sizeMb, dir, ...files, rows: generated.rows, bytes: generated.bytes, generateMs, fromCache: false };
}

/**
 * A bad page write: garbage over the cells of the first table-leaf page at or after `fraction` of the file (the
 * events table fills the first part of these files), keeping its header and cell pointers so it still parses.
 */
export function garbleTableLeaf(file: string, fraction: number, seed: number): number {
  const fd = fs.openSync(file, 'r+');
  try {
    const pages = Math.floor(fs.fstatSync(fd).size / PAGE_SIZE);
    const page = Buffer.alloc(PAGE_SIZE);
    for (let pageNo = Math.max(2, Math.floor(pages * fraction)); pageNo <= pages; pageNo++) {
      fs.readSync(fd, page, 0, PAGE_SIZE, (pageNo - 1) * PAGE_SIZE);
      const cells = page.readUInt16BE(3);
      if (page[0] !== 0x0d || cells < 2) continue;
      const rng = mulberry32(seed);
      const from = 8 + 2 * cells;
      const garbage = Buffer.from(Array.from({ length: PAGE_SIZE - from }, () => Math.floor(rng() * 256)));
      fs.writeSync(fd, garbage, 0, garbage.length, (pageNo - 1) * PAGE_SIZE + from);
      return pageNo;
    }
    throw new Error(`no table leaf page in ${file} after ${fraction * 100}%`);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The incident's backup: a plain copy of a WAL database taken while the app checkpointed — its first `fraction` from
 * the file as it was (base), the rest from the file as it is a moment later (later). Page-aligned; streamed.
 */
export async function tornCopy(base: string, later: string, dest: string, fraction: number): Promise<void> {
  const size = fs.statSync(later).size;
  const split = Math.floor((size * fraction) / PAGE_SIZE) * PAGE_SIZE;
  const out = fs.createWriteStream(dest, { highWaterMark: 4 * MB });
  for (const [file, start, end] of [
    [base, 0, split - 1],
    [later, split, size - 1],
  ] as const) {
    for await (const chunk of fs.createReadStream(file, { start, end, highWaterMark: 4 * MB })) {
      if (!out.write(chunk)) await once(out, 'drain');
    }
  }
  out.end();
  await once(out, 'finish');
}

/** Seven daily backups, every one a torn copy (split at 20 % … 80 %), dated one day apart. */
export async function writeBackups(files: SizeFiles, folder: string): Promise<string[]> {
  fs.mkdirSync(folder, { recursive: true });
  const written: string[] = [];
  for (let day = 1; day <= 7; day++) {
    const dest = path.join(folder, `app-2024-06-${String(day).padStart(2, '0')}.db`);
    await tornCopy(files.base, files.later, dest, 0.1 + day * 0.1);
    const when = new Date(Date.UTC(2024, 5, day, 3, 0, 0));
    fs.utimesSync(dest, when, when);
    written.push(dest);
  }
  return written;
}
