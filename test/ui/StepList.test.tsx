import React from 'react';
import { describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import { StepList } from '../../src/ui/StepList.js';
import { SPINNER_FRAMES } from '../../src/ui/Spinner.js';
import { stepView } from './fixtures.js';
import { plain } from './wait-for.js';

const spinnerGlyph = new RegExp(`[${SPINNER_FRAMES.join('')}]`, 'g');

describe('StepList', () => {
  it('shows every state with its glyph, duration, summary and the changes mark', () => {
    const steps = [
      stepView(0, 'ok', { durationMs: 1240, summary: 'app-prod (running, mounts /data/app.db); 2 PR previews ranked lower' }),
      stepView(1, 'failed', { durationMs: 380, error: { message: 'integrity_check: 3 errors in page 12' } }),
      stepView(2, 'running'),
      stepView(3, 'not-performed', { summary: 'would quarantine app.db, app.db-wal and rename the copy in' }),
      stepView(4, 'skipped', { summary: 'skipped by the operator' }),
    ];
    const { lastFrame } = render(<StepList steps={steps} focusStepId="copy-local" />);
    expect(plain(lastFrame()).replace(spinnerGlyph, '*')).toBe(
      [
        '  ✔ Find the container  1.2s',
        '    app-prod (running, mounts /data/app.db); 2 PR previews ranked lower',
        '  ✘ Check the live database  380ms',
        '    integrity_check: 3 errors in page 12',
        '› * Upload the healthy local copy  ⚠ changes',
        '  ○ Swap in the verified copy  ⚠ changes  not performed',
        '    would quarantine app.db, app.db-wal and rename the copy in',
        '  ↷ Prove the app writes again  skipped',
        '    skipped by the operator',
      ].join('\n'),
    );
  });

  it('leaves the summary lines out where rows are short, and never shows more than a first line', () => {
    const steps = [
      stepView(0, 'failed', {
        durationMs: 900,
        error: { message: '2 containers match "app" and look like production:\napp-prod\napp-prod-old' },
      }),
      stepView(1, 'ok', { durationMs: 380, summary: 'corrupt: 3 error(s)' }),
    ];
    expect(plain(render(<StepList steps={steps} />).lastFrame())).toBe(
      [
        '  ✘ Find the container  900ms',
        '    2 containers match "app" and look like production:',
        '  ✔ Check the live database  380ms',
        '    corrupt: 3 error(s)',
      ].join('\n'),
    );
    expect(plain(render(<StepList steps={steps} hasSummaries={false} />).lastFrame())).toBe(
      ['  ✘ Find the container  900ms', '  ✔ Check the live database  380ms'].join('\n'),
    );
  });

  it('shows pending steps as a dot with no summary', () => {
    const { lastFrame } = render(<StepList steps={[stepView(0, 'pending'), stepView(2, 'pending')]} />);
    expect(plain(lastFrame())).toBe(['  · Find the container', '  · Upload the healthy local copy  ⚠ changes'].join('\n'));
  });

  it('animates the running glyph', async () => {
    const { frames } = render(<StepList steps={[stepView(0, 'running')]} />);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const glyphs = new Set(frames.map((frame) => plain(frame).match(spinnerGlyph)?.[0]));
    expect(glyphs.size).toBeGreaterThan(1);
  });
});
