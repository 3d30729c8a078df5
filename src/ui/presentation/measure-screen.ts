// Counts the rows each part of the screen takes under a layout, mirroring what App and its components draw:
// text a component wraps itself (wrapText, getWhyLines…) is counted with the same function, text Ink wraps
// with countInkRows.
import type { Prompt } from '../../runbook/events.js';
import type { RunSummary, RunView, StepView } from '../../runbook/view.js';
import { getCommandLines, getCommandWidth, getErrorLines, getWhyLines } from './detail-lines.js';
import { getFindingRows } from './finding-rows.js';
import { HELP_DRY_RUN_NOTE, HELP_GLYPH_LINES, HELP_KEY_COLUMN, HELP_NOTES, HELP_SECTIONS } from './help-text.js';
import { initialPathInput } from './path-input.js';
import { countPathRows, layoutPathPrompt, measurePathPrompt } from './path-layout.js';
import type { ScreenLayout } from './screen-layout.js';
import { hasRunStarted } from './screen-state.js';
import { countSelectRows, layoutSelect } from './select-layout.js';
import { getStepSummaryLine } from './step-status.js';
import { countWaitRows } from './wait-lines.js';
import { countInkRows, wrapText } from './wrap-text.js';

export const HEADER_ROWS = 2;

export function measureStepList(steps: StepView[], layout: Pick<ScreenLayout, 'hasStepSummaries' | 'isStepListCollapsed'>): number {
  if (layout.isStepListCollapsed) return 1;
  return steps.length + (layout.hasStepSummaries ? steps.filter((step) => getStepSummaryLine(step) !== undefined).length : 0);
}

export function measureStepDetail(step: StepView, layout: ScreenLayout, columns: number, isDryRun: boolean): number {
  const isWouldRun = step.mutates && (isDryRun || step.status === 'not-performed');
  const hasCommands = layout.commands !== 'hidden' && step.commands.length > 0;
  const commandRows = hasCommands
    ? (layout.hasCommandBorder ? 2 : 0) +
      (isWouldRun ? 1 : 0) +
      getCommandLines(step.commands, getCommandWidth(columns, layout.hasCommandBorder), layout.commands === 'truncate').length
    : 0;
  const error = step.error ? getErrorLines(step.error, columns) : undefined;
  const errorRows = error ? 1 + error.message.length + error.hint.length + error.state.length : 0;
  return (
    1 +
    getWhyLines(step.why, columns, layout.whyLines).length +
    commandRows +
    (step.waiting ? countWaitRows(step.waiting, columns) : 0) +
    (step.progress ? 1 : 0) +
    Math.min(step.output.length, layout.outputLines) +
    errorRows
  );
}

function measureSelect(prompt: Extract<Prompt, { kind: 'select' }>, columns: number, maxRows: number): number {
  const state = { highlighted: prompt.initialIndex, isFiltering: false, query: '', windowStart: 0 };
  return countSelectRows(layoutSelect(prompt.message, prompt.options, state, columns, maxRows));
}

/**
 * Rows a prompt is given, at most `maxRows`: what it draws at first plus rows it keeps free for what a key can add (a
 * mismatch, an error, Tab's matches), so that nothing moves or scrolls when they come.
 */
export function measurePrompt(prompt: Prompt, columns: number, maxRows = Number.POSITIVE_INFINITY): number {
  switch (prompt.kind) {
    case 'select':
      return measureSelect(prompt, columns, maxRows);
    case 'confirm-typed':
      // The warning, what to type, the typed text, a mismatch line kept free for a wrong Enter, the key legend.
      return wrapText(`⚠ ${prompt.message}`, columns).length + countInkRows(`Type ${prompt.expected} to confirm:`, columns) + 3;
    case 'yes-no':
      return countInkRows(`? ${prompt.message} (y/N)`, columns);
    case 'path':
      return Math.min(maxRows, measurePathPrompt(prompt.message, prompt.suggestions, columns));
    case 'secret':
      // The question, the masked field, a line kept free for "nothing typed", the key legend.
      return wrapText(`? ${prompt.message}`, columns).length + 3;
  }
}

