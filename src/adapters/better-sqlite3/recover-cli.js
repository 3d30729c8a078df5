// @ts-check
// SQLite's own recovery, `.recover` in the sqlite3 CLI, when the local one has a working one. It needs the
// sqlite_dbpage table, which Debian 12's sqlite3 3.40 lacks although it lists `.recover` in `.help` (it prints a
// partial script and `sql error: SQL logic error (1)`, exit 1): so it is probed on a scratch database first, and used
// only if the scratch row comes back.
/** @import { SalvageProgress, SalvageResult, SalvagedTable } from '../../ports/sqlite-inspector.js' */
/** @import { JobContext } from './worker-protocol.js' */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AbortedJobError } from './aborted.js';
import { commitOutput, discardOutput, proveOutput } from './output.js';
import { rememberSidecars } from './read-only.js';

const PROBE_VALUE = 'sqlite-rescue recover probe';
const CANCEL_POLL_MS = 50;

/**
 * @typedef {{ code: number | null, stdout: string, stderr: string, error?: Error }} CliRun
 */

/** @param {string} sqlite3 @param {string[]} args @param {string} [input] @returns {Promise<CliRun>} */
function runCli(sqlite3, args, input) {
  return new Promise((resolve) => {
    const child = spawn(sqlite3, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    child.on('error', (error) => resolve({ code: null, stdout, stderr, error }));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
  });
}

/** Whether `sqlite3 .recover` works here, and if not, why, in words. @param {string} sqlite3 */
export async function probeRecover(sqlite3) {
  const version = await runCli(sqlite3, ['-version']);
  if (version.error) return { works: false, reason: `${sqlite3} cannot be run (${version.error.message})` };
  const name = `sqlite3 ${version.stdout.split(' ')[0] || '(unknown version)'}`;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlite-rescue-recover-probe-'));
  try {
    const db = new Database(path.join(scratch, 'probe.db'));
    db.exec('CREATE TABLE probe(id INTEGER PRIMARY KEY, v TEXT)');
    db.prepare('INSERT INTO probe VALUES (1, ?)').run(PROBE_VALUE);
    db.close();
    const recovered = await runCli(sqlite3, ['-readonly', path.join(scratch, 'probe.db'), '.recover']);
    const problem = recovered.stderr.trim().split('\n')[0];
    if (recovered.code !== 0 || problem) {
      return { works: false, reason: `${name}: .recover fails on a scratch database (${problem || `exit ${recovered.code}`})` };
    }
    const load = await runCli(sqlite3, [path.join(scratch, 'out.db')], recovered.stdout);
    if (load.code !== 0) return { works: false, reason: `${name}: the script .recover printed does not load (${load.stderr.trim()})` };
    const out = new Database(path.join(scratch, 'out.db'), { readonly: true });
    try {
      const v = out.prepare('SELECT v FROM probe WHERE id = 1').pluck().get();
      return v === PROBE_VALUE ? { works: true, reason: '' } : { works: false, reason: `${name}: .recover lost the scratch row` };
    } finally {
      out.close();
    }
  } catch (error) {
    return { works: false, reason: `${name}: .recover probe failed (${/** @type {Error} */ (error).message})` };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * `sqlite3 -readonly src .recover | sqlite3 tmp`, streamed; then counted, proven and renamed to dest. Aborting kills
 * both processes.
 * @param {string} sqlite3 @param {string} src @param {string} tmp @param {string} dest @param {JobContext<SalvageProgress>} job
 * @returns {Promise<Omit<SalvageResult, 'durationMs'>>}
 */
export async function recoverInto(sqlite3, src, tmp, dest, job) {
  const restore = rememberSidecars(src);
  const reader = spawn(sqlite3, ['-readonly', src, '.recover'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const writer = spawn(sqlite3, [tmp], { stdio: ['pipe', 'ignore', 'pipe'] });
  reader.stdout.pipe(writer.stdin);
  writer.stdin.on('error', () => {});
  let stderr = '';
  reader.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  writer.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  const exits = Promise.all([reader, writer].map((child) => new Promise((resolve) => child.on('close', resolve))));
  let aborted = false;
  const poll = setInterval(() => {
    if (!job.isCancelled()) return;
    aborted = true;
    reader.kill('SIGKILL');
    writer.kill('SIGKILL');
  }, CANCEL_POLL_MS);
  const [readCode, writeCode] = await exits.finally(() => clearInterval(poll));
  restore();
  if (aborted) {
    discardOutput(undefined, tmp);
    throw new AbortedJobError();
  }
  if (readCode !== 0 || writeCode !== 0) {
    discardOutput(undefined, tmp);
    throw new Error(`sqlite3 .recover of ${src} failed (exit ${readCode}/${writeCode}): ${stderr.trim().split('\n')[0]}`);
  }
  const db = new Database(tmp);
  try {
    /** @type {Record<string, SalvagedTable>} */
    const tables = {};
    let totalRows = 0;
    const names = /** @type {string[]} */ (
      db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).pluck().all()
    );
    for (const name of names) {
      const rows = Number(
        db
          .prepare(`SELECT count(*) FROM "${name.replaceAll('"', '""')}"`)
          .pluck()
          .get(),
      );
      tables[name] = { rowsRead: rows, rowsRejected: 0, skipped: null, errors: 0 };
      totalRows += rows;
    }
    const proof = proveOutput(db, `the .recover output for ${dest}`);
    commitOutput(db, tmp, dest, walMarked(src) ? 'wal' : 'delete');
    return {
      dest,
      method: 'recover',
      recoverUnavailable: null,
      tables,
      totalRows,
      noRowsReadable: totalRows === 0,
      note: totalRows === 0 ? '.recover found no row in any table' : null,
      proof,
    };
  } catch (error) {
    discardOutput(db, tmp);
    throw error;
  }
}

// Header bytes 18 and 19 are 2 for a WAL database.
/** @param {string} file */
function walMarked(file) {
  const fd = fs.openSync(file, 'r');
  try {
    const header = Buffer.alloc(20);
    fs.readSync(fd, header, 0, 20, 0);
    return header[18] === 2;
  } finally {
    fs.closeSync(fd);
  }
}
