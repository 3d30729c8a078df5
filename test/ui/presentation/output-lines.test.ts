import { describe, expect, it } from 'vitest';
import type { CommandRecord } from '../../../src/runbook/events.js';
import type { StepView } from '../../../src/runbook/view.js';
import { clampScroll, getOutputRows, OUTPUT_LINE_MAX_ROWS } from '../../../src/ui/presentation/output-lines.js';

const step = (extra: Partial<StepView>): StepView => ({
  id: 'test-backups',
  title: 'Test every backup',
  why: '',
  mutates: false,
  skippable: true,
  commands: ['docker exec app-prod find /data/backups -maxdepth 1 -type f'],
  status: 'ok',
  output: [],
  ...extra,
});

const find: CommandRecord = {
  action: { kind: 'argv', where: 'container', container: 'app-prod', argv: ['find', '/data/backups', '-type', 'f'], mutates: false },
  phase: 'action',
  exitCode: 0,
  durationMs: 120,
};
const check: CommandRecord = {
  action: {
    kind: 'argv',
    where: 'container',
    container: 'app-prod',
    argv: ['sqlite3', '-readonly', '/data/backups/a.db', 'PRAGMA quick_check;'],
    mutates: false,
    when: 'for every backup',
  },
  phase: 'probe',
  exitCode: 1,
  durationMs: 2100,
  error: 'database disk image is malformed',
};

describe('getOutputRows', () => {
  it('the commands as they ran, each with how it ended, then every line of output', () => {
    const rows = getOutputRows(step({ ran: [find, check], log: ['CORRUPT /data/backups/a.db: 3 error(s)'] }), 80);
    expect(rows).toEqual([
      { text: 'Commands run (2)', tone: 'heading' },
      { text: '$ docker exec app-prod find /data/backups -type f', tone: 'command' },
      { text: '  ✔ exit 0 · 120ms · action', tone: 'status' },
      { text: "$ docker exec app-prod sqlite3 -readonly /data/backups/a.db 'PRAGMA", tone: 'command' },
      { text: "  quick_check;'   # for every backup", tone: 'command' },
      { text: '  ✘ exit 1 · 2.1s · probe · database disk image is malformed', tone: 'failure' },
      { text: 'Output (1 line)', tone: 'heading' },
      { text: 'CORRUPT /data/backups/a.db: 3 error(s)', tone: 'output' },
    ]);
  });

  it('before it ran: the commands it will run, and that nothing ran yet', () => {
    expect(getOutputRows(step({ status: 'pending' }), 80)).toEqual([
      { text: 'Commands it will run', tone: 'heading' },
      { text: '$ docker exec app-prod find /data/backups -maxdepth 1 -type f', tone: 'command' },
      { text: 'Output', tone: 'heading' },
      { text: '  not run yet', tone: 'note' },
    ]);
  });

  it('a line longer than the screen can hold is cut and the rest counted', () => {
    const rows = getOutputRows(step({ commands: [], log: ['x'.repeat(80 * (OUTPUT_LINE_MAX_ROWS + 5))] }), 80);
    expect(rows.filter((row) => row.tone === 'output')).toHaveLength(OUTPUT_LINE_MAX_ROWS);
    expect(rows.at(-1)).toEqual({ text: '… (5 more rows of this line in the record)', tone: 'note' });
  });
});

describe('clampScroll', () => {
  it.each<[number | 'end', number, number, number]>([
    [0, 40, 10, 0],
    [5, 40, 10, 5],
    [35, 40, 10, 30],
    [-3, 40, 10, 0],
    ['end', 40, 10, 30],
    ['end', 4, 10, 0],
  ])('top %j of %i rows, %i a page: %i', (top, total, page, expected) => {
    expect(clampScroll(top, total, page)).toBe(expected);
  });
});
