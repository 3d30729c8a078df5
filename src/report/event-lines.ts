// Human text for runs without the TUI (--yes, --json's stderr): one line per thing worth a glance. Pure.
import type { RunEvent } from '../runbook/events.js';

const titles = new Map<string, string>();

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export function formatEventLine(event: RunEvent): string | undefined {
  switch (event.type) {
    case 'run-started':
      for (const step of event.steps) titles.set(step.id, step.title);
      return `sqlite-rescue ${event.dryRun ? 'DRY-RUN ' : ''}${event.runbook} on ${event.target} — incident ${event.incidentId}, record in ${event.incidentDir}`;
    case 'step-started':
      return `▶ ${titles.get(event.stepId) ?? event.stepId}`;
    case 'step-output':
      return `    ${event.line}`;
    case 'step-succeeded':
      return `  ✔ ${event.summary} (${seconds(event.durationMs)})`;
    case 'step-not-performed':
      return [`  ○ not performed: ${event.summary}`, ...event.commands.map((command) => `      $ ${command}`)].join('\n');
    case 'step-failed':
      return [
        `  ✘ ${event.message}`,
        event.hint ? `    what to do: ${event.hint}` : undefined,
        event.state ? `    state: ${event.state}` : undefined,
      ]
        .filter(Boolean)
        .join('\n');
    case 'step-skipped':
      return `  ↷ skipped: ${event.reason}`;
    case 'run-finished':
      return [
        `${event.exitCode === 0 ? '✔' : '✘'} ${event.headline} (exit ${event.exitCode})`,
        event.downtimeMs === undefined ? undefined : `  downtime (stop → start): ${seconds(event.downtimeMs)}`,
        `  record: ${event.incidentDir}`,
      ]
        .filter(Boolean)
        .join('\n');
    default:
      return undefined;
  }
}
