import { describe, expect, it } from 'vitest';
import { applyTypedInput } from '../../../src/ui/presentation/typed-input.js';

describe('applyTypedInput', () => {
  it.each([
    ['one key', 'app-pr', 'o', 'app-pro'],
    ['a paste', '', 'app-prod', 'app-prod'],
    ['one DEL', 'app-prox', '\u007F', 'app-pro'],
    ['three DELs in one read (a held Backspace)', 'nope', '\u007F\u007F\u007F', 'n'],
    ['more erases than text', 'no', '\u007F\u007F\u007F\u007F', ''],
    ['BS bytes (ctrl+h terminals)', 'nope', '\b\b', 'no'],
    ['a mixed chunk applies in order', 'x', 'ab\u007Fc', 'xac'],
    ['erase first, then type', 'app-prox', '\u007Fd', 'app-prod'],
    ['an emoji is one character', 'ok🙂', '\u007F', 'ok'],
    ['newlines and escapes in a paste are dropped', '', 'app\r\n-prod\u001B', 'app-prod'],
  ])('%s', (_name, text, input, expected) => {
    expect(applyTypedInput(text, input)).toBe(expected);
  });
});
