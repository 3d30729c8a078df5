// @ts-check
// Rows into a new file in transactions of a few thousand (one per row would sync nothing but still cost a journal
// each time). A row a constraint of the new table refuses is counted, not fatal: the damaged copy may hold a row
// twice or a NULL its schema forbids.
/** @import { Database as Db, Statement } from 'better-sqlite3' */
/** @import { TableInfo } from './schema.js' */
import { columnList, copyColumns } from './schema.js';
import { quoteIdentifier } from './read-only.js';

const ROWS_PER_TRANSACTION = 5000;

export class RowWriter {
  /** @param {Db} db */
  constructor(db) {
    this.db = db;
    this.pending = 0;
  }

  /**
   * The statement that writes a row as a copy of `table` reads it (see copyColumns). A shadow table already holds the
   * rows its virtual table wrote when it was created (FTS5's config, say): the copied rows replace them.
   * @param {TableInfo} table
   */
  prepareInsert(table) {
    const columns = copyColumns(table);
    const marks = columns.map(() => '?').join(', ');
    const verb = table.shadow ? 'INSERT OR REPLACE' : 'INSERT';
    return this.db.prepare(`${verb} INTO main.${quoteIdentifier(table.name)} (${columnList(columns)}) VALUES (${marks})`);
  }

  /** Writes one row; false when a constraint refused it. @param {Statement} insert @param {unknown[]} row */
  write(insert, row) {
    if (!this.db.inTransaction) this.db.exec('BEGIN');
    try {
      insert.run(row);
    } catch (error) {
      const code = /** @type {{ code?: unknown }} */ (error).code;
      if (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT')) return false;
      throw error;
    }
    if (++this.pending >= ROWS_PER_TRANSACTION) this.flush();
    return true;
  }

  flush() {
    if (this.db.inTransaction) this.db.exec('COMMIT');
    this.pending = 0;
  }
}
