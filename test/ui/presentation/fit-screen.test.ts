import { describe, expect, it } from 'vitest';
import type { Prompt, SelectOption } from '../../../src/runbook/events.js';
import { emptyView, type RunView, type StepView } from '../../../src/runbook/view.js';
import { getWhyLines } from '../../../src/ui/presentation/detail-lines.js';
import { fitScreen } from '../../../src/ui/presentation/fit-screen.js';
import {
  measurePrompt,
  measurePromptArea,
  measurePromptMinimum,
  measureScreen,
  type ScreenParts,
} from '../../../src/ui/presentation/measure-screen.js';
import { LIVE_LAYOUTS } from '../../../src/ui/presentation/screen-layout.js';
import { getAvailableKeys, getFocusStep } from '../../../src/ui/presentation/screen-state.js';

const WHY = Array.from({ length: 12 }, (_, index) => `Sentence ${index + 1} of why this step exists and what it guards against.`).join(' ');

function step(id: string, extra: Partial<StepView> = {}): StepView {
  return { id, title: `Step ${id}`, why: 'short', mutates: false, skippable: false, commands: [], status: 'pending', output: [], ...extra };
}

function partsOf(view: RunView, columns = 80): ScreenParts {
  return { view, focusStep: getFocusStep(view), isShowingHelp: false, hasFooter: getAvailableKeys(view).length > 0, columns };
}

const started = (steps: StepView[], extra: Partial<RunView> = {}): RunView => ({ ...emptyView, incidentId: 'I', steps, ...extra });
const containers = (count: number): SelectOption[] =>
  Array.from({ length: count }, (_, index) => ({
    value: `c${index}`,
    label: `app-pr-${index}  ghcr.io/acme/app:1.4  running`,
    hint: `preview: pr-${index} in the name`,
  }));
const pick = (options: SelectOption[], initialIndex = 0): Prompt => ({
  kind: 'select',
  id: 'p',
  stepId: 'a',
  message: 'Which container?',
  options,
  initialIndex,
});

describe('fitScreen', () => {
  it('unknown rows (not a terminal): the richest layout, the prompt unbounded', () => {
    const fit = fitScreen(partsOf(started([step('a')])), LIVE_LAYOUTS, undefined);
    expect(fit).toEqual({ layout: LIVE_LAYOUTS[0], promptRows: Number.POSITIVE_INFINITY });
  });

  it('room to spare: the richest layout, and the prompt may grow into every row left', () => {
    const view = started([step('a', { status: 'running' })], { currentStepId: 'a', prompt: pick(containers(2)) });
    const fit = fitScreen(partsOf(view), LIVE_LAYOUTS, 40);
    expect(fit.layout).toBe(LIVE_LAYOUTS[0]);
    const rest = measureScreen(partsOf(view), fit.layout) - measurePromptArea(partsOf(view), fit.layout);
    expect(rest + 1 + fit.promptRows).toBe(39);
    expect(fit.promptRows).toBeGreaterThan(measurePrompt(view.prompt as Prompt, 80));
  });

  // A long why on a screen that needs a sparser layout: every row the layout leaves free goes to the why.
  it.each(Array.from({ length: 19 }, (_, index) => 14 + index))('the why is never cut while a row is free (%i rows)', (rows) => {
    const steps = Array.from({ length: 8 }, (_, index) => step(String(index), index === 0 ? { why: WHY, status: 'running' } : {}));
    const parts = partsOf(started(steps, { currentStepId: '0' }));
    const { layout } = fitScreen(parts, LIVE_LAYOUTS, rows);
    const height = measureScreen(parts, layout);
    const whole = getWhyLines(WHY, 80, Number.POSITIVE_INFINITY).length;
    expect(height).toBeLessThanOrEqual(rows - 1);
    if (layout.whyLines < whole) expect(height, `why cut at ${layout.whyLines} with ${rows - 1 - height} rows free`).toBe(rows - 1);
  });

  it.each([
    [24, 40],
    [24, 200],
    [30, 12],
    [16, 40],
  ])('a select longer than the screen (%i rows, %i options) scrolls in every row left, a few entries at least', (rows, count) => {
    const view = started([step('a', { status: 'running' }), step('b')], { currentStepId: 'a', prompt: pick(containers(count), 3) });
    const parts = partsOf(view);
    const { layout, promptRows } = fitScreen(parts, LIVE_LAYOUTS, rows);
    // An option takes two rows (label and hint): one row may stay free below the last whole one.
    expect(measureScreen(parts, layout, promptRows)).toBeLessThanOrEqual(rows - 1);
    expect(measureScreen(parts, layout, promptRows)).toBeGreaterThanOrEqual(rows - 2);
    expect(promptRows).toBeGreaterThanOrEqual(measurePromptMinimum(view.prompt as Prompt, 80));
  });

  it('rows a sparser layout leaves free do lengthen the why (the cases above are not all whole or all cut)', () => {
    const steps = Array.from({ length: 8 }, (_, index) => step(String(index), index === 0 ? { why: WHY, status: 'running' } : {}));
    const parts = partsOf(started(steps, { currentStepId: '0' }));
    const shown = [18, 20, 22, 24].map((rows) => fitScreen(parts, LIVE_LAYOUTS, rows).layout.whyLines);
    const bases = new Set(LIVE_LAYOUTS.map((layout) => layout.whyLines));
    expect(
      shown.some((lines) => !bases.has(lines)),
      `why lines ${shown.join(', ')}`,
    ).toBe(true);
  });

  it('before the run: the header and the question alone', () => {
    const prompt: Prompt = { kind: 'yes-no', id: 'q', stepId: 'pre-run', message: 'Do a dry-run first?', defaultYes: true };
    const parts = partsOf({ ...emptyView, prompt });
    expect(parts.hasFooter).toBe(false);
    expect(measureScreen(parts, fitScreen(parts, LIVE_LAYOUTS, 24).layout)).toBe(2 + 1 + 1);
  });
});
