// How each step status looks in a list: a glyph, a color name Ink understands, and a word for screen readers and logs.
import type { StepStatus } from '../../runbook/events.js';
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

export function isStepDone(status: StepStatus): boolean {
  return status === 'ok' || status === 'failed' || status === 'skipped' || status === 'not-performed';
}

// The line under a step in the list: its error once failed, what it found or did once over, nothing before.
// Only the first line: a multi-line message (a listing of candidates) must not push the list down.
export function getStepSummaryLine(step: StepView): string | undefined {
  const line = step.status === 'failed' ? step.error?.message : step.status === 'pending' ? undefined : step.summary;
  return line ? firstLine(line) : undefined;
}
