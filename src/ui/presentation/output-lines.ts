// The output view's rows for one step: the commands it ran (each with how it ended) or, before it ran, the ones it
// will run; then every line of output it kept. Wrapped to the screen so that scrolling moves by rows.
import { displayLine } from '../../runbook/actions.js';
import type { CommandRecord } from '../../runbook/events.js';
import type { StepView } from '../../runbook/view.js';
import { formatDuration } from './format.js';
import { wrapText } from './wrap-text.js';

export interface OutputRow {
  text: string;
  tone: 'heading' | 'command' | 'status' | 'failure' | 'output' | 'note';
}

/** A line longer than this many rows is cut: a binary blob printed by mistake must not bury the rest. */
export const OUTPUT_LINE_MAX_ROWS = 20;

function describeRecord(record: CommandRecord): OutputRow {
  const ended = `exit ${record.exitCode} · ${formatDuration(record.durationMs)} · ${record.phase}`;
  if (record.exitCode === 0 && record.error === undefined) return { text: `  ✔ ${ended}`, tone: 'status' };
  return { text: `  ✘ ${ended}${record.error ? ` · ${record.error}` : ''}`, tone: 'failure' };
}

function wrapRows(text: string, columns: number, tone: OutputRow['tone'], indent = ''): OutputRow[] {
  const rows = wrapText(text, columns - indent.length).map((line) => ({ text: `${indent}${line}`, tone }));
  if (rows.length <= OUTPUT_LINE_MAX_ROWS) return rows;
  const hidden = rows.length - OUTPUT_LINE_MAX_ROWS;
  return [...rows.slice(0, OUTPUT_LINE_MAX_ROWS), { text: `${indent}… (${hidden} more rows of this line in the record)`, tone: 'note' }];
}

function commandRows(line: string, columns: number): OutputRow[] {
  return wrapText(line, columns - 2).map((text, index) => ({ text: `${index === 0 ? '$ ' : '  '}${text}`, tone: 'command' }));
}

export function getOutputRows(step: StepView, columns: number): OutputRow[] {
  const ran = step.ran ?? [];
  const log = step.log ?? [];
  const rows: OutputRow[] = [];
  if (ran.length > 0) {
    rows.push({ text: `Commands run (${ran.length})`, tone: 'heading' });
    for (const record of ran) rows.push(...commandRows(displayLine(record.action), columns), describeRecord(record));
  } else if (step.commands.length > 0) {
    rows.push({ text: step.status === 'pending' ? 'Commands it will run' : 'Commands declared (none recorded as run)', tone: 'heading' });
    for (const command of step.commands) rows.push(...commandRows(command, columns));
  }
  rows.push({ text: log.length > 0 ? `Output (${log.length} line${log.length === 1 ? '' : 's'})` : 'Output', tone: 'heading' });
  if (log.length === 0) rows.push({ text: step.status === 'pending' ? '  not run yet' : '  nothing printed', tone: 'note' });
  for (const line of log) rows.push(...wrapRows(line, columns, 'output'));
  return rows;
}

/** The first row shown: `top` kept within the rows, or the last page while following the end. */
export function clampScroll(top: number | 'end', total: number, pageRows: number): number {
  const last = Math.max(0, total - pageRows);
  return top === 'end' ? last : Math.min(Math.max(0, top), last);
}
