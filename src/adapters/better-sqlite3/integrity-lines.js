// @ts-check
// One line of integrity_check output, read for what it names. SQLite 3.44+ starts a b-tree error with `Tree R page P`
// (R = the tree's rootpage in sqlite_schema); 3.40 (Debian 12's CLI) says only `On tree page P` / `Page P: …`, and the
// page must be mapped to its tree through dbstat. Index checks name the index: `row 65 missing from index t_a`.

/**
 * @typedef {object} LineTarget
 * @property {number} [root] The tree's rootpage.
 * @property {number} [page] The page the error is on (for 3.40 lines the only clue to the tree).
 * @property {string} [index] An index named by the line.
 * @property {string} [table] A table named by the line (NULL or CHECK constraint errors).
 * @property {boolean} [harmless] A page no tree uses, or a freelist error: costs no row and no rebuild.
 */

const RULES = /** @type {[RegExp, (m: RegExpMatchArray) => LineTarget][]} */ ([
  [/^Tree (\d+) page (\d+)/, (m) => ({ root: Number(m[1]), page: Number(m[2]) })],
  [/^Tree (\d+)\b/, (m) => ({ root: Number(m[1]) })],
  [/^Page (\d+)(?::| is) never used/, (m) => ({ page: Number(m[1]), harmless: true })],
  [/^Freelist: /, () => ({ harmless: true })],
  [/^On tree page (\d+)/, (m) => ({ page: Number(m[1]) })],
  [/^On page (\d+)/, (m) => ({ page: Number(m[1]) })],
  [/^Page (\d+)[: ]/, (m) => ({ page: Number(m[1]) })],
  [/\b(?:missing from|entries in|entry in|entries for) index (.+)$/, (m) => ({ index: m[1] })],
  [/^NULL value in (.+)\.[^.]+$/, (m) => ({ table: m[1] })],
  [/^CHECK constraint failed in (.+)$/, (m) => ({ table: m[1] })],
  [/(?:reference to|of|on) page (\d+)\b/, (m) => ({ page: Number(m[1]) })],
]);

/** @param {string} line @returns {LineTarget} */
export function readLineTarget(line) {
  for (const [pattern, target] of RULES) {
    const match = line.match(pattern);
    if (match) return target(match);
  }
  return {};
}

const HEADING = /^\*\*\* in database \S+ \*\*\*$/;

/** The error lines of integrity_check rows (SQLite 3.53 puts a tree's errors in one row, a line each). @param {unknown[]} rows */
export function splitErrorLines(rows) {
  /** @type {string[]} */
  const lines = [];
  for (const row of rows) {
    for (const line of String(row).split('\n')) {
      if (line === '' || line === 'ok' || HEADING.test(line)) continue;
      lines.push(line);
    }
  }
  return lines;
}
