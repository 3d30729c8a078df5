// The tests build their SQLite files with the same recipes the drills use.
export * from '../../src/drill/sqlite-recipes.js';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';

const CLI = '/usr/bin/sqlite3';

// ---- checks used by tests ----

/**
 * What `sqlite3 FILE 'PRAGMA integrity_check'` prints (stdout and stderr, trimmed), as the in-container check runs it.
 * Runs on a private copy (with the -wal) so that the CLI's -wal/-shm never appear beside `file`.
 */
export function cliIntegrityCheck(file: string): string {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'fixture-cli-'));
  try {
    const copy = path.join(scratch, 'copy.db');
    fs.copyFileSync(file, copy);
    if (fs.existsSync(`${file}-wal`)) fs.copyFileSync(`${file}-wal`, `${copy}-wal`);
    const run = spawnSync(CLI, [copy, 'PRAGMA integrity_check;'], { encoding: 'utf8' });
    if (run.error) throw run.error;
    return `${run.stdout}${run.stderr}`.trim();
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** Every file beside `file` that belongs to it (.db, -wal, -shm, -journal), with its sha256. */
export function sidecarHashes(file: string): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const suffix of ['', '-wal', '-shm', '-journal']) {
    if (fs.existsSync(file + suffix)) hashes[suffix || '.db'] = sha256File(file + suffix);
  }
  return hashes;
}

export function sha256File(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** A small tenant's database, as multi-tenant apps keep one per customer: WAL mode, one table with an index, 20 rows. */
export function tenantDb(file: string, index: number): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT); CREATE INDEX items_name ON items(name);');
  const insert = db.prepare('INSERT INTO items(name) VALUES (?)');
  for (let i = 0; i < 20; i += 1) insert.run(`tenant ${index} item ${i}`);
  db.close();
}
