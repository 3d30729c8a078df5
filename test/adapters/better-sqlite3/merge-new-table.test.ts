// A table created after the healthy copy was taken (the app added it, say an events table) lives only in the salvage:
// the merge brings it over whole, with its index, and touches nothing of the healthy copy.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, test } from 'vitest';
import { createSqliteInspector } from '../../../src/adapters/better-sqlite3/index.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'merge-new-table-'));
const inspector = createSqliteInspector({ threads: 1, sqlite3: null });
afterAll(async () => {
  await inspector.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function make(file: string, withEvents: boolean): void {
  const db = new Database(file);
  db.exec('CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT NOT NULL)');
  db.prepare('INSERT INTO users(id, name) VALUES (1, ?), (2, ?)').run('ada', 'bob');
  if (withEvents) {
    db.exec('CREATE TABLE events(id INTEGER PRIMARY KEY, at TEXT NOT NULL); CREATE INDEX events_at ON events(at);');
    const insert = db.prepare('INSERT INTO events(at) VALUES (?)');
    for (let i = 0; i < 40; i++) insert.run(`2026-12-01T00:00:${String(i).padStart(2, '0')}Z`);
  }
  db.close();
}

test('a table only the salvage has is added whole, with its indexes; the healthy rows are as they were', async () => {
  const healthy = path.join(dir, 'healthy.db');
  const salvaged = path.join(dir, 'salvaged.db');
  make(healthy, false);
  make(salvaged, true);
  const result = await inspector.merge(healthy, salvaged, path.join(dir, 'merged.db'));
  expect(result.tables.events).toEqual({
    rowsFromHealthy: 0,
    rowsAdded: 40,
    conflicts: 0,
    conflictKeys: [],
    rowsRefused: 0,
    leftAsHealthy: null,
  });
  expect(result.tables.users).toMatchObject({ rowsFromHealthy: 2, rowsAdded: 0 });
  const merged = new Database(result.dest, { readonly: true });
  try {
    expect(merged.prepare('SELECT count(*) FROM events').pluck().get()).toBe(40);
    expect(merged.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'events'").pluck().all()).toEqual([
      'events_at',
    ]);
    expect(merged.prepare('SELECT id, name FROM users ORDER BY id').all()).toEqual([
      { id: 1, name: 'ada' },
      { id: 2, name: 'bob' },
    ]);
    expect(merged.pragma('integrity_check', { simple: true })).toBe('ok');
  } finally {
    merged.close();
  }
});
