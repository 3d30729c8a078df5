import { describe, expect, it } from 'vitest';
import { getListWindow } from '../../../src/ui/presentation/list-window.js';

const ones = (count: number) => Array.from({ length: count }, () => 1);

describe('getListWindow', () => {
  it.each<[string, number[], number, number, number, { start: number; end: number }]>([
    ['empty', [], 0, 0, 5, { start: 0, end: 0 }],
    ['all fit: no window', ones(4), 3, 0, 5, { start: 0, end: 4 }],
    ['from the top', ones(10), 0, 0, 4, { start: 0, end: 4 }],
    ['the highlight inside the window: it stays', ones(10), 3, 0, 4, { start: 0, end: 4 }],
    ['one past the bottom: scrolls by one', ones(10), 4, 0, 4, { start: 1, end: 5 }],
    ['far below (the preselected option): it ends the window', ones(30), 20, 0, 4, { start: 17, end: 21 }],
    ['above the window: it starts the window', ones(10), 2, 5, 4, { start: 2, end: 6 }],
    ['the last one: the window ends at the end', ones(10), 9, 0, 4, { start: 6, end: 10 }],
    ['a start past a shortened list: pulled back so no row is blank', ones(5), 4, 4, 4, { start: 1, end: 5 }],
    ['two-row items: as many whole ones as fit', [2, 2, 2, 2, 2], 0, 0, 5, { start: 0, end: 2 }],
    ['two-row items, highlight below: whole items only', [2, 2, 2, 2, 2], 3, 0, 5, { start: 2, end: 4 }],
    ['mixed heights ending at the highlight', [1, 2, 1, 2, 1, 1], 5, 0, 4, { start: 3, end: 6 }],
    ['an item taller than the rows: it alone', [1, 6, 1], 1, 0, 4, { start: 1, end: 2 }],
  ])('%s', (_name, heights, highlighted, previousStart, maxRows, expected) => {
    expect(getListWindow(heights, highlighted, previousStart, maxRows)).toEqual(expected);
  });

  it('moving down then up through a long list never hides the highlight and never takes more rows', () => {
    const heights = [1, 2, 1, 1, 2, 2, 1, 1, 2, 1, 1, 1, 2, 1];
    let start = 0;
    const path = [...heights.keys(), ...[...heights.keys()].reverse()];
    for (const highlighted of path) {
      const window = getListWindow(heights, highlighted, start, 5);
      expect(highlighted).toBeGreaterThanOrEqual(window.start);
      expect(highlighted).toBeLessThan(window.end);
      expect(heights.slice(window.start, window.end).reduce((sum, height) => sum + height, 0)).toBeLessThanOrEqual(5);
      start = window.start;
    }
  });
});
