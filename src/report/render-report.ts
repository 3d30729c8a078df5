// report.md from the event stream alone (pure), so a crashed run's events.ndjson still renders a record a person
// can paste into a postmortem.
import type { RunEvent, StepDecl } from '../runbook/events.js';
import { recordLine } from '../runbook/actions.js';

interface StepRow {
  decl: StepDecl;
  status: string;
  startedAt?: string;
  durationMs?: number;
  summary?: string;
  commands: string[];
}

/** Findings that start with this are what a dry-run could not simulate (see steps/dry-run-checks.ts). */
const CANNOT_TELL = 'dry-run could not tell:';

function formatMs(ms: number | undefined): string {
  if (ms === undefined) return '';
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function timeOf(at: string | undefined): string {
  return at ? at.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '';
}

interface DataLoss {
  chosen: string;
  loss: { totalMissing: number; perTable: Record<string, number | null> } | null;
  mergedFrom: { base: string; perTable: Record<string, { fromHealthy: number; fromSalvage: number }> } | null;
  candidates: Array<{ id: string; tables: Record<string, number>; loss: { totalMissing: number } | null }>;
}

// What the restore cost in rows, from choose-source's data-loss finding: every candidate side by side, the one taken,
// and for a merge where each table's rows came from.
function dataLossLines(events: readonly RunEvent[]): string[] {
  const finding = [...events]
    .reverse()
    .find((event) => event.type === 'finding' && (event.data as { dataLoss?: unknown } | undefined)?.dataLoss);
  if (!finding || finding.type !== 'finding') return [];
  const loss = (finding.data as { dataLoss: DataLoss }).dataLoss;
  const lines = [finding.text, '', '| candidate | rows | rows it lacks that the damaged database still holds |', '|---|---|---|'];
  for (const candidate of loss.candidates) {
    const rows = Object.values(candidate.tables).reduce((sum, count) => sum + count, 0);
    lines.push(
      `| ${candidate.id}${candidate.id === loss.chosen ? ' (taken)' : ''} | ${rows} | ${candidate.loss ? candidate.loss.totalMissing : 'not measured'} |`,
    );
  }
  if (loss.mergedFrom) {
    lines.push('', `Rows per table in the merge: from ${loss.mergedFrom.base} / from the salvage`, '');
    for (const [table, from] of Object.entries(loss.mergedFrom.perTable))
      lines.push(`- ${table}: ${from.fromHealthy} / ${from.fromSalvage}`);
  }
  return lines;
}

export function renderReport(events: readonly RunEvent[]): string {
  const started = events.find((event) => event.type === 'run-started');
  if (!started || started.type !== 'run-started') return '# Incident record\n\n(no run started)\n';
  const rows = new Map<string, StepRow>(started.steps.map((decl) => [decl.id, { decl, status: 'pending', commands: [] }]));
  const findings: string[] = [];
  let finished: Extract<RunEvent, { type: 'run-finished' }> | undefined;

  for (const event of events) {
    const row = 'stepId' in event ? rows.get(event.stepId) : undefined;
    switch (event.type) {
      case 'step-started':
        if (row) Object.assign(row, { status: 'running', startedAt: event.at, summary: undefined });
        break;
      case 'command': {
        const { action, phase, exitCode, durationMs, error } = event.command;
        const marker = phase === 'action' ? '' : `(${phase}) `;
        const result = error === undefined ? `exit ${exitCode}` : `failed: ${error.split('\n')[0]}`;
        row?.commands.push(`${marker}${recordLine(action)}  → ${result}, ${formatMs(durationMs)}`);
        break;
      }
      case 'listener-failed':
        findings.push(`- ${timeOf(event.at)} — ${event.listener} failed: ${event.message}`);
        break;
      case 'finding':
        findings.push(`- ${timeOf(event.at)} — ${event.text.replaceAll('\n', '\n  ')}`);
        break;
      case 'step-succeeded':
        if (row) Object.assign(row, { status: 'ok', durationMs: event.durationMs, summary: event.summary });
        break;
      case 'step-not-performed':
        if (row)
          Object.assign(row, {
            status: 'not performed (dry-run)',
            summary: `${event.summary}\n${event.commands.map((command) => `  $ ${command}`).join('\n')}`,
          });
        break;
      case 'step-failed':
        if (row)
          Object.assign(row, {
            status: 'FAILED',
            durationMs: event.durationMs,
            summary: `${event.message}${event.hint ? ` — ${event.hint}` : ''}${event.state ? ` — state: ${event.state}` : ''}`,
          });
        break;
      case 'step-skipped':
        if (row) Object.assign(row, { status: 'skipped', summary: event.reason });
        break;
      case 'run-finished':
        finished = event;
        break;
      default:
        break;
    }
  }

  const lines = [
    `# Incident ${started.incidentId}${started.dryRun ? ' (dry-run)' : ''}`,
    '',
    `- runbook: ${started.runbook}`,
    `- target: ${started.target}`,
    `- started: ${timeOf(started.at)}`,
    finished
      ? `- finished: ${timeOf(finished.at)} — exit ${finished.exitCode}: ${finished.headline}`
      : '- finished: not yet (or the run was interrupted: see events.ndjson)',
  ];
  if (finished?.downtimeMs !== undefined) lines.push(`- downtime (app stopped → started): ${formatMs(finished.downtimeMs)}`);
  lines.push('', '## Timeline', '', '| step | status | started | duration | result |', '|---|---|---|---|---|');
  for (const row of rows.values()) {
    const result = (row.summary ?? '').split('\n')[0].replaceAll('|', '\\|');
    lines.push(
      `| ${row.decl.title.replaceAll('|', '\\|')} | ${row.status} | ${timeOf(row.startedAt)} | ${formatMs(row.durationMs)} | ${result} |`,
    );
  }
  lines.push('', '## Findings', '', ...(findings.length > 0 ? findings : ['(none yet)']));
  const loss = dataLossLines(events);
  if (loss.length > 0) lines.push('', '## Data loss', '', ...loss);
  if (started.dryRun) {
    const unknowns = events.flatMap((event) =>
      event.type === 'finding' && event.text.startsWith(CANNOT_TELL) ? [`- ${event.text.slice(CANNOT_TELL.length).trim()}`] : [],
    );
    lines.push('', '## What this dry-run could not tell', '', ...(unknowns.length > 0 ? unknowns : ['(nothing listed)']));
  }
  lines.push('', '## Commands run', '');
  for (const row of rows.values()) {
    if (row.commands.length === 0 && !row.summary?.includes('\n')) continue;
    lines.push(`### ${row.decl.title}`, '', '```');
    lines.push(...row.commands);
    if (row.summary?.includes('\n')) lines.push(row.summary);
    lines.push('```', '');
  }
  return `${lines.join('\n')}\n`;
}
