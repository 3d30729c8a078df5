import { describe, expect, it } from 'vitest';
import type { StepStatus, StepVerdict } from '../../../src/runbook/events.js';
import type { StepView } from '../../../src/runbook/view.js';
import { getStepLook, getStepTally, getVerdictLabel } from '../../../src/ui/presentation/step-status.js';

const step = (status: StepStatus, verdict?: StepVerdict): StepView => ({
  id: 's',
  title: 's',
  why: '',
  mutates: false,
  skippable: false,
  commands: [],
  status,
  output: [],
  ...(verdict ? { verdict } : {}),
});

describe('getStepLook', () => {
  it.each<[string, StepView, string, string, string | undefined]>([
    ['ran fine, found nothing to judge', step('ok'), '✔', 'green', undefined],
    ['ran fine, found damage', step('ok', { tone: 'bad', label: 'corrupt (4 errors)' }), '✘', 'red', 'corrupt (4 errors)'],
    ['ran fine, found a problem', step('ok', { tone: 'warn', label: '3 of 7 healthy' }), '!', 'yellow', '3 of 7 healthy'],
    ['ran fine, found it healthy', step('ok', { tone: 'good', label: 'healthy' }), '✔', 'green', 'healthy'],
    ['failed: the failure wins', step('failed', { tone: 'good', label: 'healthy' }), '✘', 'red', undefined],
    ['pending', step('pending'), '·', 'gray', undefined],
  ])('%s', (_name, input, glyph, color, label) => {
    expect(getStepLook(input)).toMatchObject({ glyph, color });
    expect(getVerdictLabel(input)).toBe(label);
  });
});

describe('getStepTally', () => {
  it.each<[string, StepView[], string]>([
    ['all done', [step('ok'), step('ok'), step('ok', { tone: 'good', label: 'healthy' })], '3 steps: ✔ 3 done'],
    [
      'a recovery that found damage',
      [step('ok'), step('ok', { tone: 'bad', label: 'corrupt' }), step('ok', { tone: 'bad', label: '0 of 4' }), step('ok')],
      '4 steps: ✔ 2 done · ✘ 2 found damage',
    ],
    ['a failed run', [step('ok'), step('failed'), step('pending'), step('pending')], '4 steps: ✔ 1 done · ✘ 1 failed · · 2 not run'],
    [
      'a dry-run',
      [step('ok', { tone: 'warn', label: 'no backups' }), step('skipped'), step('not-performed')],
      '3 steps: ! 1 found a problem · ↷ 1 skipped · ○ 1 not performed',
    ],
  ])('%s', (_name, steps, expected) => {
    expect(getStepTally(steps)).toBe(expected);
  });
});
