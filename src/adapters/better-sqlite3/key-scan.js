// @ts-check
// Reading every readable row of one table in key order, past damaged pages. A seek (`key >= s`) descends from the
// root, so it fails only when its path meets a damaged page; reading on from the last good row (`key > last`) would
// seek into the same damaged leaf again. So on SQLITE_CORRUPT the scan finds the smallest s past the last good key
// from which a seek works — exponential steps until one does, then bisection — and resumes there. The keys between
// are the range skipped. That takes an integer key (a rowid, or a WITHOUT ROWID table's single integer key); a table
// keyed otherwise is read forward to the damage and backward from its end (readTwoWays).
/** @import { Database as Db, Statement } from 'better-sqlite3' */
/** @import { SkippedRange } from '../../ports/sqlite-inspector.js' */
/** @import { JobContext } from './worker-protocol.js' */
import { throwIfCancelled } from './aborted.js';
import { isCorruption, quoteIdentifier } from './read-only.js';

const MIN_KEY = -(2n ** 63n);
const MAX_KEY = 2n ** 63n - 1n;
const CHECK_EVERY = 512;

/**
 * @typedef {object} ScanPlan
 * @property {string} table
 * @property {string[]} select Columns read per row, in the order the sink gets them.
 * @property {string[]} order The key columns (one for an integer key).
 * @property {boolean} integerKey The key is an integer the scan can step through (a rowid).
 * @property {boolean} withoutRowid
 */

/**
 * @typedef {object} ScanOutcome
 * @property {number} rowsRead
 * @property {number} errors SQLITE_CORRUPT errors met.
 * @property {SkippedRange[]} skipped
 * @property {number} probes Seeks tried to find where reading can go on.
 */

/**
 * @param {Db} src @param {ScanPlan} plan @param {(row: unknown[]) => void} sink
 * @param {JobContext<any>} job @param {(rowsRead: number) => void} onBatch called every few hundred rows (progress)
 * @returns {ScanOutcome}
 */
export function scanTable(src, plan, sink, job, onBatch) {
  const from = `FROM main.${quoteIdentifier(plan.table)}${plan.withoutRowid ? '' : ' NOT INDEXED'}`;
  const columns = plan.select.map(quoteIdentifier).join(', ');
  const order = plan.order.length > 0 ? ` ORDER BY ${plan.order.map(quoteIdentifier).join(', ')}` : '';
  /** @type {ScanOutcome} */
  const outcome = { rowsRead: 0, errors: 0, skipped: [], probes: 0 };
  const keyAt = plan.select.indexOf(plan.order[0]);
  if (!plan.integerKey) {
    readTwoWays(src, plan, `SELECT ${columns} ${from}`, sink, job, onBatch, outcome, null);
    return outcome;
  }
  const key = quoteIdentifier(plan.order[0]);
  const read = src.prepare(`SELECT ${columns} ${from} WHERE ${key} >= ?${order}`).raw().safeIntegers();
  const probe = src.prepare(`SELECT ${columns} ${from} WHERE ${key} >= ?${order} LIMIT 1`).raw().safeIntegers();
  let start = MIN_KEY;
  /** @type {bigint | null} */
  let last = null;
  /** @type {{ after: bigint | null, before: bigint | null }[]} */
  const ranges = [];
  /** @type {{ after: bigint | null, before: bigint | null } | null} */
  let open = null;
  for (;;) {
    try {
      for (const row of /** @type {IterableIterator<unknown[]>} */ (read.iterate(start))) {
        const k = row[keyAt];
        // A WITHOUT ROWID key declared INTEGER can still hold text: past it the scan cannot step, as for any text key.
        if (typeof k !== 'bigint') throw new KeyNotIntegerError();
        if (open) {
          open.before = k;
          open = null;
        }
        if (last === null || k > last) last = k;
        sink(row);
        if (++outcome.rowsRead % CHECK_EVERY === 0) {
          throwIfCancelled(job);
          onBatch(outcome.rowsRead);
        }
      }
      break;
    } catch (error) {
      if (error instanceof KeyNotIntegerError) {
        readTwoWays(src, plan, `SELECT ${columns} ${from}`, sink, job, onBatch, outcome, [last ?? MIN_KEY]);
        break;
      }
      if (!isCorruption(error)) throw error;
      outcome.errors++;
      // The first key known to fail: just past the last row read, or where this read started if it read none.
      const failing = last !== null && last >= start ? last + 1n : start;
      if (failing > MAX_KEY) break;
      open = { after: last, before: null };
      ranges.push(open);
      const next = findWorkingSeek(probe, failing, job, outcome);
      if (next === null) break;
      start = next;
    }
  }
  const lossy = ranges.filter((range) => !readBackward(src, `SELECT ${columns} ${from}`, key, keyAt, range, sink, job, outcome));
  outcome.skipped.push(
    ...lossy
      .filter((r) => r.before === null || r.after === null || r.before - r.after > 1n)
      .map((r) => ({
        after: r.after === null ? null : shown(r.after),
        before: r.before === null ? null : shown(r.before),
      })),
  );
  return outcome;
}

// Reading a skipped range from its top end down gets what a forward read could not reach: the cells of a garbled page
// after the bad one, and in a WITHOUT ROWID table the rows its interior pages hold (a seek always descends to a leaf,
// so the entry in the parent of a destroyed leaf is only reached by stepping back onto it). Narrows the range.
/**
 * @param {Db} src @param {string} select @param {string} key @param {number} keyAt
 * @param {{ after: bigint | null, before: bigint | null }} range @param {(row: unknown[]) => void} sink
 * @param {JobContext<any>} job @param {ScanOutcome} outcome @returns {boolean} the whole range read after all
 */
