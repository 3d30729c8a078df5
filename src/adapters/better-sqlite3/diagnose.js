// @ts-check
// The damage of a database per tree: integrity_check's lines tied to the tables and indexes they are about, and said
// in words. When the check throws part-way (SQLite 3.53 does on some damaged index pages) the trees after the throw
// went unchecked, so every table not yet known damaged is read through its own b-tree to learn whether it is whole.
/** @import { Database as Db } from 'better-sqlite3' */
/** @import { Diagnosis, DiagnoseOptions, TreeDamage } from '../../ports/sqlite-inspector.js' */
/** @import { LineTarget } from './integrity-lines.js' */
import { performance } from 'node:perf_hooks';
import { readLineTarget, splitErrorLines } from './integrity-lines.js';
import { AccessError, describeSqliteError, isAccessProblem, quoteIdentifier, statReadableFile, withReadOnlyDb } from './read-only.js';
import { describeDamage } from './damage-words.js';

const KEPT_PER_TREE = 5;
const KEPT_UNATTRIBUTED = 5;

/** @typedef {{ name: string, type: 'table' | 'index', table: string, rootpage: number }} Tree */

// errorLimit: the port's ERROR_LIMIT, as for checkIntegrity.
/** @param {string} path @param {DiagnoseOptions} opts @param {number} errorLimit @returns {Promise<Diagnosis>} */
export async function diagnose(path, opts, errorLimit) {
  const started = performance.now();
  const st = statReadableFile(path);
  if (st.size === 0) return unreadable(path, 'empty file (0 bytes): not a SQLite database', started);
  try {
    return await withReadOnlyDb(path, (db) => diagnoseOpen(db, path, opts, errorLimit, started));
  } catch (error) {
    if (error instanceof AccessError) throw error;
    if (isAccessProblem(error)) throw new AccessError(`${path}: cannot open read-only (${describeSqliteError(error)})`, 'external');
    return unreadable(path, `the schema cannot be read: ${describeSqliteError(error)}`, started);
  }
}

/**
 * @param {Db} db @param {string} path @param {DiagnoseOptions} opts @param {number} errorLimit @param {number} started
 * @returns {Diagnosis}
 */
function diagnoseOpen(db, path, opts, errorLimit, started) {
  const trees = readTrees(db);
  const { lines, threw } = opts.reportedLines ? fromReported(opts.reportedLines) : runCheck(db, errorLimit);
  const pageOwner = lazyPageOwner(db, trees);
  /** @type {Map<string, TreeDamage>} */
  const damaged = new Map();
  /** @type {string[]} */
  const unattributed = [];
  let harmful = threw;
  for (const line of lines) {
    const target = readLineTarget(line);
    const tree = treeOf(target, trees, pageOwner);
    // "Child page depth differs" is said of the parent of an unreadable page: the parent itself reads.
    if (tree) addError(damaged, tree, line, /Child page depth differs/.test(line) ? undefined : target.page);
    else {
      if (!target.harmless) harmful = true;
      if (unattributed.length < KEPT_UNATTRIBUTED) unattributed.push(line);
    }
  }
  let tablesReadWhole = null;
  if (harmful) {
    tablesReadWhole = true;
    for (const tree of trees) {
      if (tree.type !== 'table' || damaged.has(tree.name)) continue;
      const failure = readWhole(db, tree.name);
      if (failure === null) continue;
      tablesReadWhole = false;
      addError(damaged, tree, `reading its rows: ${failure}`, undefined);
    }
  }
  const list = [...damaged.values()].sort((a, b) => (a.type === b.type ? (a.name < b.name ? -1 : 1) : a.type === 'table' ? -1 : 1));
  for (const tree of list) tree.pages.sort((a, b) => a - b);
  const damagedTables = list.filter((t) => t.type === 'table').map((t) => t.name);
  const damagedIndexes = list.filter((t) => t.type === 'index').map((t) => t.name);
  const isIndexOnly = damagedTables.length === 0 && damagedIndexes.length > 0 && (!harmful || tablesReadWhole === true);
  const errorCount = Math.min(lines.length, errorLimit);
  const ok = errorCount === 0;
  return {
    path,
    ok,
    trees: list,
    damagedTables,
    damagedIndexes,
    isIndexOnly,
    unattributed,
    threw,
    tablesReadWhole: threw ? tablesReadWhole : null,
    errorCount,
    summary: describeDamage({ ok, trees: list, isIndexOnly, unattributed }),
    durationMs: Math.round(performance.now() - started),
  };
}

