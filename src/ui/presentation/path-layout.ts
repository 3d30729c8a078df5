// The rows a path prompt draws within the rows it has: the question, the field (its end kept in view), a note row kept
// free for what Tab found or what was wrong, a window of the listed entries, and the legend.
import type { SelectOption } from '../../runbook/events.js';
import { cutEnd, cutStart } from './cut-text.js';
import { getListWindow, type ListWindow } from './list-window.js';
import { getPathEntries, type PathInputState } from './path-input.js';
import { textWidth, wrapText } from './wrap-text.js';

/** Rows the layout keeps for the list even when nothing is offered yet, so Tab's matches have somewhere to go. */
export const PATH_LIST_MIN_ROWS = 3;

export interface PathRow {
  text: string;
  hint?: string;
  isHighlighted: boolean;
}

export interface PathLayout {
  question: string[];
  /** The typed text as it fits after `> ` and the cursor. */
  field: string;
  note?: PathInputState['note'];
  /** A dim heading over the step's suggestions. */
  heading?: string;
  rows: PathRow[];
  window: ListWindow;
  legend: string;
}

export function layoutPathPrompt(
  message: string,
  suggestions: SelectOption[],
  isEmptyAllowed: boolean,
  state: PathInputState,
  columns: number,
  maxRows = Number.POSITIVE_INFINITY,
  previousStart = 0,
): PathLayout {
  const question = wrapText(`? ${message}`, columns);
  const entries = getPathEntries(state, suggestions);
  const heading = state.list.kind === 'suggestions' && entries.length > 0 ? 'found here (↑/↓ puts one in the field):' : undefined;
  const listRows = Math.max(1, maxRows - question.length - 3 - (heading ? 1 : 0));
  const window = getListWindow(
    entries.map(() => 1),
    state.highlighted ?? 0,
    previousStart,
    listRows,
  );
  const rows = entries.slice(window.start, window.end).map((entry, offset): PathRow => {
    const index = window.start + offset;
    const isHighlighted = index === state.highlighted;
    const label = `${isHighlighted ? '❯ ' : '  '}${entry.label}`;
    const room = columns - textWidth(label) - 2;
    return { text: cutEnd(label, columns), ...(entry.hint && room > 8 ? { hint: cutEnd(entry.hint, room) } : {}), isHighlighted };
  });
  const isScrolled = window.end - window.start < entries.length;
  const position = isScrolled ? `${window.start + 1}–${window.end} of ${entries.length} · ` : '';
  const enter = isEmptyAllowed ? 'Enter answer (empty: none)' : 'Enter answer';
  const escape = state.list.kind === 'matches' ? 'Esc close the list' : 'Esc cancel';
  return {
    question,
    field: cutStart(state.typed, columns - 3),
    ...(state.note ? { note: { ...state.note, text: cutEnd(state.note.text, columns) } } : {}),
    ...(heading ? { heading } : {}),
    rows,
    window,
    legend: cutEnd(`${position}Tab complete · ↑/↓ pick · ${enter} · ${escape}`, columns),
  };
}

/** Rows a path prompt is measured at: what it draws at first, a note row and room for Tab's matches kept free. */
export function measurePathPrompt(message: string, suggestions: SelectOption[], columns: number): number {
  const heading = suggestions.length > 0 ? 1 : 0;
  return wrapText(`? ${message}`, columns).length + 1 + 1 + heading + Math.max(suggestions.length, PATH_LIST_MIN_ROWS) + 1;
}

/** Rows the layout draws. */
export function countPathRows(layout: PathLayout): number {
  return layout.question.length + 1 + (layout.note ? 1 : 0) + (layout.heading ? 1 : 0) + layout.rows.length + 1;
}
