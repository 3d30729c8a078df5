import React from 'react';
import { describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import { Summary } from '../../src/ui/Summary.js';
import { Help } from '../../src/ui/Help.js';
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
    const summary = { exitCode: 4, headline: 'Dry run: the live database is corrupt', incidentDir: './incidents/x', findings: [], actions: [] };
    const frame = plain(render(<Summary summary={summary} isDryRun />).lastFrame());
    expect(frame).toContain(line('✘ Dry run: the live database is corrupt'));
    expect(frame).toContain(line('exit 4: dry-run found the target unhealthy'));
    expect(frame).toContain(line('Actions (dry-run)'));
    expect(frame).toContain(line('  nothing was changed'));
    expect(frame).not.toContain('Findings');
    expect(frame).not.toContain('Downtime');
  });
});

describe('Help', () => {
  it('lists the keys and explains dry-run only in a dry-run', () => {
    const normal = plain(render(<Help />).lastFrame());
    expect(normal).toContain('s     skip the step');
    expect(normal).not.toContain('DRY RUN');
    expect(plain(render(<Help isDryRun />).lastFrame())).toContain('DRY RUN');
  });
});
