import { describe, expect, it } from 'vitest';
import { immutableUri, isMissingBinary, readCheckAnswer } from '../../src/steps/sqlite-cli.js';

const result = (exitCode: number, stdout: string, stderr = '') => ({ argv: ['sqlite3'], exitCode, stdout, stderr, durationMs: 1 });

// The CLI's answer to checkSql: the mmap size it settled on, then the check's rows.
const answer = (exitCode: number, rows: string, stderr = '') => result(exitCode, `2147418112\n${rows}`, stderr);
const verdict = (value: 'ok' | 'corrupt', errors: string[], errorCount = errors.length) => ({
  verdict: value,
  check: 'integrity_check',
  errors,
  errorCount,
  ranBy: 'sqlite3 in the container',
  onCopy: false,
});

describe('readCheckAnswer', () => {
  it.each([
    ['ok', answer(0, 'ok\n'), verdict('ok', [])],
    [
      'error rows (exit 0)',
      answer(0, '*** in database main ***\nTree 3 page 7 cell 0: invalid page number 9999\nPage 12: never used\n'),
      verdict('corrupt', ['Tree 3 page 7 cell 0: invalid page number 9999', 'Page 12: never used']),
    ],
    [
      'exit 11 with stderr',
      result(11, '', 'Error: database disk image is malformed\n'),
      verdict('corrupt', ['Error: database disk image is malformed']),
    ],
    ['empty output', answer(0, ''), verdict('corrupt', ['sqlite3 exited 0 without output'])],
    ['ok but a non-zero exit', answer(1, 'ok\n'), verdict('corrupt', ['ok'])],
  ])('%s', (_name, input, expected) => {
    expect(readCheckAnswer(input, 'integrity_check', '/data/app.db')).toEqual(expected);
  });

  it('keeps the first 20 rows and counts them all', () => {
    const rows = Array.from({ length: 25 }, (_, index) => `Page ${index}: never used`);
    const parsed = readCheckAnswer(answer(0, rows.join('\n')), 'quick_check', '/data/app.db');
    expect(parsed?.errors).toHaveLength(20);
    expect(parsed?.errorCount).toBe(25);
    expect(parsed?.check).toBe('quick_check');
  });

  it.each([[137], [135]])('killed by a signal (exit %i): no verdict, never "corrupt"', (exitCode) => {
    expect(readCheckAnswer(result(exitCode, ''), 'quick_check', '/data/app.db')).toMatchObject({
      verdict: 'no-verdict',
      errors: [`sqlite3 was killed (exit ${exitCode}) while running quick_check on /data/app.db: no verdict`],
    });
  });

  it('no sqlite3 in the image: no answer at all', () => {
    expect(readCheckAnswer(result(127, 'exec: "sqlite3": executable file not found'), 'quick_check', '/data/app.db')).toBeNull();
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
  it.each([
    [126, true],
    [127, true],
    [1, false],
    [0, false],
  ])('exit %i → %s', (exitCode, expected) => {
    expect(isMissingBinary(result(exitCode, ''))).toBe(expected);
  });
});
