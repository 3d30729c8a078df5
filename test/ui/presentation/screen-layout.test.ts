import { describe, expect, it } from 'vitest';
import { chooseLayout, FINISHED_LAYOUTS, LIVE_LAYOUTS } from '../../../src/ui/presentation/screen-layout.js';

describe('chooseLayout', () => {
  // A stand-in measure: each layout is one row shorter than the one before it, from 30 rows down.
  const measure = (layouts: typeof LIVE_LAYOUTS) => (layout: (typeof LIVE_LAYOUTS)[number]) => 30 - layouts.indexOf(layout);

  it.each([
    ['unknown rows (not a terminal): the richest', undefined, 0],
    ['room to spare: the richest', 60, 0],
    ['the first that leaves one row free', 30, 1],
    ['a tighter fit', 27, 4],
    ['nothing fits: the sparest', 5, LIVE_LAYOUTS.length - 1],
  ])('%s', (_name, rows, expected) => {
    expect(chooseLayout(LIVE_LAYOUTS, rows, measure(LIVE_LAYOUTS))).toBe(LIVE_LAYOUTS[expected]);
  });

  it.each([
    ['live', LIVE_LAYOUTS],
    ['finished', FINISHED_LAYOUTS],
  ])('%s layouts only ever give things up, never take them back', (_name, layouts) => {
    for (const [index, layout] of layouts.entries()) {
      if (index === 0) continue;
      const before = layouts[index - 1];
      expect(layout.whyLines).toBeLessThanOrEqual(before.whyLines);
      expect(layout.outputLines).toBeLessThanOrEqual(before.outputLines);
      expect(layout.maxFindings).toBeLessThanOrEqual(before.maxFindings);
      for (const flag of ['hasGaps', 'hasStepSummaries', 'hasCommandBorder', 'hasSummaryBorder', 'hasSummaryGaps'] as const) {
        if (!before[flag]) expect(layout[flag]).toBe(false);
      }
      if (before.isStepListCollapsed) expect(layout.isStepListCollapsed).toBe(true);
    }
  });
});

describe('LIVE_LAYOUTS', () => {
  it('never collapse the step list: that is for a finished run only', () => {
    expect(LIVE_LAYOUTS.every((layout) => !layout.isStepListCollapsed)).toBe(true);
    expect(FINISHED_LAYOUTS.some((layout) => layout.isStepListCollapsed)).toBe(true);
  });
});
