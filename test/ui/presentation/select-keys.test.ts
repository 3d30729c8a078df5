import { describe, expect, it } from 'vitest';
import type { SelectOption } from '../../../src/runbook/events.js';
import type { SelectState } from '../../../src/ui/presentation/select-layout.js';
import { reduceSelectKey, toSelectKeys, type SelectKey, type SelectOutcome } from '../../../src/ui/presentation/select-keys.js';

const options: SelectOption[] = ['app-prod', 'app-pr-7', 'app-pr-21', 'coolify-proxy'].map((label, index) => ({
  value: `c${index}`,
  label,
}));
const start: SelectState = { highlighted: 0, isFiltering: false, query: '', windowStart: 0 };
const chars = (text: string): SelectKey[] => [...text].map((char) => ({ char }));

function press(keys: SelectKey[]): { state: SelectState; outcome?: SelectOutcome } {
  let state = start;
  for (const key of keys) {
    const next = reduceSelectKey(state, key, options);
    if (next.outcome) return next;
    state = next.state;
  }
  return { state };
}

describe('reduceSelectKey', () => {
  it.each<[string, SelectKey[], Partial<SelectState>, SelectOutcome | undefined]>([
    ['↓ ↓', ['down', 'down'], { highlighted: 2 }, undefined],
    ['j j k', chars('jjk'), { highlighted: 1 }, undefined],
    ['a page down stops at the end', ['page-down'], { highlighted: 3 }, undefined],
    ['Enter picks the highlighted', ['down', 'enter'], {}, { kind: 'submit', value: 'c1' }],
    ['q cancels', chars('q'), {}, { kind: 'cancel' }],
    ['Escape cancels', ['escape'], {}, { kind: 'cancel' }],
    ['/ then text filters; j, k and q are text there', chars('/pr-q'), { isFiltering: true, query: 'pr-q', highlighted: 1 }, undefined],
    [
      'the filter narrows and the highlight moves to what is listed',
      chars('/21'),
      { isFiltering: true, query: '21', highlighted: 2 },
      undefined,
    ],
    ['Enter picks among the filtered', [...chars('/pr-'), 'down', 'enter'], {}, { kind: 'submit', value: 'c2' }],
    ['erase edits the filter', [...chars('/21'), 'erase'], { query: '2', highlighted: 2 }, undefined],
    [
      'Escape in the filter clears it and keeps the highlight',
      [...chars('/21'), 'escape'],
      { isFiltering: false, query: '', highlighted: 2 },
      undefined,
    ],
    ['a second Escape cancels', [...chars('/21'), 'escape', 'escape'], {}, { kind: 'cancel' }],
    ['Enter with nothing listed picks nothing', [...chars('/zz'), 'enter'], { query: 'zz' }, undefined],
  ])('%s', (_name, keys, expected, outcome) => {
    const result = press(keys);
    expect(result.outcome).toEqual(outcome);
    if (!outcome) expect(result.state).toMatchObject(expected);
  });
});

describe('toSelectKeys', () => {
  const none = {
    upArrow: false,
    downArrow: false,
    pageUp: false,
    pageDown: false,
    return: false,
    escape: false,
    backspace: false,
    delete: false,
    ctrl: false,
    meta: false,
    tab: false,
    leftArrow: false,
    rightArrow: false,
  };
  it.each<[string, string, Partial<typeof none>, SelectKey[]]>([
    ['a named key', '', { downArrow: true }, ['down']],
    ['one character', '/', {}, [{ char: '/' }]],
    ['a chunk typed fast: one key a character, in order', '/21', {}, [{ char: '/' }, { char: '2' }, { char: '1' }]],
    ['DEL and BS in a chunk erase', 'ab\u007F\b', {}, [{ char: 'a' }, { char: 'b' }, 'erase', 'erase']],
    ['Ctrl and Tab do nothing', 'c', { ctrl: true }, []],
  ])('%s', (_name, input, key, expected) => {
    expect(toSelectKeys(input, { ...none, ...key })).toEqual(expected);
  });
});
