// The rows a select prompt draws, cut to the rows it has: the question, the filter being typed, a window of options
// that keeps the highlighted one in view, and a legend that says where the window is. Select renders these rows and
// the screen layout counts them, so both agree.
import type { SelectOption } from '../../runbook/events.js';
import { cutEnd, cutStart } from './cut-text.js';
import { getListWindow, type ListWindow } from './list-window.js';
import { filterOptionIndices } from './select-filter.js';
import { wrapText } from './wrap-text.js';

export interface OptionRow {
  text: string;
  /** `label` rows show the option, `hint` rows the dim reason under it. */
  kind: 'label' | 'hint';
}

/** One option's rows: the label after the pointer (wrapped under it), then its hint indented by four. */
export function getOptionRows(option: SelectOption, columns: number, isHighlighted: boolean): OptionRow[] {
  const label = wrapText(option.label, Math.max(1, columns - 2)).map((text, index): OptionRow => ({
    text: `${index === 0 ? (isHighlighted ? '❯ ' : '  ') : '  '}${text}`,
    kind: 'label',
  }));
  const hint = option.hint
    ? wrapText(option.hint, Math.max(1, columns - 4)).map((text): OptionRow => ({ text: `    ${text}`, kind: 'hint' }))
    : [];
  return [...label, ...hint];
}

export interface SelectState {
  /** The option highlighted, as an index into all options. */
  highlighted: number;
  /** Whether `/` was pressed: keys type into the filter then. */
  isFiltering: boolean;
  query: string;
  /** Where the window started last time it was drawn. */
  windowStart: number;
}

export interface SelectLayout {
  question: string[];
  /** The filter row while filtering. */
  filter?: string;
  /** The options shown, by index into all options, each with its rows. */
  items: Array<{ index: number; rows: OptionRow[] }>;
  /** Said instead of options when the filter matches none. */
  empty?: string;
  legend: string;
  window: ListWindow;
  /** The options the filter leaves, in rank order. */
  shown: number[];
}

const MOVE_KEYS = '↑/↓ or j/k move';

export function layoutSelect(
  message: string,
  options: SelectOption[],
  state: SelectState,
  columns: number,
  maxRows = Number.POSITIVE_INFINITY,
): SelectLayout {
  const question = wrapText(`? ${message}`, columns);
  const shown = state.isFiltering ? filterOptionIndices(options, state.query) : options.map((_, index) => index);
  const rowsOf = (index: number) => getOptionRows(options[index], columns, index === state.highlighted);
  const heights = shown.map((index) => rowsOf(index).length);
  const filterRows = state.isFiltering ? 1 : 0;
  const listRows = Math.max(1, maxRows - question.length - filterRows - 1);
  const window = getListWindow(heights, Math.max(0, shown.indexOf(state.highlighted)), state.windowStart, listRows);
  const items = shown.slice(window.start, window.end).map((index) => ({ index, rows: rowsOf(index) }));
  const isScrolled = window.end - window.start < shown.length;
  const position = isScrolled ? `${window.start + 1}–${window.end} of ${shown.length} · ` : '';
  const legend = state.isFiltering
    ? `${position}↑/↓ move · Enter pick · Esc clear the filter`
    : `${position}${MOVE_KEYS} · / filter · Enter pick · Esc cancel`;
  return {
    question,
    ...(state.isFiltering ? { filter: `/ ${cutStart(state.query, columns - 3)}` } : {}),
    items,
    ...(shown.length === 0 ? { empty: `  no option matches "${state.query}"` } : {}),
    legend: cutEnd(legend, columns),
    window,
    shown,
  };
}

/** Rows the layout draws. */
export function countSelectRows(layout: SelectLayout): number {
  const list = layout.items.reduce((rows, item) => rows + item.rows.length, 0) + (layout.empty ? 1 : 0);
  return layout.question.length + (layout.filter === undefined ? 0 : 1) + list + 1;
}
