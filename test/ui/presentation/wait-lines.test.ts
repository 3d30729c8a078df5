import { describe, expect, it } from 'vitest';
import { countWaitRows, formatCountdown, formatElapsed, getWaitLines } from '../../../src/ui/presentation/wait-lines.js';

const T = 1_700_000_000_000;

describe('formatCountdown', () => {
  it.each([
    [30_000, '30 s left'],
    [10_000, '10 s left'],
    [9_001, '10 s left'],
    [9_000, '9 s left'],
    [1, '1 s left'],
    [0, '0 s over'],
    [-999, '0 s over'],
    [-3_000, '3 s over'],
    [65_000, '1:05 left'],
    [3_600_000, '1:00:00 left'],
  ])('%i ms before the end: %s', (left, expected) => {
    expect(formatCountdown(T + left, T)).toBe(expected);
  });
});

describe('formatElapsed', () => {
  it.each([
    [0, '0 s so far'],
    [12_400, '12 s so far'],
    [125_000, '2:05 so far'],
    [-50, '0 s so far'],
  ])('%i ms since the start: %s', (since, expected) => {
    expect(formatElapsed(T - since, T)).toBe(expected);
  });
});

describe('getWaitLines', () => {
  const what = 'the app has 10 s to exit on SIGTERM; docker kills it then';

  it.each([
    ['both ends: a countdown and the share gone', { what, sinceMs: T - 3000, untilMs: T + 7000 }, { clock: '7 s left', ratio: 0.3 }],
    ['past the end: over, the bar full', { what, sinceMs: T - 12_000, untilMs: T - 2000 }, { clock: '2 s over', ratio: 1 }],
    ['an end but no start: a countdown, no bar', { what, untilMs: T + 4000 }, { clock: '4 s left' }],
    ['a start but no end: the time so far', { what, sinceMs: T - 42_000 }, { clock: '42 s so far' }],
    ['neither: the words alone', { what }, {}],
  ])('%s', (_name, waiting, expected) => {
    expect(getWaitLines(waiting, T, 80)).toEqual({ what: [`Waiting: ${what}`], ...expected });
  });

  it('wraps the words to the columns, and counts the same rows whatever the clock says', () => {
    const waiting = { what, sinceMs: T, untilMs: T + 10_000 };
    const lines = getWaitLines(waiting, T + 5000, 40);
    expect(lines.what).toEqual(['Waiting: the app has 10 s to exit on', 'SIGTERM; docker kills it then']);
    expect(countWaitRows(waiting, 40)).toBe(3);
    expect(countWaitRows({ what }, 40)).toBe(2);
  });
});
