// Row comparisons the rescue tests make on their own, in plain SQL over two attached files, independent of the
// inspector's lossWindow and merge: which rows of one file another lacks, and whether every row of one is in another.
import Database from 'better-sqlite3';

/** How the shop tables are keyed: the app's own ids; tags (no INTEGER PRIMARY KEY) by their whole content. */
export const SHOP_KEYS: Record<string, string[]> = {
  analytics: ['id'],
  counters: ['day'],
  posts: ['id'],
  settings: ['key'],
  tags: ['name', 'post_id'],
  users: ['id'],
};

function withBoth<T>(a: string, b: string, fn: (db: Database.Database) => T): T {
  const db = new Database(a, { readonly: true, fileMustExist: true });
  try {
    db.prepare('ATTACH DATABASE ? AS other').run(b);
    return fn(db);
  } finally {
    db.close();
  }
}

/** Per table: rows of `reference` whose key `candidate` does not hold. */
export function rowsLacking(reference: string, candidate: string, keys = SHOP_KEYS): Record<string, number> {
  return withBoth(reference, candidate, (db) =>
    Object.fromEntries(
      Object.entries(keys).map(([table, columns]) => {
        const match = columns.map((c) => `x."${c}" = r."${c}"`).join(' AND ');
        const sql = `SELECT count(*) FROM main."${table}" r WHERE NOT EXISTS (SELECT 1 FROM other."${table}" x WHERE ${match})`;
        return [table, db.prepare(sql).pluck().get() as number];
      }),
    ),
  );
}

/** Per table: rows of `a` (rowid and every column) that `b` does not hold exactly: 0 means none updated or deleted. */
export function rowsChangedOrGone(a: string, b: string, tables = Object.keys(SHOP_KEYS)): Record<string, number> {
  return withBoth(a, b, (db) =>
    Object.fromEntries(
      tables.map((table) => {
        const wr = (db.prepare(`SELECT wr FROM pragma_table_list WHERE name = ? AND schema = 'main'`).pluck().get(table) as number) === 1;
        const cols = wr ? '*' : '_rowid_, *';
        const sql = `SELECT count(*) FROM (SELECT ${cols} FROM main."${table}" EXCEPT SELECT ${cols} FROM other."${table}")`;
        return [table, db.prepare(sql).pluck().get() as number];
      }),
    ),
  );
}

/** integrity_check rows and foreign_key_check rows of a file, read with a plain read-only connection. */
export function provenBySqlite(file: string): { integrity: string[]; foreignKeys: number } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return {
      integrity: db.prepare('PRAGMA integrity_check').pluck().all() as string[],
      foreignKeys: db.prepare('PRAGMA foreign_key_check').all().length,
    };
  } finally {
    db.close();
  }
}
