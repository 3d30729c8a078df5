import { describe, expect, it } from 'vitest';
import { immutableUri, isMissingBinary, parseIntegrityOutput } from '../../src/steps/in-container.js';

const result = (exitCode: number, stdout: string, stderr = '') => ({ argv: ['sqlite3'], exitCode, stdout, stderr, durationMs: 1 });

describe('parseIntegrityOutput', () => {
  it.each([
    ['ok', result(0, 'ok\n'), { ok: true, check: 'integrity_check', errors: [], errorCount: 0 }],
    [
      'error rows (exit 0)',
      result(0, '*** in database main ***\nTree 3 page 7 cell 0: invalid page number 9999\nPage 12: never used\n'),
      { ok: false, check: 'integrity_check', errors: ['Tree 3 page 7 cell 0: invalid page number 9999', 'Page 12: never used'], errorCount: 2 },
    ],
    ['exit 11 with stderr', result(11, '', 'Error: database disk image is malformed\n'), { ok: false, check: 'integrity_check', errors: ['Error: database disk image is malformed'], errorCount: 1 }],
    ['empty output', result(0, ''), { ok: false, check: 'integrity_check', errors: ['sqlite3 exited 0 without output'], errorCount: 1 }],
    ['ok but a non-zero exit', result(1, 'ok\n'), { ok: false, check: 'integrity_check', errors: ['ok'], errorCount: 1 }],
  ])('%s', (_name, input, expected) => {
    expect(parseIntegrityOutput(input, 'integrity_check')).toEqual(expected);
  });

  it('keeps the first 20 rows and counts them all', () => {
    const rows = Array.from({ length: 25 }, (_, index) => `Page ${index}: never used`);
    const parsed = parseIntegrityOutput(result(0, rows.join('\n')), 'quick_check');
    expect(parsed.errors).toHaveLength(20);
    expect(parsed.errorCount).toBe(25);
    expect(parsed.check).toBe('quick_check');
  });
});

describe('immutableUri', () => {
  it.each([
    ['/data/backups/a.db', 'file:/data/backups/a.db?immutable=1'],
    ['/data/what?.db', 'file:/data/what%3f.db?immutable=1'],
    ['/data/#1.db', 'file:/data/%231.db?immutable=1'],
    ['/data/100%.db', 'file:/data/100%25.db?immutable=1'],
    ['/data/%3f.db', 'file:/data/%253f.db?immutable=1'],
  ])('%s', (path, expected) => {
    expect(immutableUri(path)).toBe(expected);
  });
});

describe('isMissingBinary', () => {
  it.each([[126, true], [127, true], [1, false], [0, false]])('exit %i → %s', (exitCode, expected) => {
    expect(isMissingBinary(result(exitCode, ''))).toBe(expected);
  });
});
