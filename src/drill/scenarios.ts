// The drills: each builds a throwaway outage and says what a correct recovery of it must end with.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LabFile } from '../ports/lab.js';
import { destroyNewestLeaves, garbleIndexLeaf, makeShopDb } from './damage-recipes.js';
import { corruptBtreePage, makeAppDb, makeLocalCopyWithWalOnlyRows, overwriteHeader, staleWalPair, tornCopy } from './sqlite-recipes.js';

export interface HealthySource {
  path: string;
  events: number;
  maxEventId: number;
}

export interface AppSpec {
  /** Suffix of the container name after the drill's prefix. */
  name: string;
  labels: Record<string, string>;
  /** Files put into the data volume (at /data) before the app starts. */
  files: LabFile[];
}

/** What production held before the damage: the score card counts rows lost against it, not against the source. */
export interface Truth {
  /** Rows per table before the damage (tables the drill's app does not write). */
  counts: Record<string, number>;
  /** Rows a correct recovery may lose: those only on the destroyed pages (0 when nothing is unreadable). */
  lossAllowed: number;
}

export interface ScenarioPlan {
  apps: AppSpec[];
  /** Suffix of the production container's name. */
  production: string;
  db: string;
  /** The operator's copy; `events`/`maxEventId` when it is the drill's events database (rows lost counted by them). */
  local?: HealthySource | { path: string };
  truth?: Truth;
  /** --source for the recovery (under --yes; at the terminal it is what the operator should pick). */
  source?: string;
}

export interface Expectation {
  exitCode: number;
  /** The restore ends with the app on a healthy database holding every row of the healthy source. */
  isRestored: boolean;
}

export interface Scenario {
  name: string;
  /** What it builds, for the operator. */
  builds: string;
  /** What a correct recovery must end with. */
  mustEndWith: string;
  expect: Expectation;
  /** false: the app image carries SQLite for the app but no sqlite3 CLI. */
  hasSqliteCli: boolean;
  plan(workDir: string): ScenarioPlan;
}

const DB = '/data/app.db';
// Labelled as Coolify labels its apps: the operator confirms by typing the app's name ("notes"), not the drill's long
// container name.
const APP_NAME = 'notes';
const production = (files: LabFile[]): AppSpec => ({
  name: 'app',
  labels: { 'coolify.pullRequestId': '0', 'coolify.resourceName': APP_NAME },
  files,
});
const preview = (pr: number): AppSpec => ({
  name: `app-pr-${pr}`,
  labels: { 'coolify.pullRequestId': String(pr), 'coolify.resourceName': APP_NAME },
  files: [],
});

function corruptLive(workDir: string, damage: (file: string) => void): LabFile {
  const file = join(workDir, 'live.db');
  makeAppDb(file, { rows: 2000, seed: 11 });
  damage(file);
  return { name: 'app.db', localPath: file };
}

// Backups as the incident made them: plain copies of the .db taken while the -wal was live.
function tornBackups(workDir: string, count: number): LabFile[] {
  return Array.from({ length: count }, (_, index) => {
    const source = join(workDir, `backup-source-${index}.db`);
    makeLocalCopyWithWalOnlyRows(source, { rows: 1500 + index * 100, walRows: 400, seed: 20 + index });
    const backup = join(workDir, `app-2026-11-${20 + index}.db`);
    tornCopy(source, backup);
    return { name: `backups/app-2026-11-${20 + index}.db`, localPath: backup };
  });
}

function healthyLocal(workDir: string): HealthySource {
  mkdirSync(join(workDir, 'laptop'), { recursive: true });
  const path = join(workDir, 'laptop', 'app.db');
  const info = makeLocalCopyWithWalOnlyRows(path, { rows: 2500, walRows: 300, seed: 42 });
  return { path, events: info.counts.events, maxEventId: info.maxEventId };
}

const restored: Expectation = { exitCode: 0, isRestored: true };

