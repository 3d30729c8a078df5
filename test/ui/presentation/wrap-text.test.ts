import { describe, expect, it } from 'vitest';
import { clampLines, countInkRows, firstLine, wrapText } from '../../../src/ui/presentation/wrap-text.js';

describe('wrapText', () => {
  it.each<[string, string, number, string[]]>([
    ['fits', 'docker stop app-prod', 40, ['docker stop app-prod']],
    ['exactly fits', 'abcde fghij', 11, ['abcde fghij']],
    ['words move whole', 'abcde fghij klm', 11, ['abcde fghij', 'klm']],
    ['no line starts with the space it broke at', 'abcde fghij klmnopqrstu', 11, ['abcde fghij', 'klmnopqrstu']],
    ['newlines start lines', 'manifest:\na\nb', 20, ['manifest:', 'a', 'b']],
    ['an over-long word is cut', 'abcdefghij', 4, ['abcd', 'efgh', 'ij']],
    ['an over-long word fills the line it starts on', 'a bcdefg', 4, ['a bc', 'defg']],
    ['an over-long word starts a new line when that saves one', 'ab cdefgh', 4, ['ab', 'cdef', 'gh']],
    ['a pictograph takes two columns, as Ink counts it', '⚠ Stop', 6, ['⚠', 'Stop']],
    ['empty', '', 10, ['']],
  ])('%s', (_name, text, width, expected) => {
    expect(wrapText(text, width)).toEqual(expected);
  });

  it('never makes a line wider than asked', () => {
    const text = 'Nothing is deleted. The corrupted .db, its -wal and -shm are renamed into /data/rescue-quarantine/20250101T020000Z/';
    for (const width of [8, 13, 40, 79]) expect(wrapText(text, width).every((line) => [...line].length <= width)).toBe(true);
  });
});

describe('countInkRows', () => {
  it.each<[string, string, number, number]>([
    ['one row', 'docker stop app-prod', 40, 1],
    ['words move whole', 'abcde fghij klm', 11, 2],
    // Ink keeps the space after a full row: it starts the next row, which then holds one word less.
    ['a space after a full row costs a row', 'abcde fghij klmnopqrstu', 11, 3],
    ['newlines', 'a\nb\nc', 10, 3],
    ['an over-long word', 'abcdefghij', 4, 3],
    ['a pictograph takes two columns', '⚠ abcd', 6, 2],
  ])('%s', (_name, text, width, expected) => {
    expect(countInkRows(text, width)).toBe(expected);
  });
});

describe('clampLines', () => {
  it.each<[string, string[], number, string[]]>([
    ['under the limit', ['a', 'b'], 3, ['a', 'b']],
    ['cut: the last kept line ends in …', ['one', 'two', 'three'], 2, ['one', 'two…']],
    ['a full last line gives up its last character to …', ['abcd', 'efgh', 'ij'], 2, ['abcd', 'efg…']],
    ['nothing', ['a'], 0, []],
  ])('%s', (_name, lines, max, expected) => {
    expect(clampLines(lines, max, 4)).toEqual(expected);
  });
});

describe('firstLine', () => {
  it.each([
    ['one line', 'one line'],
    ['quarantine manifest (sha256):\n1c2d…  app.db\n3e4f…  app.db-wal', 'quarantine manifest (sha256):'],
  ])('%j', (text, expected) => {
    expect(firstLine(text)).toBe(expected);
  });
});
