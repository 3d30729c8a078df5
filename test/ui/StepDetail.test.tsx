import React from 'react';
import { describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import { StepDetail } from '../../src/ui/StepDetail.js';
import { stepView } from './fixtures.js';
import { renderInTerminal } from './render-in-terminal.js';
import { plain } from './wait-for.js';

const border = (left: string, right: string) => left + '─'.repeat(98) + right;
const boxed = (text: string) => `│ ${text.padEnd(96)} │`;

describe('StepDetail', () => {
  it('shows why, the commands in a box, progress and live output while running', () => {
    const step = stepView(2, 'running', {
      progress: { done: 20 * 1024 * 1024, total: 40 * 1024 * 1024, unit: 'bytes', rate: 5 * 1024 * 1024, etaSec: 4 },
      output: ['sent 20 MiB', 'sha256 pending'],
    });
    const { lastFrame } = render(<StepDetail step={step} />);
    expect(plain(lastFrame())).toBe(
      [
        'Running: Upload the healthy local copy  ⚠ changes',
        'The local snapshot passed integrity_check; it goes beside the live file under a temporary name.',
        border('╭', '╮'),
        boxed('$ docker cp ./app.snapshot.db app-prod:/data/app.db.rescue-tmp'),
        border('╰', '╯'),
        '███████████████░░░░░░░░░░░░░░░  50%  20.0 MiB / 40.0 MiB  5.0 MiB/s  ETA 0:04',
        'sent 20 MiB',
        'sha256 pending',
      ].join('\n'),
    );
  });

  it('shows the error with its hint and the state things are left in', () => {
    const step = stepView(1, 'failed', {
      error: { message: 'integrity_check: 3 errors', hint: 'restore from a healthy copy', state: 'nothing was changed' },
    });
    const frame = plain(render(<StepDetail step={step} />).lastFrame());
    expect(frame).toContain('Failed: Check the live database');
    expect(frame.split('\n').slice(-3)).toEqual([
      '✘ integrity_check: 3 errors',
      'hint: restore from a healthy copy',
      'state: nothing was changed',
    ]);
  });

  it('shows every command and says a dry-run would only print a mutating one', () => {
    const frame = plain(render(<StepDetail step={stepView(3, 'pending')} isDryRun />).lastFrame());
    expect(frame).toContain('Next: Swap in the verified copy  ⚠ changes');
    expect(frame).toContain(boxed('would run (dry-run: not performed)'));
    expect(frame).toContain(boxed('$ docker stop app-prod'));
    expect(frame).toContain(boxed('$ docker start app-prod'));
  });

  it('within a layout: the why cut to its lines with …, commands one line each without a box, the latest output', () => {
    const step = stepView(3, 'running', { output: ['stopping app-prod', 'app-prod exited', 'moving app.db', 'moving app.db-wal'] });
    const layout = { whyLines: 1, outputLines: 2, commands: 'truncate', hasCommandBorder: false } as const;
    const frame = plain(renderInTerminal(<StepDetail step={step} columns={40} layout={layout} />, { columns: 40, rows: 24 }).lastFrame());
    expect(frame).toBe(
      [
        'Running: Swap in the verified copy  ⚠ c…',
        'The corrupt file and its -wal/-shm move…',
        '$ docker stop app-prod',
        '$ mv /data/app.db /data/quarantine/',
        '$ mv /data/app.db.rescue-tmp /data/app.…',
        '$ docker start app-prod',
        'moving app.db',
        'moving app.db-wal',
      ].join('\n'),
    );
  });

  it('within a layout that hides commands, and wraps an error at the given width', () => {
    const step = stepView(2, 'failed', {
      error: { message: 'sha256 differs after transfer', hint: 'retry the upload', state: 'the live file is untouched' },
    });
    const layout = { whyLines: 0, outputLines: 0, commands: 'hidden', hasCommandBorder: false } as const;
    expect(plain(renderInTerminal(<StepDetail step={step} columns={20} layout={layout} />, { columns: 20, rows: 24 }).lastFrame())).toBe(
      [
        'Failed: Upload the …',
        '',
        '✘ sha256 differs',
        'after transfer',
        'hint: retry the',
        'upload',
        'state: the live file',
        'is untouched',
      ].join('\n'),
    );
  });

  it('wraps a long why to the terminal width', () => {
    const why = 'word '.repeat(40).trim();
    const frame = plain(render(<StepDetail step={stepView(4, 'pending', { why })} />).lastFrame());
    expect(
      frame
        .split('\n')
        .slice(1, 3)
        .every((line) => line.length <= 100 && line.startsWith('word')),
    ).toBe(true);
  });
});
