// Writes test/adapters/better-sqlite3/fixtures/integrity-check/: what integrity_check printed for each damage recipe,
// as the Debian sqlite3 CLI (3.40) and better-sqlite3 (3.53) print it, and the sha256 of the damaged file it was run
// on. Run again only when a recipe changes: `npx tsx test/support/capture-integrity-fixtures.ts`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DAMAGE_CASES, buildCase, buildShop } from './damage-cases.js';
import { sha256File } from './sqlite-fixtures.js';

export const FIXTURES = path.join(import.meta.dirname, '../adapters/better-sqlite3/fixtures/integrity-check');

/** What better-sqlite3 reports: the rows, then what it threw, a line each (the form the fixture keeps). */
export function betterSqliteIntegrityOutput(file: string): string {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  const rows: string[] = [];
  try {
    for (const [text] of db.prepare('PRAGMA integrity_check').raw().iterate() as IterableIterator<[string]>) rows.push(text);
  } catch (error) {
    const e = error as { code?: string; message: string };
    rows.push(`${e.code}: ${e.message}`);
  } finally {
    db.close();
  }
  return `${rows.join('\n')}\n`;
}

/** stdout then stderr of `sqlite3 COPY 'PRAGMA integrity_check;'`, run on a copy so no -wal/-shm appears beside file. */
export function cliIntegrityOutput(file: string): string {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'fixture-cli-'));
  try {
    fs.copyFileSync(file, path.join(scratch, 'copy.db'));
    const run = spawnSync('/usr/bin/sqlite3', [path.join(scratch, 'copy.db'), 'PRAGMA integrity_check;'], { encoding: 'utf8' });
    return `${run.stdout}${run.stderr}`;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] === import.meta.filename) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capture-integrity-'));
  fs.mkdirSync(FIXTURES, { recursive: true });
  const shop = buildShop(dir);
  const sums: string[] = [];
  for (const c of DAMAGE_CASES) {
    const { file } = buildCase(dir, shop.pristine, c);
    fs.writeFileSync(path.join(FIXTURES, `${c.name}.sqlite-3.40.txt`), cliIntegrityOutput(file));
    fs.writeFileSync(path.join(FIXTURES, `${c.name}.sqlite-3.53.txt`), betterSqliteIntegrityOutput(file));
    sums.push(`${sha256File(file)}  ${c.name}.db`);
  }
  fs.writeFileSync(path.join(FIXTURES, 'damaged-files.sha256'), `${sums.join('\n')}\n`);
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(`wrote ${DAMAGE_CASES.length * 2} outputs to ${FIXTURES}`);
}
