import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatEta, formatPercent, formatRate } from '../../../src/ui/presentation/format.js';

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1, '1 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1536, '1.5 KiB'],
    [1024 * 1024 - 1, '1.0 MiB'],
    [1024 * 1024, '1.0 MiB'],
    [12.34 * 1024 * 1024, '12.3 MiB'],
    [1023.9 * 1024 * 1024, '1023.9 MiB'],
    [3 * 1024 ** 3, '3.0 GiB'],
    [2 * 1024 ** 4, '2.0 TiB'],
    [2048 * 1024 ** 4, '2048.0 TiB'],
    [-1, '? B'],
    [Number.NaN, '? B'],
  ])('%d bytes is %s', (bytes, expected) => {
    expect(formatBytes(bytes)).toBe(expected);
  });
});

describe('formatRate', () => {
  it.each([
    [512, '512 B/s'],
    [3.25 * 1024 * 1024, '3.3 MiB/s'],
    [110 * 1024 * 1024, '110.0 MiB/s'],
    [undefined, ''],
    [Number.POSITIVE_INFINITY, ''],
  ])('%s bytes/s is "%s"', (rate, expected) => {
    expect(formatRate(rate)).toBe(expected);
  });
});

describe('formatEta', () => {
  it.each([
    [0, '0:00'],
    [0.2, '0:01'],
    [42, '0:42'],
    [59.5, '1:00'],
    [61, '1:01'],
    [725, '12:05'],
    [3723, '1:02:03'],
    [undefined, '--:--'],
    [Number.POSITIVE_INFINITY, '--:--'],
    [-5, '--:--'],
  ])('%s s is %s', (seconds, expected) => {
    expect(formatEta(seconds)).toBe(expected);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [420, '420ms'],
    [999, '999ms'],
    [999.6, '1.0s'],
    [1000, '1.0s'],
    [3460, '3.5s'],
    [4240, '4.2s'],
    [4260, '4.3s'],
    [9949, '9.9s'],
    [9990, '10s'],
    [12_400, '12s'],
    [12_700, '13s'],
    [59_499, '59s'],
    [59_999, '1m 00s'],
    [60_000, '1m 00s'],
    [125_000, '2m 05s'],
    [3_599_000, '59m 59s'],
    [3_599_500, '1h 00m'],
    [3_723_000, '1h 02m'],
    [3_750_000, '1h 03m'],
    [-1, '?'],
  ])('%d ms is %s', (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });

  // The engine words downtime as `${(ms / 1000).toFixed(1)} s`; the summary must show the same tenths.
  it.each([1150, 1250, 2049, 3460, 7777, 9949])('%d ms reads the same tenths as toFixed(1)', (ms) => {
    expect(formatDuration(ms)).toBe(`${(ms / 1000).toFixed(1)}s`);
  });
});

describe('formatPercent', () => {
  it.each([
    [0, 100, '  0%'],
    [45, 100, ' 45%'],
    [100, 100, '100%'],
    [150, 100, '100%'],
    [1, 0, '  ?%'],
  ])('%d of %d is "%s"', (done, total, expected) => {
    expect(formatPercent(done, total)).toBe(expected);
  });
});
