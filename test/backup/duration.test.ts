import { describe, expect, it } from 'vitest';
import { formatAge, formatDuration, parseDuration } from '../../src/backup/duration.js';
import { UsageError } from '../../src/runbook/errors.js';

describe('durations', () => {
  it.each([
    ['6h', 6 * 3_600_000],
    ['90m', 90 * 60_000],
    ['1d12h', 36 * 3_600_000],
    ['45s', 45_000],
    ['2w', 14 * 86_400_000],
    [' 6H ', 6 * 3_600_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text, '--max-age')).toBe(ms);
  });

  it.each(['6', 'six hours', '6hours', '-6h', '0h', '6h6h', '', '1.5h', 'h'])(
    '"%s" is refused with the flag, the value and examples',
    (text) => {
      let error: unknown;
      try {
        parseDuration(text, '--max-age');
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).message).toContain(`--max-age "${text}"`);
      expect((error as UsageError).hint).toContain('--max-age 6h');
      expect((error as UsageError).exitCode).toBe(2);
    },
  );

  it.each([
    [5_000, '5s'],
    [12 * 60_000 + 59_000, '12m'],
    [3 * 3_600_000 + 5 * 60_000, '3h05m'],
    [50 * 3_600_000, '2d02h'],
  ])('an age of %d ms reads %s', (ms, text) => {
    expect(formatAge(ms)).toBe(text);
  });

  it('spells a duration the shortest exact way', () => {
    expect(formatDuration(6 * 3_600_000)).toBe('6h');
    expect(formatDuration(90 * 60_000)).toBe('90m');
    expect(formatDuration(86_400_000)).toBe('1d');
  });
});
