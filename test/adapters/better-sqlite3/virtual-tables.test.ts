// A database with an FTS5 table: its rows live in shadow tables the virtual table creates. A rebuild and a salvage
// copy those rows over the fresh ones (the search still finds what it found); a merge leaves them as the healthy copy
// has them, and says so.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createSqliteInspector } from '../../../src/adapters/better-sqlite3/index.js';
import { garbleIndexLeaf } from '../../../src/drill/damage-recipes.js';
import type { SqliteInspector } from '../../../src/ports/sqlite-inspector.js';

let dir: string;
let inspector: SqliteInspector;
let damaged: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'virtual-tables-'));
  inspector = createSqliteInspector({ threads: 1 });
  damaged = path.join(dir, 'search.db');
  const db = new Database(damaged);
  db.exec(`CREATE TABLE notes(id INTEGER PRIMARY KEY, at TEXT NOT NULL, body TEXT);
           CREATE INDEX notes_at ON notes(at);
           CREATE VIRTUAL TABLE notes_search USING fts5(body);`);
  const note = db.prepare('INSERT INTO notes(at, body) VALUES (?, ?)');
  const indexed = db.prepare('INSERT INTO notes_search(rowid, body) VALUES (?, ?)');
  db.transaction(() => {
    for (let i = 1; i <= 3000; i++) {
      const body = `note ${i} about ${i % 7 === 0 ? 'backups' : 'pages'}`;
      note.run(new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString(), body);
      indexed.run(i, body);
    }
  })();
  db.close();
  garbleIndexLeaf(damaged, { index: 'notes_at', seed: 2 });
});
afterAll(async () => {
  await inspector.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

// Notes the search finds for 'backups', after FTS5's own integrity-check (which throws if its index disagrees).
function search(file: string): number {
  const db = new Database(file);
  try {
    db.exec(`INSERT INTO notes_search(notes_search) VALUES ('integrity-check')`);
    return db.prepare(`SELECT count(*) FROM notes_search WHERE notes_search MATCH 'backups'`).pluck().get() as number;
  } finally {
    db.close();
  }
}

test('rebuild and salvage keep what the search finds; merge names the virtual table and its shadows', async () => {
  const repaired = await inspector.repair(damaged, path.join(dir, 'repaired.db'));
  expect(repaired).toMatchObject({ ok: true, method: 'rebuild', tables: { notes: 3000 } });
  expect(search(path.join(dir, 'repaired.db'))).toBe(428);

  const salvaged = await inspector.salvage(damaged, path.join(dir, 'salvaged.db'));
  expect(salvaged.tables.notes).toMatchObject({ rowsRead: 3000, rowsRejected: 0 });
  expect(search(path.join(dir, 'salvaged.db'))).toBe(428);

  const merged = await inspector.merge(path.join(dir, 'repaired.db'), path.join(dir, 'salvaged.db'), path.join(dir, 'merged.db'));
  expect(merged.tables.notes_search.leftAsHealthy).toMatch(/^a virtual table/);
  expect(merged.tables.notes_search_data.leftAsHealthy).toMatch(/^a shadow table/);
  expect(merged.totalAdded).toBe(0);
});
