// diagnose: integrity_check's lines tied to the damaged tables and indexes, from the check run here (SQLite 3.53) and
// from lines another sqlite3 printed (the Debian CLI's 3.40, bare page numbers mapped through dbstat).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createSqliteInspector } from '../../../src/adapters/better-sqlite3/index.js';
import { overwriteHeader } from '../../../src/drill/sqlite-recipes.js';
import type { Diagnosis, SqliteInspector } from '../../../src/ports/sqlite-inspector.js';
import { FIXTURES, cliIntegrityOutput } from '../../support/capture-integrity-fixtures.js';
import { DAMAGE_CASES, buildCase, buildShop, type BuiltCase } from '../../support/damage-cases.js';
import { sha256File, sidecarHashes } from '../../support/sqlite-fixtures.js';

let dir: string;
let inspector: SqliteInspector;
let shop: ReturnType<typeof buildShop>;
const built = new Map<string, BuiltCase>();
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diagnose-'));
  inspector = createSqliteInspector({ threads: 2 });
  shop = buildShop(dir);
  for (const c of DAMAGE_CASES) built.set(c.name, buildCase(dir, shop.pristine, c));
});
afterAll(async () => {
  await inspector.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

type Expected = Pick<Diagnosis, 'damagedTables' | 'damagedIndexes' | 'isIndexOnly' | 'summary'>;

const INDEX_ONLY = '1 index damaged, every table intact';

const EXPECTED: Record<string, Expected> = {
  'garbled-index-leaf': { damagedTables: [], damagedIndexes: ['analytics_at'], isIndexOnly: true, summary: INDEX_ONLY },
  'logical-index-damage': { damagedTables: [], damagedIndexes: ['analytics_at'], isIndexOnly: true, summary: INDEX_ONLY },
  'newest-table-leaves': {
    damagedTables: ['analytics'],
    damagedIndexes: ['analytics_at'],
    isIndexOnly: false,
    summary: 'table analytics: 2 pages unreadable; 1 index damaged',
  },
  'interior-page': {
    damagedTables: ['analytics'],
    damagedIndexes: ['analytics_at'],
    isIndexOnly: false,
    summary: 'table analytics: 1 page unreadable; 1 index damaged',
  },
  'without-rowid-leaf': {
    damagedTables: ['counters'],
    damagedIndexes: [],
    isIndexOnly: false,
    summary: 'table counters: 1 page unreadable',
  },
  'autoincrement-fk-leaf': {
    damagedTables: ['posts'],
    damagedIndexes: ['posts_by_user'],
    isIndexOnly: false,
    summary: 'table posts: 1 page unreadable; 1 index damaged',
  },
};

// The 3.40 CLI stops at the first unreadable table page (it throws), before it cross-checks the indexes: its lines
// name the table only.
const EXPECTED_FROM_340: Record<string, Partial<Expected>> = {
  'newest-table-leaves': { damagedIndexes: [], summary: 'table analytics: 2 pages unreadable' },
  'interior-page': { damagedIndexes: [], summary: 'table analytics: 1 page unreadable' },
  'autoincrement-fk-leaf': { damagedIndexes: [], summary: 'table posts: 1 page unreadable' },
};

const fixture = (name: string, version: '3.40' | '3.53') =>
  fs.readFileSync(path.join(FIXTURES, `${name}.sqlite-${version}.txt`), 'utf8').split('\n');

describe.each(DAMAGE_CASES.map((c) => [c.name] as const))('%s', (name) => {
  test('run here: the damaged trees by name, in words, and the destroyed pages of a table', async () => {
    const { file, destroyed } = built.get(name)!;
    const before = sidecarHashes(file);
    const d = await inspector.diagnose(file);
    expect(d).toMatchObject({ ...EXPECTED[name], ok: false });
    if (destroyed) expect(d.trees.find((t) => t.name === destroyed.table)?.pages).toEqual(destroyed.pages);
    expect(d.trees.every((t) => t.errors.length > 0 && t.errors.length <= 5 && t.errorCount >= t.errors.length)).toBe(true);
    expect(sidecarHashes(file)).toEqual(before);
  });

  test('the lines the Debian CLI (3.40) and better-sqlite3 (3.53) printed map to the same trees', async () => {
    const { file } = built.get(name)!;
    // The fixture was captured on this very file (recipes are byte-identical across runs).
    const sums = fs.readFileSync(path.join(FIXTURES, 'damaged-files.sha256'), 'utf8');
    expect(sums).toContain(`${sha256File(file)}  ${name}.db`);
    const from353 = await inspector.diagnose(file, { reportedLines: fixture(name, '3.53') });
    expect(from353).toMatchObject(EXPECTED[name]);
    const from340 = await inspector.diagnose(file, { reportedLines: fixture(name, '3.40') });
    expect(from340).toMatchObject({ ...EXPECTED[name], ...EXPECTED_FROM_340[name] });
    expect(from340.trees.filter((t) => t.type === 'table').map((t) => t.pages)).toEqual(
      from353.trees.filter((t) => t.type === 'table').map((t) => t.pages),
    );
  });
});

test("the 3.40 fixtures are what this machine's sqlite3 prints today", () => {
  for (const { name } of DAMAGE_CASES) expect(cliIntegrityOutput(built.get(name)!.file)).toBe(fixture(name, '3.40').join('\n'));
});

test('3.40 lines carry only page numbers: they are mapped to trees through dbstat', async () => {
  const lines = fixture('interior-page', '3.40');
  expect(lines.some((l) => /^Tree \d+/.test(l))).toBe(false);
  const d = await inspector.diagnose(built.get('interior-page')!.file, { reportedLines: lines });
  const { pages } = built.get('interior-page')!.destroyed!;
  expect(d.trees[0]).toMatchObject({ name: 'analytics', type: 'table', table: 'analytics', pages });
  expect(d.threw).toBe(true);
  const garbled = await inspector.diagnose(built.get('garbled-index-leaf')!.file, { reportedLines: fixture('garbled-index-leaf', '3.40') });
  expect(garbled.trees.map((t) => [t.name, t.type, t.table])).toEqual([['analytics_at', 'index', 'analytics']]);
});

test('a healthy file: ok, no tree, "no damage found"', async () => {
  expect(await inspector.diagnose(shop.pristine)).toMatchObject({
    ok: true,
    trees: [],
    isIndexOnly: false,
    errorCount: 0,
    summary: 'no damage found',
    threw: false,
  });
});

test('a file whose schema cannot be read is a result that says so, not a rejection', async () => {
  const file = path.join(dir, 'header.db');
  fs.copyFileSync(shop.pristine, file);
  overwriteHeader(file, { seed: 3 });
  const d = await inspector.diagnose(file);
  expect(d).toMatchObject({ ok: false, isIndexOnly: false, trees: [] });
  expect(d.summary).toMatch(/^the schema cannot be read: SQLITE_NOTADB/);
  await expect(inspector.diagnose(path.join(dir, 'absent.db'))).rejects.toThrow(/absent\.db: no such file/);
});
