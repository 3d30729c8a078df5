// The fake inspector's repair, salvage, merge and loss window count rows as the real one does (keys 1…n, less gaps),
// so that step tests built on it see the same numbers a real database would give.
import { expect, test } from 'vitest';
import { FakeLocalFiles } from './fake-local-files.js';
import { FakeSqliteInspector, fakeRowsDb } from './fake-sqlite-inspector.js';

function world() {
  const disk = new FakeLocalFiles();
  // Production held events 1…1000 when two pages (keys 901…950 and 981…990) were destroyed; the copy is a day old.
  const unreadable: Record<string, [number, number][]> = {
    events: [
      [901, 950],
      [981, 990],
    ],
  };
  disk.put('/live.db', fakeRowsDb({ tables: { events: 1000, users: 50 }, unreadable, damagedIndexes: { events_at: 'events' } }));
  disk.put('/copy.db', fakeRowsDb({ tables: { events: 700, users: 40 } }));
  disk.put('/index-only.db', fakeRowsDb({ tables: { events: 1000 }, damagedIndexes: { events_at: 'events' } }));
  return { disk, sqlite: new FakeSqliteInspector(disk) };
}

test('diagnose: damaged tables with a page per unreadable range, and index-only damage', async () => {
  const { sqlite } = world();
  expect(await sqlite.diagnose('/live.db')).toMatchObject({
    damagedTables: ['events'],
    damagedIndexes: ['events_at'],
    isIndexOnly: false,
    summary: 'table events: 2 pages unreadable; 1 index damaged',
  });
  expect(await sqlite.diagnose('/index-only.db')).toMatchObject({ isIndexOnly: true, summary: '1 index damaged, every table intact' });
});

test('repair refuses unreadable tables and keeps every row otherwise', async () => {
  const { sqlite } = world();
  expect(await sqlite.repair('/live.db', '/repaired.db')).toMatchObject({ ok: false, unreadableTables: ['events'] });
  expect(await sqlite.repair('/index-only.db', '/repaired.db')).toMatchObject({ ok: true, method: 'rebuild', tables: { events: 1000 } });
});

test('salvage skips the unreadable keys; merge brings back every other row the copy lacks; the loss window counts them', async () => {
  const { sqlite } = world();
  const salvage = await sqlite.salvage('/live.db', '/salvaged.db');
  expect(salvage.tables.events).toMatchObject({
    rowsRead: 940,
    skipped: [
      { after: 900, before: 951 },
      { after: 980, before: 991 },
    ],
  });
  const merged = await sqlite.merge('/copy.db', '/salvaged.db', '/merged.db');
  expect(merged.tables.events).toMatchObject({ rowsFromHealthy: 700, rowsAdded: 240 });
  expect(merged.tables.users).toMatchObject({ rowsFromHealthy: 40, rowsAdded: 10 });
  const window = await sqlite.lossWindow('/copy.db', '/salvaged.db');
  expect(window.tables.events).toEqual({ rows: 700, referenceRows: 940, missing: 240, key: 'rowid' });
  expect((await sqlite.lossWindow('/merged.db', '/salvaged.db')).totalMissing).toBe(0);
  await expect(sqlite.merge('/copy.db', '/salvaged.db', '/merged.db')).rejects.toThrow(/exists/);
});

test('a held salvage reports progress and rejects with AbortError when aborted', async () => {
  const { sqlite } = world();
  sqlite.holdSalvages();
  const controller = new AbortController();
  const run = sqlite.salvage('/live.db', '/salvaged.db', { signal: controller.signal, onProgress: () => controller.abort() });
  await expect(run).rejects.toMatchObject({ name: 'AbortError' });
});
