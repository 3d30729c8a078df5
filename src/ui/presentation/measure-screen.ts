// Counts the rows each part of the screen takes under a layout, mirroring what App and its components draw:
// text a component wraps itself (wrapText, getWhyLines…) is counted with the same function, text Ink wraps
// with countInkRows.
import type { Prompt } from '../../runbook/events.js';
import type { RunSummary, RunView, StepView } from '../../runbook/view.js';
import { getCommandLines, getCommandWidth, getErrorLines, getWhyLines } from './detail-lines.js';
import { HELP_DRY_RUN_NOTE, HELP_GLYPHS, HELP_KEY_COLUMN, HELP_KEYS, HELP_NOTES } from './help-text.js';
import type { ScreenLayout } from './screen-layout.js';
import { getStepSummaryLine } from './step-status.js';
import { countInkRows, wrapText } from './wrap-text.js';

const HEADER_ROWS = 2;


export function measureStepList(steps: StepView[], hasSummaries: boolean): number {
  return steps.length + (hasSummaries ? steps.filter((step) => getStepSummaryLine(step) !== undefined).length : 0);
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
    (step.progress ? 1 : 0) +
    Math.min(step.output.length, layout.outputLines) +
    errorRows
  );
}

export function measurePrompt(prompt: Prompt, columns: number): number {
  switch (prompt.kind) {
    case 'select':
      // The question, each option with its hint (indented 4), and the one-line key legend.
      return (
        wrapText(`? ${prompt.message}`, columns).length +
        prompt.options.reduce((rows, option) => rows + countInkRows(`❯ ${option.label}`, columns) + (option.hint ? countInkRows(option.hint, columns - 4) : 0), 0) +
        1
      );
    case 'confirm-typed':
      // The warning, what to type, the typed text, a mismatch line kept free for a wrong Enter, the key legend.
      return wrapText(`⚠ ${prompt.message}`, columns).length + countInkRows(`Type ${prompt.expected} to confirm:`, columns) + 3;
    case 'yes-no':
      return countInkRows(`? ${prompt.message} (y/N)`, columns);
    case 'path':
      // The question, the typed path, each suggestion, the key legend.
      return wrapText(`? ${prompt.message}`, columns).length + 1 + prompt.suggestions.length + 1;
    case 'secret':
      return wrapText(`? ${prompt.message}`, columns).length + 2;
  }
}

export function measureSummary(summary: RunSummary, layout: ScreenLayout, columns: number): number {
  const inner = layout.hasSummaryBorder ? columns - 4 : columns;
  const gap = layout.hasSummaryGaps ? 1 : 0;
  const shownFindings = Math.min(summary.findings.length, layout.maxFindings);
  const findingRows =
    summary.findings.length === 0 ? 0 : shownFindings === 0 ? gap + 1 : gap + 1 + shownFindings + (shownFindings < summary.findings.length ? 1 : 0);
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
  const rows = (lines: Array<[string, string]>) => lines.reduce((sum, [press, meaning]) => sum + countInkRows(press.padEnd(HELP_KEY_COLUMN) + meaning, inner), 0);
  const notes = [...HELP_NOTES, ...(isDryRun ? [HELP_DRY_RUN_NOTE] : [])].reduce((sum, note) => sum + countInkRows(note, inner), 0);
  return 2 + 1 + rows(HELP_KEYS) + 1 + rows(HELP_GLYPHS) + 1 + notes;
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

// The frame's height in rows: header, then help, or steps with the summary, or steps with detail and prompt.
export function measureScreen({ view, focusStep, isShowingHelp, hasFooter, columns }: ScreenParts, layout: ScreenLayout): number {
  const gap = layout.hasGaps ? 1 : 0;
  const footer = hasFooter ? gap + 1 : 0;
  if (isShowingHelp) return HEADER_ROWS + gap + measureHelp(view.isDryRun, columns) + footer;
  const steps = gap + measureStepList(view.steps, layout.hasStepSummaries);
  if (view.finished) return HEADER_ROWS + steps + gap + measureSummary(view.finished, layout, columns) + footer;
  const detail = focusStep ? measureStepDetail(focusStep, layout, columns, view.isDryRun) : 1;
  const prompt = view.prompt ? gap + measurePrompt(view.prompt, columns) : 0;
  return HEADER_ROWS + steps + gap + detail + prompt + footer;
}