function readBackward(src, select, key, keyAt, range, sink, job, outcome) {
  const bounds = [range.after === null ? null : `${key} > ?`, range.before === null ? null : `${key} < ?`].filter(Boolean);
  const params = [range.after, range.before].filter((v) => v !== null);
  const stmt = src
    .prepare(`${select}${bounds.length ? ` WHERE ${bounds.join(' AND ')}` : ''} ORDER BY ${key} DESC`)
    .raw()
    .safeIntegers();
  try {
    for (const row of /** @type {IterableIterator<unknown[]>} */ (stmt.iterate(...params))) {
      const k = row[keyAt];
      if (typeof k !== 'bigint') return false;
      sink(row);
      range.before = k;
      if (++outcome.rowsRead % CHECK_EVERY === 0) throwIfCancelled(job);
    }
    return true;
  } catch (error) {
    if (!isCorruption(error)) throw error;
    return false;
  }
}

// Smallest s > failing from which a seek reads (a row, or the end of the table), or null if none up to the largest key.
/**
 * @param {Statement} probe @param {bigint} failing @param {JobContext<any>} job @param {ScanOutcome} outcome
 * @returns {bigint | null}
 */
function findWorkingSeek(probe, failing, job, outcome) {
  const works = (/** @type {bigint} */ s) => {
    throwIfCancelled(job);
    outcome.probes++;
    try {
      probe.get(s);
      return true;
    } catch (error) {
      if (!isCorruption(error)) throw error;
      return false;
    }
  };
  let bad = failing;
  let step = 1n;
  /** @type {bigint} */
  let good;
  for (;;) {
    const candidate = failing + step > MAX_KEY ? MAX_KEY : failing + step;
    if (works(candidate)) {
      good = candidate;
      break;
    }
    if (candidate === MAX_KEY) return null;
    bad = candidate;
    step *= 2n;
  }
  while (good - bad > 1n) {
    /** @type {bigint} */
    const mid = bad + (good - bad) / 2n;
    if (works(mid)) good = mid;
    else bad = mid;
  }
  return good;
}

/**
 * A key the scan cannot step through (text, or several columns): read forward to the first damage, then backward
 * from the end down to it. One damaged page then costs only its own rows; with several, the rows between the first
 * and the last are lost too. A table with no key to order by (every rowid name shadowed) is read forward only.
 * @param {Db} src @param {ScanPlan} plan @param {string} select `SELECT … FROM …` @param {(row: unknown[]) => void} sink
 * @param {JobContext<any>} job @param {(rowsRead: number) => void} onBatch @param {ScanOutcome} outcome
 * @param {unknown[] | null} after the key read before this (its columns), or null to start at the beginning
 */
function readTwoWays(src, plan, select, sink, job, onBatch, outcome, after) {
  const keyAt = plan.order.map((c) => plan.select.indexOf(c));
  const keyOf = (/** @type {unknown[]} */ row) => keyAt.map((i) => row[i]);
  const key = `(${plan.order.map(quoteIdentifier).join(', ')})`;
  const marks = `(${plan.order.map(() => '?').join(', ')})`;
  const ordered = (/** @type {string} */ direction) => plan.order.map((c) => `${quoteIdentifier(c)}${direction}`).join(', ');
  const forward = src.prepare(`${select}${after ? ` WHERE ${key} > ${marks}` : ''}${plan.order.length ? ` ORDER BY ${ordered('')}` : ''}`);
  let last = after;
  try {
    for (const row of /** @type {IterableIterator<unknown[]>} */ (
      forward
        .raw()
        .safeIntegers()
        .iterate(...(after ?? []))
    )) {
      last = keyOf(row);
      sink(row);
      if (++outcome.rowsRead % CHECK_EVERY === 0) {
        throwIfCancelled(job);
        onBatch(outcome.rowsRead);
      }
    }
    return;
  } catch (error) {
    if (!isCorruption(error)) throw error;
    outcome.errors++;
  }
  const range = { after: last === null ? null : shownKey(last), before: /** @type {number | string | null} */ (null) };
  if (plan.order.length === 0) {
    outcome.skipped.push(range);
    return;
  }
  const backward = src.prepare(`${select}${last ? ` WHERE ${key} > ${marks}` : ''} ORDER BY ${ordered(' DESC')}`);
  try {
    for (const row of /** @type {IterableIterator<unknown[]>} */ (
      backward
        .raw()
        .safeIntegers()
        .iterate(...(last ?? []))
    )) {
      sink(row);
      range.before = shownKey(keyOf(row));
      if (++outcome.rowsRead % CHECK_EVERY === 0) {
        throwIfCancelled(job);
        onBatch(outcome.rowsRead);
      }
    }
    // Read back down to the last good row without an error: the damage cost no row after all.
    return;
  } catch (error) {
    if (!isCorruption(error)) throw error;
  }
  outcome.skipped.push(range);
}

/** A key's columns as results show them: one value alone, several joined by ', '. @param {unknown[]} values */
function shownKey(values) {
  return values.length === 1 ? shown(values[0]) : values.map((v) => String(shown(v))).join(', ');
}

class KeyNotIntegerError extends Error {}

// A key as results carry it: a number when it fits one exactly, else its decimal text.
/** @param {unknown} key @returns {number | string} */
function shown(key) {
  if (typeof key === 'bigint') {
    return key >= BigInt(Number.MIN_SAFE_INTEGER) && key <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(key) : String(key);
  }
  if (typeof key === 'number') return key;
  return String(key);
}