/** Rows a prompt draws before the first key: measurePrompt less the rows it keeps free. */
export function measurePromptDrawn(prompt: Prompt, columns: number, maxRows = Number.POSITIVE_INFINITY): number {
  const measured = measurePrompt(prompt, columns, maxRows);
  switch (prompt.kind) {
    case 'confirm-typed':
    case 'secret':
      return measured - 1;
    case 'path':
      return countPathRows(
        layoutPathPrompt(prompt.message, prompt.suggestions, prompt.isEmptyAllowed, initialPathInput, columns, measured),
      );
    default:
      return measured;
  }
}

/** Rows of a prompt that can scroll when squeezed: its question, legend and a few entries; others need all they ask. */
export function measurePromptMinimum(prompt: Prompt, columns: number): number {
  const question = wrapText(`? ${prompt.message}`, columns).length;
  if (prompt.kind === 'select') return Math.min(measurePrompt(prompt, columns), question + 6 + 1);
  if (prompt.kind === 'path') return Math.min(measurePrompt(prompt, columns), question + 3 + 4);
  return measurePrompt(prompt, columns);
}

export function measureSummary(summary: RunSummary, layout: ScreenLayout, columns: number): number {
  const inner = layout.hasSummaryBorder ? columns - 4 : columns;
  const gap = layout.hasSummaryGaps ? 1 : 0;
  const shown = layout.maxFindings > 0 ? summary.findings.slice(-layout.maxFindings) : [];
  const shownRows = shown.reduce((rows, finding) => rows + getFindingRows(finding).length, 0);
  const findingRows =
    summary.findings.length === 0 ? 0 : gap + 1 + shownRows + (shown.length > 0 && shown.length < summary.findings.length ? 1 : 0);
  return (
    (layout.hasSummaryBorder ? 2 : 0) +
    wrapText(`✔ ${summary.headline}`, inner).length +
    1 +
    findingRows +
    gap +
    1 +
    Math.max(1, summary.actions.length) +
    gap +
    (summary.downtimeMs !== undefined ? 1 : 0) +
    countInkRows(`${'Record'.padEnd(10)}${summary.incidentDir}`, inner)
  );
}

export function measureHelp(isDryRun: boolean, columns: number): number {
  const inner = columns - 4;
  const keyRows = HELP_SECTIONS.reduce(
    (sum, section) =>
      sum + 1 + section.keys.reduce((rows, [press, meaning]) => rows + countInkRows(press.padEnd(HELP_KEY_COLUMN) + meaning, inner), 0),
    0,
  );
  const lines = [...HELP_GLYPH_LINES, ...HELP_NOTES, ...(isDryRun ? [HELP_DRY_RUN_NOTE] : [])];
  return 2 + keyRows + lines.reduce((sum, line) => sum + countInkRows(line, inner), 0);
}

export interface ScreenParts {
  view: RunView;
  /** The step the detail pane shows. */
  focusStep?: StepView;
  isShowingHelp: boolean;
  /** Whether the footer line shows (it is left out when it offers no key). */
  hasFooter: boolean;
  columns: number;
}

/** Rows of the prompt with the gap above it; 0 without a prompt. After the summary a prompt is a question about the run. */
export function measurePromptArea({ view, columns }: ScreenParts, layout: ScreenLayout, maxRows = Number.POSITIVE_INFINITY): number {
  if (!view.prompt) return 0;
  return (layout.hasGaps ? 1 : 0) + measurePrompt(view.prompt, columns, maxRows);
}

// The frame's height in rows: header, then help, or steps with the summary, or steps with detail and prompt; before
// the run, the header and the prompt alone.
export function measureScreen(parts: ScreenParts, layout: ScreenLayout, promptRows = Number.POSITIVE_INFINITY): number {
  const { view, focusStep, isShowingHelp, hasFooter, columns } = parts;
  const gap = layout.hasGaps ? 1 : 0;
  const footer = hasFooter ? gap + 1 : 0;
  if (isShowingHelp) return HEADER_ROWS + gap + measureHelp(view.isDryRun, columns) + footer;
  if (!hasRunStarted(view)) return HEADER_ROWS + (view.prompt ? measurePromptArea(parts, layout, promptRows) : gap + 1) + footer;
  const steps = gap + measureStepList(view.steps, layout);
  if (view.finished)
    return (
      HEADER_ROWS + steps + gap + measureSummary(view.finished, layout, columns) + measurePromptArea(parts, layout, promptRows) + footer
    );
  const detail = focusStep ? measureStepDetail(focusStep, layout, columns, view.isDryRun) : 1;
  return HEADER_ROWS + steps + gap + detail + measurePromptArea(parts, layout, promptRows) + footer;
}
