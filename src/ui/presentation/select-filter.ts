// The `/` filter of a select: which options match what is typed, and where the highlight goes as the list narrows.
import type { SelectOption } from '../../runbook/events.js';

/** Every word typed appears in the label, the hint or the value, case aside: "prod run" finds "app-prod … running". */
export function matchesFilter(option: SelectOption, query: string): boolean {
  const haystack = `${option.label} ${option.hint ?? ''} ${option.value}`.toLowerCase();
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => haystack.includes(word));
}

/** Indices of the options that match, in rank order. */
export function filterOptionIndices(options: SelectOption[], query: string): number[] {
  return options.flatMap((option, index) => (matchesFilter(option, query) ? [index] : []));
}

/** The highlight after the list changed: the same option if it is still listed, else the first listed. */
export function keepHighlight(shown: number[], highlighted: number): number {
  return shown.includes(highlighted) ? highlighted : (shown[0] ?? highlighted);
}

/** The option `delta` places away in the listed order, stopping at the ends. */
export function moveHighlight(shown: number[], highlighted: number, delta: number): number {
  if (shown.length === 0) return highlighted;
  const position = Math.max(0, shown.indexOf(highlighted));
  return shown[Math.min(Math.max(position + delta, 0), shown.length - 1)];
}