export const scenarios: Scenario[] = [
  {
    name: 'wal-copyfile',
    builds:
      'the incident behind the tool: an app writing through one WAL connection, its database corrupted, three daily backups made by copying the .db during writes (all corrupt), two PR previews with healthy databases of their own, and a healthy local copy whose newest 300 rows live only in its -wal',
    mustEndWith:
      'production restored from the local copy with every row (WAL-only rows included), the app writing again, the corrupt files in quarantine, previews untouched',
    expect: restored,
    hasSqliteCli: true,
    plan: (workDir) => ({
      apps: [
        production([corruptLive(workDir, (file) => corruptBtreePage(file, { seed: 5, target: 'table' })), ...tornBackups(workDir, 3)]),
        preview(41),
        preview(42),
      ],
      production: 'app',
      db: DB,
      local: healthyLocal(workDir),
    }),
  },
  {
    name: 'stale-wal',
    builds:
      'a database "restored" earlier by copying the .db in and leaving the old -wal beside it: SQLite replays the stale -wal over the wrong pages',
    mustEndWith: 'production restored from the local copy; the stale -wal in quarantine, not beside the restored database',
    expect: restored,
    hasSqliteCli: true,
    plan: (workDir) => {
      const file = join(workDir, 'live.db');
      staleWalPair(file, { rows: 2000, seed: 7 });
      return {
        apps: [
          production([
            { name: 'app.db', localPath: file },
            { name: 'app.db-wal', localPath: `${file}-wal` },
          ]),
        ],
        production: 'app',
        db: DB,
        local: healthyLocal(workDir),
      };
    },
  },
  {
    name: 'no-sqlite-in-image',
    builds:
      'the app image has no sqlite3 CLI (the app carries SQLite inside), and an index leaf of its database is garbled: every check runs on copies taken out through the archive API',
    mustEndWith:
      'production repaired in place (the damage is in an index only: a rebuild from the table b-trees keeps every row), checked without a sqlite3 in the container',
    expect: restored,
    hasSqliteCli: false,
    plan: (workDir) => {
      const file = join(workDir, 'live.db');
      const before = makeAppDb(file, { rows: 2000, seed: 11 });
      corruptBtreePage(file, { seed: 9, target: 'index' });
      return {
        apps: [production([{ name: 'app.db', localPath: file }, ...tornBackups(workDir, 2)])],
        production: 'app',
        db: DB,
        local: healthyLocal(workDir),
        truth: { counts: before.counts, lossAllowed: 0 },
      };
    },
  },
  {
    name: 'all-backups-bad-no-local',
    builds: 'a corrupt database, every backup corrupt, and no local copy: there is no healthy source anywhere',
    mustEndWith:
      'a safe stop with exit 1: nothing swapped, production untouched and running, and the remaining options named (.recover salvage, older off-site copies)',
    expect: { exitCode: 1, isRestored: false },
    hasSqliteCli: true,
    plan: (workDir) => ({
      apps: [
        production([corruptLive(workDir, (file) => corruptBtreePage(file, { seed: 5, target: 'table' })), ...tornBackups(workDir, 3)]),
      ],
      production: 'app',
      db: DB,
    }),
  },
  {
    name: 'rogue-write',
    builds:
      'a process wrote garbage over the database header ("file overwritten by a rogue thread or process" in SQLite\'s How To Corrupt list): SQLite no longer recognises the file',
    mustEndWith: 'production restored from the local copy; the overwritten file in quarantine',
    expect: restored,
    hasSqliteCli: true,
    plan: (workDir) => ({
      apps: [production([corruptLive(workDir, (file) => overwriteHeader(file, { seed: 3 })), ...tornBackups(workDir, 1)])],
      production: 'app',
      db: DB,
      local: healthyLocal(workDir),
    }),
  },
  {
    name: 'index-only',
    builds:
      'a shop database (users, posts, analytics, a WITHOUT ROWID table, AUTOINCREMENT, a foreign key, a trigger, a view) with one index leaf garbled: every table still reads whole; the local copy is a day old',
    mustEndWith: 'production repaired in place (a rebuild from the table b-trees): rows lost 0, integrity_check ok, the app writing again',
    expect: restored,
    hasSqliteCli: true,
    plan: (workDir) => {
      const live = join(workDir, 'live.db');
      mkdirSync(join(workDir, 'laptop'), { recursive: true });
      const laptop = join(workDir, 'laptop', 'app.db');
      const shop = makeShopDb(live, { seed: 51, staleCopy: laptop });
      garbleIndexLeaf(live, { index: 'analytics_at', seed: 52 });
      return {
        apps: [production([{ name: 'app.db', localPath: live }])],
        production: 'app',
        db: DB,
        local: { path: laptop },
        truth: { counts: shop.counts, lossAllowed: 0 },
      };
    },
  },
  {
    name: 'stale-local-copy',
    builds: 'a shop database whose two table pages among the newest analytics rows are destroyed; the only healthy copy is a day old',
    mustEndWith:
      'production restored from the merged candidate (the day-old copy plus every row the damaged database still holds): lost only the rows on the destroyed pages, and the newer rows of tags, which has no stable key to merge by',
    expect: restored,
    hasSqliteCli: true,
    plan: (workDir) => {
      const live = join(workDir, 'live.db');
      mkdirSync(join(workDir, 'laptop'), { recursive: true });
      const laptop = join(workDir, 'laptop', 'app.db');
      const shop = makeShopDb(live, { seed: 61, staleCopy: laptop });
      const destroyed = destroyNewestLeaves(live, { table: 'analytics', count: 2, window: 8, seed: 62 });
      // tags has no stable key (a rowid table without an INTEGER PRIMARY KEY): the merge leaves it as the copy has it.
      const keyless = shop.counts.tags - (shop.staleCounts?.tags ?? 0);
      return {
        apps: [production([{ name: 'app.db', localPath: live }])],
        production: 'app',
        db: DB,
        local: { path: laptop },
        truth: { counts: shop.counts, lossAllowed: destroyed.keys.length + keyless },
        source: 'merged',
      };
    },
  },
];

export const DEFAULT_SCENARIO = 'wal-copyfile';
