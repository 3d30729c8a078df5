// A finding as the summary lists it: its first line after a bullet, then the lines it holds (a quarantine manifest,
// a listing of candidates) indented under it, each one row, long hashes shortened; a long listing is cut and counted.
import { abbreviateHashes } from './cut-text.js';

/** Lines of one finding shown under its first; the rest are counted and left to report.md. */
export const FINDING_DETAIL_LINES = 6;

export function getFindingRows(finding: string): string[] {
  const [first = '', ...rest] = abbreviateHashes(finding).split('\n');
  const shown = rest.slice(0, FINDING_DETAIL_LINES).map((line) => `    ${line}`);
  const hidden = rest.length - shown.length;
  return [`  • ${first}`, ...shown, ...(hidden > 0 ? [`    (${hidden} more line${hidden === 1 ? '' : 's'} in report.md)`] : [])];
}
