// What a path prompt holds as keys arrive, as a pure reducer: the text in the field, the list under it (the files the
// step offers, or what Tab found), which entry the arrows put in the field, and a note. The field always holds what
// Enter answers, so what the operator sees is what is sent.
import type { SelectOption } from '../../runbook/events.js';
import { applyTypedInput } from './typed-input.js';

export type PathList = { kind: 'suggestions' } | { kind: 'matches'; folder: string; names: string[] };

export interface PathInputState {
  typed: string;
  /** What was typed before the arrows put a listed entry in the field; moving back above the list restores it. */
  draft: string;
  list: PathList;
  /** The listed entry in the field, by position in the list. */
  highlighted?: number;
  note?: { tone: 'error' | 'info'; text: string };
  /** The text Tab asked completion for, while it runs. */
  completing?: string;
}

export type PathInputAction =
  | { type: 'input'; input: string }
  | { type: 'erase' }
  | { type: 'move'; delta: number }
  | { type: 'tab-started' }
  | { type: 'tab-unavailable' }
  | { type: 'tab-finished'; typed: string; value: string; matches: string[] }
  | { type: 'tab-failed'; typed: string; message: string }
  | { type: 'close-list' }
  | { type: 'empty-refused' };

export const initialPathInput: PathInputState = { typed: '', draft: '', list: { kind: 'suggestions' } };

export interface PathEntry {
  /** What the entry puts in the field. */
  value: string;
  label: string;
  hint?: string;
}

/** The entries the list shows now: what Tab matched, else the prompt's suggestions. */
export function getPathEntries(state: PathInputState, suggestions: SelectOption[]): PathEntry[] {
  if (state.list.kind === 'matches') {
    const { folder } = state.list;
    return state.list.names.map((name) => ({ value: `${folder}${name}`, label: name }));
  }
  return suggestions.map((option) => ({ value: option.value, label: option.label, ...(option.hint ? { hint: option.hint } : {}) }));
}

/** "data/ap" → "data/": the folder part Tab's matches are named in. */
export function getTypedFolder(typed: string): string {
  return typed.slice(0, typed.lastIndexOf('/') + 1);
}

function edit(state: PathInputState, typed: string): PathInputState {
  if (typed === state.typed) return state;
  return { typed, draft: typed, list: { kind: 'suggestions' } };
}

export function reducePathInput(state: PathInputState, action: PathInputAction, suggestions: SelectOption[]): PathInputState {
  switch (action.type) {
    case 'input':
      return edit(state, applyTypedInput(state.typed, action.input));
    case 'erase':
      return edit(state, [...state.typed].slice(0, -1).join(''));
    case 'move': {
      const entries = getPathEntries(state, suggestions);
      if (entries.length === 0) return state;
      const from = state.highlighted ?? (action.delta > 0 ? -1 : entries.length);
      const next = from + action.delta;
      // Above the first entry is the text as typed.
      // An error is about the text that was there; what Tab found still holds.
      const note = state.note?.tone === 'error' ? undefined : state.note;
      if (next < 0) return { ...state, typed: state.draft, highlighted: undefined, note };
      const index = Math.min(next, entries.length - 1);
      return { ...state, typed: entries[index].value, highlighted: index, note };
    }
    case 'tab-started':
      return { ...state, completing: state.typed, note: undefined };
    case 'tab-unavailable':
      return { ...state, note: { tone: 'info', text: 'no completion here: type the whole path' } };
    case 'tab-finished': {
      // The operator typed on while the folder was read: this answer is for text that is gone.
      if (action.typed !== state.typed) return state.completing === action.typed ? { ...state, completing: undefined } : state;
      const done = { typed: action.value, draft: action.value, completing: undefined };
      if (action.matches.length > 0) {
        const folder = getTypedFolder(action.typed);
        const count = `${action.matches.length} match${action.matches.length === 1 ? '' : 'es'}`;
        const text = `${count} in ${folder || './'}: ↑/↓ picks one, Tab completes further`;
        return { ...done, list: { kind: 'matches', folder, names: action.matches }, note: { tone: 'info', text } };
      }
      if (action.value === action.typed)
        return { ...done, list: state.list, note: { tone: 'info', text: `nothing matches ${action.typed || 'here'}` } };
      return { ...done, list: { kind: 'suggestions' } };
    }
    case 'tab-failed':
      if (action.typed !== state.typed) return { ...state, completing: undefined };
      return { ...state, completing: undefined, note: { tone: 'error', text: `could not complete: ${action.message}` } };
    case 'close-list':
      return { ...state, list: { kind: 'suggestions' }, highlighted: undefined, note: undefined };
    case 'empty-refused':
      return { ...state, note: { tone: 'error', text: 'nothing typed: type a path (Tab completes it), or press Esc to cancel' } };
  }
}
