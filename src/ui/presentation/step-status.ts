// How each step status looks in a list: a glyph, a color name Ink understands, and a word for screen readers and logs.
import type { StepStatus, StepVerdict } from '../../runbook/events.js';
import type { StepView } from '../../runbook/view.js';
import { firstLine } from './wrap-text.js';

export interface StatusLook {
  glyph: string;
  color: string;
  label: string;
}

const LOOKS: Record<StepStatus, StatusLook> = {
  pending: { glyph: '·', color: 'gray', label: 'pending' },
  running: { glyph: '⠋', color: 'cyan', label: 'running' },
  ok: { glyph: '✔', color: 'green', label: 'ok' },
  failed: { glyph: '✘', color: 'red', label: 'failed' },
  skipped: { glyph: '↷', color: 'yellow', label: 'skipped' },
  'not-performed': { glyph: '○', color: 'blue', label: 'not performed' },
};

export function getStatusLook(status: StepStatus): StatusLook {
  return LOOKS[status];
}

const VERDICT_LOOKS: Record<StepVerdict['tone'], Omit<StatusLook, 'label'>> = {
  good: { glyph: '✔', color: 'green' },
  bad: { glyph: '✘', color: 'red' },
  warn: { glyph: '!', color: 'yellow' },
};

// A step that ran fine is shown by what it found: a corrupt live database is a red ✘ "corrupt (4 errors)", not a ✔.
export function getStepLook(step: Pick<StepView, 'status' | 'verdict'>): StatusLook {
  if (step.status !== 'ok' || !step.verdict) return LOOKS[step.status];
  return { ...VERDICT_LOOKS[step.verdict.tone], label: step.verdict.label };
}

/** The verdict's words beside a step that ran, e.g. "corrupt (3 errors)"; nothing for a step with no verdict. */
export function getVerdictLabel(step: Pick<StepView, 'status' | 'verdict'>): string | undefined {
  return step.status === 'ok' ? step.verdict?.label : undefined;
}

// Once the run is over and rows are short, the list becomes one line: how many steps ended which way.
export function getStepTally(steps: StepView[]): string {
  const groups = new Map<string, { glyph: string; word: string; count: number }>();
  for (const step of steps) {
    const { glyph } = getStepLook(step);
    const word = step.status === 'ok' && step.verdict ? TONE_WORDS[step.verdict.tone] : WORDS[step.status];
    const group = groups.get(`${glyph} ${word}`) ?? { glyph, word, count: 0 };
    group.count += 1;
    groups.set(`${glyph} ${word}`, group);
  }
  return `${steps.length} steps: ${[...groups.values()].map(({ glyph, word, count }) => `${glyph} ${count} ${word}`).join(' · ')}`;
}

const WORDS: Record<StepStatus, string> = {
  pending: 'not run',
  running: 'running',
  ok: 'done',
  failed: 'failed',
  skipped: 'skipped',
  'not-performed': 'not performed',
};

const TONE_WORDS: Record<StepVerdict['tone'], string> = { good: 'done', bad: 'found damage', warn: 'found a problem' };

export function isStepDone(status: StepStatus): boolean {
  return status === 'ok' || status === 'failed' || status === 'skipped' || status === 'not-performed';
}

// The line under a step in the list: its error once failed, what it found or did once over, nothing before.
// Only the first line: a multi-line message (a listing of candidates) must not push the list down.
export function getStepSummaryLine(step: StepView): string | undefined {
  const line = step.status === 'failed' ? step.error?.message : step.status === 'pending' ? undefined : step.summary;
  return line ? firstLine(line) : undefined;
}
