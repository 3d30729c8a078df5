import React from 'react';
import { describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import { Summary } from '../../src/ui/Summary.js';
import { Help } from '../../src/ui/Help.js';
import { renderInTerminal } from './render-in-terminal.js';
import { plain } from './wait-for.js';

const line = (text: string) => `│ ${text.padEnd(96)} │`;
const edge = (left: string, right: string) => left + '─'.repeat(98) + right;

describe('Summary', () => {
  it('a successful recovery: headline, exit meaning, findings, actions, downtime, record', () => {
    const summary = {
      exitCode: 0,
      headline: 'Recovered: /data/app.db verified, app-prod writes again',
      downtimeMs: 125_000,
      incidentDir: './incidents/20250101T020000Z',
      findings: ['live database: 3 integrity errors', 'all 4 backups fail integrity_check (copied while the -wal was live)'],
      actions: ['uploaded app.snapshot.db (40.0 MiB, sha256 matches)', 'quarantined app.db, app.db-wal, app.db-shm; swapped in the copy'],
    };
    expect(plain(render(<Summary summary={summary} />).lastFrame())).toBe(
      [
        edge('╭', '╮'),
        line('✔ Recovered: /data/app.db verified, app-prod writes again'),
        line('exit 0: done and verified'),
        line(''),
        line('Findings'),
        line('  • live database: 3 integrity errors'),
        line('  • all 4 backups fail integrity_check (copied while the -wal was live)'),
        line(''),
        line('Actions'),
        line('  • uploaded app.snapshot.db (40.0 MiB, sha256 matches)'),
        line('  • quarantined app.db, app.db-wal, app.db-shm; swapped in the copy'),
        line(''),
        line('Downtime  2m 05s (app stopped → started)'),
        line('Record    ./incidents/20250101T020000Z'),
        edge('╰', '╯'),
      ].join('\n'),
    );
  });

  it('a dry-run that found the target unhealthy, with no downtime and nothing changed', () => {
    const summary = {
      exitCode: 4,
      headline: 'Dry run: the live database is corrupt',
      incidentDir: './incidents/x',
      findings: [],
      actions: [],
    };
    const frame = plain(render(<Summary summary={summary} isDryRun />).lastFrame());
    expect(frame).toContain(line('✘ Dry run: the live database is corrupt'));
    expect(frame).toContain(line('exit 4: dry-run found the target unhealthy'));
    expect(frame).toContain(line('Actions (dry-run)'));
    expect(frame).toContain(line('  nothing was changed'));
    expect(frame).not.toContain('Findings');
    expect(frame).not.toContain('Downtime');
  });
});

describe('Summary with many findings', () => {
  const findings = [
    ...Array.from({ length: 6 }, (_, index) => `finding ${index + 1}`),
    'quarantine manifest (sha256):\n1c2d…  /data/rescue-quarantine/x/app.db\n3e4f…  /data/rescue-quarantine/x/app.db-wal',
    'verified: integrity ok, every snapshot row present, the app wrote a row',
  ];
  const summary = {
    exitCode: 0,
    headline: 'restored and verified',
    downtimeMs: 3460,
    incidentDir: './incidents/x',
    findings,
    actions: ['stopped app-prod in 1.2 s'],
  };

  it('lists the last five with the lines they hold (the quarantine manifest), and counts the others', () => {
    const frame = plain(render(<Summary summary={summary} />).lastFrame());
    expect(frame).toContain(
      [
        line('Findings'),
        line('  • finding 4'),
        line('  • finding 5'),
        line('  • finding 6'),
        line('  • quarantine manifest (sha256):'),
        line('    1c2d…  /data/rescue-quarantine/x/app.db'),
        line('    3e4f…  /data/rescue-quarantine/x/app.db-wal'),
        line('  • verified: integrity ok, every snapshot row present, the app wrote a row'),
        line('  (3 more findings in report.md)'),
      ].join('\n'),
    );
    expect(frame).toContain(line('Downtime  3.5s (app stopped → started)'));
  });

  it('where rows are short: no border or gaps, long lines cut, the findings only counted', () => {
    const long = { ...summary, actions: ['moved 3 file(s) to /data/rescue-quarantine/20250101T020000Z; snapshot renamed to /data/app.db'] };
    const layout = { hasSummaryBorder: false, hasSummaryGaps: false, maxFindings: 0 };
    expect(plain(render(<Summary summary={long} layout={layout} />).lastFrame())).toBe(
      [
        '✔ restored and verified',
        'exit 0: done and verified',
        'Findings (8 in report.md)',
        'Actions',
        '  • moved 3 file(s) to /data/rescue-quarantine/20250101T020000Z; snapshot renamed to /data/app.db',
        'Downtime  3.5s (app stopped → started)',
        'Record    ./incidents/x',
      ].join('\n'),
    );
    const narrow = plain(renderInTerminal(<Summary summary={long} layout={layout} columns={60} />, { columns: 60, rows: 24 }).lastFrame());
    expect(narrow.split('\n')[4]).toBe('  • moved 3 file(s) to /data/rescue-quarantine/20250101T020…');
  });
});

describe('Help', () => {
  it('lists the keys and explains dry-run only in a dry-run', () => {
    const normal = plain(render(<Help />).lastFrame());
    expect(normal).toContain('s       skip the step');
    expect(normal).not.toContain('DRY RUN');
    expect(plain(render(<Help isDryRun />).lastFrame())).toContain('DRY RUN');
  });
});
