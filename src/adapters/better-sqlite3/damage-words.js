// @ts-check
// A diagnosis in one line an operator reads: "3 indexes damaged, every table intact", "table analytics: 2 pages
// unreadable; 1 index damaged".
/** @import { TreeDamage } from '../../ports/sqlite-inspector.js' */

/** @param {number} n @param {string} one @param {string} many */
const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

/**
 * @param {{ ok: boolean, trees: TreeDamage[], isIndexOnly: boolean, unattributed: string[] }} d
 * @returns {string}
 */
export function describeDamage(d) {
  if (d.ok) return 'no damage found';
  const tables = d.trees.filter((t) => t.type === 'table');
  const indexes = d.trees.filter((t) => t.type === 'index');
  const indexWords = plural(indexes.length, 'index damaged', 'indexes damaged');
  if (d.isIndexOnly) return `${indexWords}, every table intact`;
  const pages = (/** @type {TreeDamage} */ t) => (t.pages.length > 0 ? `${plural(t.pages.length, 'page', 'pages')} unreadable` : 'damaged');
  /** @type {string[]} */
  const parts = tables.map((t) => `table ${t.name}: ${pages(t)}`);
  if (indexes.length > 0) parts.push(indexWords);
  if (tables.length === 0 && d.unattributed.length > 0) parts.push(`damage outside any table or index (${d.unattributed[0]})`);
  if (tables.length === 0 && indexes.length > 0) parts.push('the tables could not all be proven whole');
  return parts.join('; ');
}
