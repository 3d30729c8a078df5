import { describe, expect, it } from 'vitest';
import { FINDING_DETAIL_LINES, getFindingRows } from '../../../src/ui/presentation/finding-rows.js';

const sha = (char: string) => char.repeat(64);

describe('getFindingRows', () => {
  it.each<[string, string, string[]]>([
    ['one line', 'the live database is corrupt', ['  • the live database is corrupt']],
    [
      'a quarantine manifest: every file, its hash shortened',
      `quarantine manifest (sha256):\n${sha('a')}  /q/app.db\n${sha('b')}  /q/app.db-wal`,
      ['  • quarantine manifest (sha256):', `    ${'a'.repeat(12)}…  /q/app.db`, `    ${'b'.repeat(12)}…  /q/app.db-wal`],
    ],
    [
      'a long listing: cut, the rest counted',
      ['candidates:', ...Array.from({ length: FINDING_DETAIL_LINES + 2 }, (_, index) => `c${index}`)].join('\n'),
      [
        '  • candidates:',
        ...Array.from({ length: FINDING_DETAIL_LINES }, (_, index) => `    c${index}`),
        '    (2 more lines in report.md)',
      ],
    ],
  ])('%s', (_name, finding, expected) => {
    expect(getFindingRows(finding)).toEqual(expected);
  });
});
