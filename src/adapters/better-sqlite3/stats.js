// Row counts and largest rowids: integrity_check cannot see a stale copy, these numbers can.
import { AccessError, describeSqliteError, quoteIdentifier, statReadableFile, withReadOnlyDb } from './read-only.js';

export async function readStats(path) {
  const st = statReadableFile(path);
  if (st.size === 0) throw new AccessError(`${path}: empty file (0 bytes): not a SQLite database`, 'external');
  try {
    return await withReadOnlyDb(path, (db) => collect(db, path));
  } catch (error) {
    if (error instanceof AccessError) throw error;
    throw new AccessError(`stats ${path}: ${describeSqliteError(error)}`, 'external');
  }
}

function collect(db, path) {
  const tables = {};
  const maxRowids = {};
  // table_list says which tables are WITHOUT ROWID (wr) and which are views or virtual tables (no own b-tree).
  const list = db
    .prepare(`PRAGMA main.table_list`)
    .all()
    .filter((t) => (t.type === 'table' || t.type === 'shadow') && !t.name.startsWith('sqlite_'))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const table of list) {
    const quoted = quoteIdentifier(table.name);
    tables[table.name] = db.prepare(`SELECT count(*) FROM main.${quoted}`).pluck().get();
    if (table.wr) continue;
    const alias = rowidAlias(db, quoted);
    if (alias === null) continue;
    maxRowids[table.name] = db.prepare(`SELECT max(${alias}) FROM main.${quoted}`).pluck().get() ?? 0;
  }
  return {
    path,
    tables,
    maxRowids,
    journalMode: db.pragma('journal_mode', { simple: true }),
    pageSize: db.pragma('page_size', { simple: true }),
    pageCount: db.pragma('page_count', { simple: true }),
  };
}

// A column named rowid hides the real rowid; SQLite offers two other names for it.
function rowidAlias(db, quotedTable) {
  const columns = new Set(db.prepare(`PRAGMA main.table_info(${quotedTable})`).all().map((c) => c.name.toLowerCase()));
  return ['rowid', '_rowid_', 'oid'].find((name) => !columns.has(name)) ?? null;
}
