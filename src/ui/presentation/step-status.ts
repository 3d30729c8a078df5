// How each step status looks in a list: a glyph, a color name Ink understands, and a word for screen readers and logs.
import type { StepStatus } from '../../runbook/events.js';

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
