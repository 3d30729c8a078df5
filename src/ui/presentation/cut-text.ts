// Cutting text to a width the way a row can hold it, counted as Ink counts columns (see wrap-text.ts).
import { charWidth, textWidth } from './wrap-text.js';

/** The text if it fits `width` columns, else its start and … in exactly `width` columns or fewer. */
export function cutEnd(text: string, width: number): string {
  if (textWidth(text) <= width) return text;
  if (width <= 0) return '';
  let used = 0;
  let head = '';
  for (const char of text) {
    if (used + charWidth(char) > width - 1) break;
    used += charWidth(char);
    head += char;
  }
  return `${head}…`;
}

/** The text if it fits, else … and its end: a path being typed keeps the part the cursor is at in view. */
export function cutStart(text: string, width: number): string {
  if (textWidth(text) <= width) return text;
  if (width <= 0) return '';
  let used = 0;
  let tail = '';
  for (const char of [...text].reverse()) {
    if (used + charWidth(char) > width - 1) break;
    used += charWidth(char);
    tail = char + tail;
  }
  return `…${tail}`;
}

// A sha256 (or any run of 40+ hex digits) read on a screen only needs enough to tell files apart; the record keeps it whole.
export function abbreviateHashes(text: string, keep = 12): string {
  return text.replace(/\b[0-9a-f]{40,}\b/g, (hash) => `${hash.slice(0, keep)}…`);
}