/** Every table and index with a b-tree of its own. @param {Db} db @returns {Tree[]} */
function readTrees(db) {
  const rows = /** @type {{ type: 'table' | 'index', name: string, tbl_name: string, rootpage: number }[]} */ (
    db.prepare(`SELECT type, name, tbl_name, rootpage FROM sqlite_schema WHERE type IN ('table', 'index') AND rootpage > 0`).all()
  );
  return rows.map((r) => ({ name: r.name, type: r.type, table: r.tbl_name, rootpage: r.rootpage }));
}

// The rows of a check that threw are kept: better-sqlite3's .all() would lose them, iterating does not.
/** @param {Db} db @param {number} errorLimit @returns {{ lines: string[], threw: boolean }} */
function runCheck(db, errorLimit) {
  /** @type {unknown[]} */
  const rows = [];
  try {
    const check = db.prepare(`PRAGMA integrity_check(${Math.trunc(errorLimit)})`).raw();
    for (const [text] of /** @type {IterableIterator<[unknown]>} */ (check.iterate())) rows.push(text);
  } catch (error) {
    if (isAccessProblem(error)) throw error;
    return { lines: [...splitErrorLines(rows), describeSqliteError(error)], threw: true };
  }
  return { lines: splitErrorLines(rows), threw: false };
}

// The CLI prints what SQLite threw on stderr after its rows ("Error: stepping, database disk image is malformed (11)").
/** @param {string[]} reported */
function fromReported(reported) {
  const lines = splitErrorLines(reported);
  const threw = lines.some((line) => /^(Error: |Runtime error|Parse error)|disk image is malformed/.test(line));
  return { lines, threw };
}

/**
 * @param {LineTarget} target @param {Tree[]} trees @param {(page: number) => Tree | undefined} pageOwner
 * @returns {Tree | undefined}
 */
function treeOf(target, trees, pageOwner) {
  if (target.root !== undefined) return trees.find((t) => t.rootpage === target.root);
  if (target.index !== undefined) return trees.find((t) => t.type === 'index' && t.name === target.index);
  if (target.table !== undefined) return trees.find((t) => t.type === 'table' && t.name === target.table);
  if (target.page !== undefined && !target.harmless) return pageOwner(target.page);
  return undefined;
}

/**
 * page → tree through dbstat, walked once and only when a line carries no tree. A tree dbstat cannot walk to its end
 * keeps the pages listed before the failure; a page no walk reaches goes to the failed tree when only one failed.
 * @param {Db} db @param {Tree[]} trees
 */
function lazyPageOwner(db, trees) {
  /** @type {Map<number, Tree> | undefined} */
  let owners;
  /** @type {Tree[]} */
  const failed = [];
  return (/** @type {number} */ page) => {
    if (!owners) {
      owners = new Map();
      for (const tree of trees) {
        try {
          const walk = db.prepare('SELECT pageno FROM dbstat WHERE name = ?').pluck();
          const pages = /** @type {IterableIterator<number>} */ (walk.iterate(tree.name));
          for (const pageno of pages) owners.set(pageno, tree);
        } catch {
          failed.push(tree);
        }
      }
    }
    return owners.get(page) ?? (failed.length === 1 ? failed[0] : undefined);
  };
}

/** @param {Map<string, TreeDamage>} damaged @param {Tree} tree @param {string} line @param {number | undefined} page */
function addError(damaged, tree, line, page) {
  let entry = damaged.get(tree.name);
  if (!entry) {
    entry = { name: tree.name, type: tree.type, table: tree.table, errors: [], errorCount: 0, pages: [] };
    damaged.set(tree.name, entry);
  }
  if (entry.errors.length < KEPT_PER_TREE) entry.errors.push(line);
  entry.errorCount++;
  if (page !== undefined && !entry.pages.includes(page)) entry.pages.push(page);
}

// Every column of every row, through the table b-tree: a destroyed page or a garbled cell throws here.
/** @param {Db} db @param {string} table @returns {string | null} */
function readWhole(db, table) {
  try {
    for (const _row of db
      .prepare(`SELECT * FROM main.${quoteIdentifier(table)} NOT INDEXED`)
      .raw()
      .iterate());
    return null;
  } catch (error) {
    if (isAccessProblem(error)) throw error;
    return describeSqliteError(error);
  }
}

/** @param {string} path @param {string} reason @param {number} started @returns {Diagnosis} */
function unreadable(path, reason, started) {
  return {
    path,
    ok: false,
    trees: [],
    damagedTables: [],
    damagedIndexes: [],
    isIndexOnly: false,
    unattributed: [reason],
    threw: true,
    tablesReadWhole: null,
    errorCount: 1,
    summary: reason,
    durationMs: Math.round(performance.now() - started),
  };
}
