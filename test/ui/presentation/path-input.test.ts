import { describe, expect, it } from 'vitest';
import type { SelectOption } from '../../../src/runbook/events.js';
import {
  getPathEntries,
  getTypedFolder,
  initialPathInput,
  reducePathInput,
  type PathInputAction,
  type PathInputState,
} from '../../../src/ui/presentation/path-input.js';

const SUGGESTIONS: SelectOption[] = [
  { value: 'data/app.db', label: 'data/app.db', hint: '1250 rows, modified 01:40' },
  { value: 'app.local.db', label: 'app.local.db', hint: '1100 rows, modified yesterday' },
];

const run = (actions: PathInputAction[], from: PathInputState = initialPathInput) =>
  actions.reduce((state, action) => reducePathInput(state, action, SUGGESTIONS), from);
const typed = (text: string): PathInputAction => ({ type: 'input', input: text });

describe('reducePathInput', () => {
  it.each<[string, PathInputAction[], Partial<PathInputState>]>([
    ['typing fills the field', [typed('data/'), typed('ap')], { typed: 'data/ap', draft: 'data/ap', list: { kind: 'suggestions' } }],
    ['erase removes one character', [typed('data/ap'), { type: 'erase' }], { typed: 'data/a' }],
    ['a pasted chunk with DELs applies them in order', [typed('datx\u007Fa/')], { typed: 'data/' }],
    [
      '↓ puts the first suggestion in the field',
      [typed('x'), { type: 'move', delta: 1 }],
      { typed: 'data/app.db', highlighted: 0, draft: 'x' },
    ],
    [
      '↓ ↓ the second',
      [
        { type: 'move', delta: 1 },
        { type: 'move', delta: 1 },
      ],
      { typed: 'app.local.db', highlighted: 1 },
    ],
    [
      '↓ stops at the last',
      [
        { type: 'move', delta: 1 },
        { type: 'move', delta: 1 },
        { type: 'move', delta: 1 },
      ],
      { typed: 'app.local.db', highlighted: 1 },
    ],
    ['↑ from the field: the last suggestion', [{ type: 'move', delta: -1 }], { typed: 'app.local.db', highlighted: 1 }],
    [
      '↑ above the first: back to what was typed',
      [typed('my'), { type: 'move', delta: 1 }, { type: 'move', delta: -1 }],
      { typed: 'my', highlighted: undefined },
    ],
    [
      'typing after a pick edits the picked path',
      [{ type: 'move', delta: 1 }, { type: 'erase' }, { type: 'erase' }, { type: 'erase' }],
      { typed: 'data/app', highlighted: undefined },
    ],
    [
      'Tab with several matches: the common prefix, the matches listed in their folder',
      [
        typed('data/a'),
        { type: 'tab-started' },
        { type: 'tab-finished', typed: 'data/a', value: 'data/app', matches: ['app.db', 'app2.db', 'app/'] },
      ],
      { typed: 'data/app', list: { kind: 'matches', folder: 'data/', names: ['app.db', 'app2.db', 'app/'] }, completing: undefined },
    ],
    [
      'Tab with one match: the whole name',
      [typed('data/ap'), { type: 'tab-finished', typed: 'data/ap', value: 'data/app.db', matches: [] }],
      { typed: 'data/app.db', note: undefined },
    ],
    [
      'Tab with nothing matching: the text stays, and says so',
      [typed('zz'), { type: 'tab-finished', typed: 'zz', value: 'zz', matches: [] }],
      { typed: 'zz', note: { tone: 'info', text: 'nothing matches zz' } },
    ],
    [
      'an answer for text typed over is dropped',
      [typed('da'), { type: 'tab-started' }, typed('t'), { type: 'tab-finished', typed: 'da', value: 'data/', matches: [] }],
      { typed: 'dat', completing: undefined },
    ],
    [
      '↓ in the matches puts folder and name in the field',
      [
        typed('data/a'),
        { type: 'tab-finished', typed: 'data/a', value: 'data/app', matches: ['app.db', 'app2.db'] },
        { type: 'move', delta: 1 },
        { type: 'move', delta: 1 },
      ],
      { typed: 'data/app2.db', highlighted: 1 },
    ],
    [
      'closing the matches goes back to the suggestions, the text kept',
      [
        typed('data/a'),
        { type: 'tab-finished', typed: 'data/a', value: 'data/app', matches: ['app.db', 'app2.db'] },
        { type: 'close-list' },
      ],
      { typed: 'data/app', list: { kind: 'suggestions' }, highlighted: undefined },
    ],
    [
      'a completion that failed says why',
      [typed('/root/'), { type: 'tab-started' }, { type: 'tab-failed', typed: '/root/', message: 'EACCES' }],
      { typed: '/root/', note: { tone: 'error', text: 'could not complete: EACCES' }, completing: undefined },
    ],
    [
      'no completion wired: Tab says so',
      [{ type: 'tab-unavailable' }],
      { note: { tone: 'info', text: 'no completion here: type the whole path' } },
    ],
    [
      'Enter on nothing where a path is needed',
      [{ type: 'empty-refused' }],
      { note: { tone: 'error', text: 'nothing typed: type a path (Tab completes it), or press Esc to cancel' } },
    ],
    ['typing clears a note', [{ type: 'empty-refused' }, typed('a')], { typed: 'a', note: undefined }],
  ])('%s', (_name, actions, expected) => {
    const state = run(actions);
    for (const [key, value] of Object.entries(expected)) expect(state[key as keyof PathInputState], key).toEqual(value);
  });

  it('the matches are listed under the folder typed, each entry the path it puts in the field', () => {
    const state = run([typed('data/a'), { type: 'tab-finished', typed: 'data/a', value: 'data/app', matches: ['app.db', 'app/'] }]);
    expect(getPathEntries(state, SUGGESTIONS)).toEqual([
      { value: 'data/app.db', label: 'app.db' },
      { value: 'data/app/', label: 'app/' },
    ]);
    expect(getPathEntries(initialPathInput, SUGGESTIONS).map((entry) => entry.value)).toEqual(['data/app.db', 'app.local.db']);
  });

  it.each([
    ['', ''],
    ['app', ''],
    ['data/ap', 'data/'],
    ['/home/ops/', '/home/ops/'],
    ['~/x', '~/'],
  ])('the folder of %j is %j', (text, folder) => {
    expect(getTypedFolder(text)).toBe(folder);
  });
});
