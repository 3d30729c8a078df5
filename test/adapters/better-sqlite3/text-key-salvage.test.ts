// A WITHOUT ROWID table keyed by text (sessions by token): a salvage cannot step through such keys, so it reads
// forward to the damage and backward from the end. One destroyed leaf then costs exactly the rows on it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createSqliteInspector } from '../../../src/adapters/better-sqlite3/index.js';
import { destroyNewestLeaves } from '../../../src/drill/damage-recipes.js';
import { mulberry32 } from '../../../src/drill/sqlite-recipes.js';
import type { SqliteInspector } from '../../../src/ports/sqlite-inspector.js';
import { provenBySqlite, rowsLacking } from '../../support/row-compare.js';

let dir: string;
let inspector: SqliteInspector;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'text-key-'));
  inspector = createSqliteInspector({ threads: 1 });
});
afterAll(async () => {
  await inspector.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function makeSessions(file: string): void {
  const db = new Database(file);
  const rng = mulberry32(11);
  db.exec('CREATE TABLE sessions(token TEXT PRIMARY KEY, user_id INTEGER NOT NULL, expires TEXT) WITHOUT ROWID');
  const insert = db.prepare('INSERT INTO sessions VALUES (?, ?, ?)');
  db.transaction(() => {
    for (let i = 0; i < 4000; i++) {
      insert.run(
        Math.floor(rng() * 2 ** 52)
          .toString(36)
          .padStart(11, '0'),
        i % 97,
        `2025-01-${1 + (i % 28)}`,
      );
    }
  })();
  db.close();
}

test('one destroyed leaf among many: every other session is salvaged, the lost range named by its tokens', async () => {
  const pristine = path.join(dir, 'pristine.db');
  makeSessions(pristine);
  const damaged = path.join(dir, 'damaged.db');
  fs.copyFileSync(pristine, damaged);
  // A leaf in the middle: the window is most of the table.
  const destroyed = destroyNewestLeaves(damaged, { table: 'sessions', count: 1, window: 20, seed: 4 });
  const tokens = destroyed.textKeys!;
  expect(tokens.length).toBeGreaterThan(10);

  const result = await inspector.salvage(damaged, path.join(dir, 'salvaged.db'));
  expect(rowsLacking(pristine, path.join(dir, 'salvaged.db'), { sessions: ['token'] })).toEqual({ sessions: tokens.length });
  expect(result.tables.sessions).toMatchObject({ rowsRead: 4000 - tokens.length, errors: 1 });
  const [range] = result.tables.sessions.skipped!;
  // Rows after the destroyed leaf were read (backward from the end): the range is closed on both sides.
  expect(range.after !== null && range.before !== null).toBe(true);
  expect(String(range.after) < tokens[0] && tokens.at(-1)! < String(range.before)).toBe(true);
  expect(provenBySqlite(path.join(dir, 'salvaged.db'))).toEqual({ integrity: ['ok'], foreignKeys: 0 });
});
