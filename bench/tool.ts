// The tool itself: the built CLI, `restore --yes --json` over SSH as an operator runs it, with its NDJSON events read
// back and its peak memory sampled from /proc while it runs.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { recordLine } from '../src/runbook/actions.js';
import type { RunEvent } from '../src/runbook/events.js';
import { CLI_PATH } from '../test/support/cli.js';
import { TEST_ALIAS, type Sshd } from '../test/support/sshd/sshd.js';
import { sampleRss } from './measure.js';
import type { BenchOutage } from './outage.js';

export interface ToolRun {
  wallMs: number;
  steps: Map<string, number>;
  downtimeMs?: number;
  peakRssMb: number;
  events: RunEvent[];
  incidentId: string;
}

export async function runToolRestore(sshd: Sshd, outage: BenchOutage, cliPath = CLI_PATH, db = '/data/app.db'): Promise<ToolRun> {
  const incidentDir = path.join(outage.workDir, 'incident');
  const args = [cliPath, 'restore', '--yes', '--json', '--host', TEST_ALIAS, '--container', outage.production.name, '--db', db, '--local', outage.local, '--incident-dir', incidentDir];
  const started = performance.now();
  const child = execa('node', args, { env: { HOME: sshd.home, SSH_AUTH_SOCK: '' }, stdin: 'ignore', reject: false, timeout: 20 * 60_000 });
  const rss = sampleRss(child.pid as number);
  const result = await child;
  const wallMs = performance.now() - started;
  const { peakMb } = rss.stop();
  const events = String(result.stdout).split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as RunEvent);
  const incidentId = events.find((event): event is Extract<RunEvent, { type: 'run-started' }> => event.type === 'run-started')?.incidentId ?? '';
  // The upload folder the tool leaves on the "server" (this machine), under its incident id.
  if (incidentId) fs.rmSync(`/tmp/sqlite-rescue/${incidentId}`, { recursive: true, force: true });
  if (result.exitCode !== 0) {
    throw new Error(`restore exited ${result.exitCode}:\n${String(result.stderr).split('\n').slice(-25).join('\n')}`);
  }
  const steps = new Map<string, number>();
  for (const event of events) if (event.type === 'step-succeeded') steps.set(event.stepId, event.durationMs);
  const finished = events.find((event): event is Extract<RunEvent, { type: 'run-finished' }> => event.type === 'run-finished');
  return { wallMs, steps, downtimeMs: finished?.downtimeMs, peakRssMb: peakMb, events, incidentId };
}

/** The command events of a run, slowest first: where the time of each step goes. */
export function slowestCommands(run: ToolRun, atLeastMs: number): Array<{ stepId: string; line: string; ms: number }> {
  return run.events
    .filter((event): event is Extract<RunEvent, { type: 'command' }> => event.type === 'command' && event.command.durationMs >= atLeastMs)
    .map((event) => ({ stepId: event.stepId, line: recordLine(event.command.action).slice(0, 100), ms: event.command.durationMs }))
    .sort((a, b) => b.ms - a.ms);
}

/** Every event from `fromStep` starting to `toStep` succeeding, with the time since the previous one: where a gap is. */
export function timeline(run: ToolRun, fromStep: string, toStep: string): string[] {
  const lines: string[] = [];
  let inside = false;
  let previous: number | undefined;
  for (const event of run.events) {
    if (event.type === 'step-started' && event.stepId === fromStep) inside = true;
    if (!inside) continue;
    const at = Date.parse(event.at);
    const gap = previous === undefined ? 0 : at - previous;
    previous = at;
    let text: string = event.type;
    if (event.type === 'command') text = `command ${recordLine(event.command.action).slice(0, 90)} (${event.command.durationMs} ms)`;
    else if (event.type === 'step-output') text = `output: ${event.line.slice(0, 80)}`;
    else if (event.type === 'finding') text = `finding: ${event.text.slice(0, 80)}`;
    else if ('stepId' in event) text = `${event.type} ${event.stepId}`;
    if (event.type !== 'step-progress') lines.push(`+${String(gap).padStart(5)} ms  ${text}`);
    if (event.type === 'step-succeeded' && event.stepId === toStep) break;
  }
  return lines;
}
