// Realistic app databases for the benchmark, generated fast and deterministically: rows are made by SQLite itself
// (a recursive CTE over a counter, values from an integer hash of the row number) inside big transactions, and the
// indexes are built after the bulk insert (a sort, much faster than growing them row by row). The schema is the test
// app's `events` table (the app inserts into events(at, note)) widened with the columns a real app has, plus users
// and settings, with six secondary indexes in all: integrity_check cross-checks every one of them.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

const PAGE_SIZE = 4096;

const SCHEMA = `
CREATE TABLE events(id INTEGER PRIMARY KEY, at TEXT NOT NULL, note TEXT, user_id INTEGER, kind TEXT, amount REAL, payload TEXT);
CREATE TABLE users(id INTEGER PRIMARY KEY, email TEXT NOT NULL, name TEXT, created_at TEXT, plan TEXT);
CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
INSERT INTO settings VALUES ('schema', '7'), ('retention days', '30'), ('owner', 'ops');`;

const INDEXES = `
CREATE INDEX events_at ON events(at);
CREATE INDEX events_user_at ON events(user_id, at);
CREATE INDEX events_kind_amount ON events(kind, amount);
CREATE UNIQUE INDEX users_email ON users(email);
CREATE INDEX users_created ON users(created_at);
CREATE INDEX users_plan ON users(plan, created_at);`;

// h(n): a 31-bit integer hash of the row number (Knuth's multiplicative hash, then an xorshift), the same on every run.
const hash = (expr: string, salt: number) => `((((${expr}) + ${salt}) * 2654435761) % 2147483647)`;
const WORDS = [
  'disk',
  'page',
  'wal',
  'index',
  'backup',
  'row',
  'commit',
  'lock',
  'node',
  'order',
  'user',
  'queue',
  'invoice',
  'refund',
  'login',
  'export',
];
const wordAt = (h: string) => `json_extract('${JSON.stringify(WORDS)}', '$[' || (${h} % ${WORDS.length}) || ']')`;
const KINDS = ['click', 'view', 'purchase', 'signup', 'error', 'refund', 'login', 'logout'];

/** Inserts rows [from, to) of events and one user per 20 events: values depend only on the row number. */
function insertEvents(db: Database.Database, from: number, to: number): void {
  const h1 = hash('n', 1),
    h2 = hash('n', 2),
    h3 = hash('n', 3),
    h4 = hash('n', 4);
  db.exec(`
    INSERT INTO events(id, at, note, user_id, kind, amount, payload)
    WITH RECURSIVE c(n) AS (SELECT ${from} UNION ALL SELECT n + 1 FROM c WHERE n + 1 < ${to})
    SELECT n,
      strftime('%Y-%m-%dT%H:%M:%f', 1704067200 + n * 7 + (${h1} % 7), 'unixepoch'),
      ${wordAt(h1)} || ' ' || ${wordAt(h2)} || ' ' || ${wordAt(h3)} || ' ' || ${wordAt(h4)} || ' #' || (${h2} % 100000),
      1 + (${h3} % (1 + n / 20)),
      json_extract('${JSON.stringify(KINDS)}', '$[' || (${h4} % ${KINDS.length}) || ']'),
      round((${h1} % 100000) / 100.0, 2),
      printf('{"ip":"10.%d.%d.%d","ua":"Mozilla/5.0 (X11; Linux x86_64) rv:%d","ref":"/p/%x/%x","session":"%08x%08x"}',
        ${h1} % 256, ${h2} % 256, ${h3} % 256, 100 + ${h4} % 30, ${h2}, ${h3}, ${h1}, ${h4})
    FROM c;
    INSERT INTO users(id, email, name, created_at, plan)
    WITH RECURSIVE c(n) AS (SELECT ${Math.ceil(from / 20)} UNION ALL SELECT n + 1 FROM c WHERE n + 1 < ${Math.ceil(to / 20)})
    SELECT n + 1, printf('%08x.%d@example.test', ${hash('n', 9)}, n + 1), 'User ' || (n + 1),
      strftime('%Y-%m-%dT%H:%M:%S', 1704067200 + n * 140, 'unixepoch'),
      json_extract('["free","pro","team","enterprise"]', '$[' || (${hash('n', 8)} % 4) || ']')
    FROM c;`);
}

/** Bytes per events row with indexes (and its share of users), measured once on this schema. */
export const BYTES_PER_ROW = 345;

export interface GeneratedDb {
  path: string;
  rows: number;
  bytes: number;
  ms: number;
}

/**
 * A WAL-mode app database of about `targetBytes`, checkpointed and closed (a .db marked WAL, no -wal beside it).
 * Rows are added in batches until the file reaches the size (the indexes counted in via an estimate, then topped up).
 */
export function generateAppDb(file: string, targetBytes: number): GeneratedDb {
  const started = performance.now();
  for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(file + suffix, { force: true });
  const db = new Database(file);
  try {
    db.pragma(`page_size = ${PAGE_SIZE}`);
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -262144');
    db.pragma('temp_store = MEMORY');
    db.exec(SCHEMA);
    let rows = 0;
    const batch = 200_000;
    const estimate = Math.floor(targetBytes / BYTES_PER_ROW);
    while (rows < estimate) {
      const next = Math.min(estimate, rows + batch);
      db.transaction(() => insertEvents(db, rows, next))();
      rows = next;
    }
    db.exec(INDEXES);
    // Top up in small batches (indexes present now) until the file is the size asked for.
    const size = () => (db.pragma('page_count', { simple: true }) as number) * PAGE_SIZE;
    while (size() < targetBytes) {
      const next = rows + Math.max(1000, Math.ceil((targetBytes - size()) / BYTES_PER_ROW));
      db.transaction(() => insertEvents(db, rows, next))();
      rows = next;
    }
    db.pragma('journal_mode = WAL');
    return { path: file, rows, bytes: size(), ms: performance.now() - started };
  } finally {
    db.close();
  }
}

/** `rows` more events (and their users) appended from row `fromRow`, through WAL, checkpointed into the file. */
export function appendRows(file: string, fromRow: number, rows: number): void {
  const db = new Database(file);
  try {
    db.pragma('cache_size = -262144');
    db.transaction(() => insertEvents(db, fromRow, fromRow + rows))();
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

/**
 * `rows` more events appended that live ONLY in a -wal beside `file` (the operator's laptop copy). Closing the last
 * connection would checkpoint them into the file and delete the -wal, so the writer never closes: it runs in a child
 * process that kills itself once the transaction is committed (the frames are in the -wal file by then).
 */
export function appendRowsKeepingWal(file: string, fromRow: number, rows: number): void {
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), 'append-keep-wal', file, String(fromRow), String(rows)],
    { encoding: 'utf8' },
  );
  if (child.signal !== 'SIGKILL') throw new Error(`the -wal writer ended with ${child.status ?? child.signal}: ${child.stderr}`);
  fs.rmSync(`${file}-shm`, { force: true });
  if (!fs.existsSync(`${file}-wal`) || fs.statSync(`${file}-wal`).size <= 32) throw new Error(`no -wal frames beside ${file}`);
}

if (process.argv[2] === 'append-keep-wal' && process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, from, rows] = process.argv.slice(3);
  const db = new Database(file);
  db.pragma('wal_autocheckpoint = 0');
  db.transaction(() => insertEvents(db, Number(from), Number(from) + Number(rows)))();
  process.kill(process.pid, 'SIGKILL');
}
