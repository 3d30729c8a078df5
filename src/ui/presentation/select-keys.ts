// What each key does to a select, as a pure reducer. A terminal may hand several keys over in one read (`/21` typed
// fast, a paste, `tmux send-keys -l`): the component splits such a chunk into one key a character, in order.
import type { SelectOption } from '../../runbook/events.js';
import { filterOptionIndices, keepHighlight, moveHighlight } from './select-filter.js';
import type { SelectState } from './select-layout.js';

export type SelectKey = 'up' | 'down' | 'page-up' | 'page-down' | 'enter' | 'escape' | 'erase' | { char: string };

export type SelectOutcome = { kind: 'submit'; value: string } | { kind: 'cancel' };

const PAGE = 5;

function listed(options: SelectOption[], state: SelectState): number[] {
  return state.isFiltering ? filterOptionIndices(options, state.query) : options.map((_, index) => index);
}

export function reduceSelectKey(
  state: SelectState,
  key: SelectKey,
  options: SelectOption[],
): { state: SelectState; outcome?: SelectOutcome } {
  const shown = listed(options, state);
  const move = (delta: number) => ({ state: { ...state, highlighted: moveHighlight(shown, state.highlighted, delta) } });
  if (key === 'up') return move(-1);
  if (key === 'down') return move(1);
  if (key === 'page-up') return move(-PAGE);
  if (key === 'page-down') return move(PAGE);
  if (key === 'enter') {
    const picked = shown.includes(state.highlighted) ? options[state.highlighted] : undefined;
    return picked ? { state, outcome: { kind: 'submit', value: picked.value } } : { state };
  }
  // Escape backs out of the filter first: at 2 a.m. a second Escape, not the first, aborts the run.
  if (key === 'escape')
    return state.isFiltering ? { state: { ...state, isFiltering: false, query: '' } } : { state, outcome: { kind: 'cancel' } };
  if (!state.isFiltering) {
    if (key === 'erase') return { state };
    if (key.char === 'k') return move(-1);
    if (key.char === 'j') return move(1);
    if (key.char === 'q') return { state, outcome: { kind: 'cancel' } };
    if (key.char === '/') return { state: { ...state, isFiltering: true, query: '' } };
    return { state };
  }
  const query = key === 'erase' ? [...state.query].slice(0, -1).join('') : key.char >= ' ' ? state.query + key.char : state.query;
  if (query === state.query) return { state };
  const narrowed = filterOptionIndices(options, query);
  return { state: { ...state, query, highlighted: keepHighlight(narrowed, state.highlighted) } };
}

const ERASE = new Set(['\u007F', '\b']);

/** Ink's key for one read, as the keys it holds: a named key, or each character of what was typed. */
export function toSelectKeys(
  input: string,
  key: {
    upArrow: boolean;
    downArrow: boolean;
    pageUp: boolean;
    pageDown: boolean;
    return: boolean;
    escape: boolean;
    backspace: boolean;
    delete: boolean;
    ctrl: boolean;
    meta: boolean;
    tab: boolean;
    leftArrow: boolean;
    rightArrow: boolean;
  },
): SelectKey[] {
  if (key.upArrow) return ['up'];
  if (key.downArrow) return ['down'];
  if (key.pageUp) return ['page-up'];
  if (key.pageDown) return ['page-down'];
  if (key.return) return ['enter'];
  if (key.escape) return ['escape'];
  if (key.backspace || key.delete) return ['erase'];
  if (key.ctrl || key.meta || key.tab || key.leftArrow || key.rightArrow) return [];
  return [...input].map((char) => (ERASE.has(char) ? 'erase' : { char }));
}
