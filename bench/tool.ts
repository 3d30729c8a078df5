// The tool itself: the built CLI, `restore --yes --json` over SSH as an operator runs it, with its NDJSON events read
// back and its peak memory sampled from /proc while it runs. A run that fails or refuses is a result too (its exit
// code and the end of its stderr), not a crash of the benchmark.
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
  exitCode: number;
  /** The last lines of stderr when the run did not end with exit 0. */
  failure?: string;
  wallMs: number;
  steps: Map<string, number>;
  /** As the record counts it: the stop returned → the start returned. */
  downtimeMs?: number;
  /** The stop's first command started → the start returned: the whole time the app is down by the tool's hand. */
  windowMs?: number;
  peakRssMb: number;
  /** The highest VmRSS seen while each step ran (sampled every 20 ms; a step shorter than that may be missing). */
  peakRssByStepMb: Map<string, number>;
  events: RunEvent[];
  incidentId: string;
}

type CommandEvent = Extract<RunEvent, { type: 'command' }>;

/** The flags both the --yes run and the interactive one are given. */
export function restoreArgs(outage: BenchOutage, incidentDir: string, db = '/data/app.db'): string[] {
  return ['--host', TEST_ALIAS, '--container', outage.production.name, '--db', db, '--local', outage.local, '--incident-dir', incidentDir];
}

export function readEvents(text: string): RunEvent[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as RunEvent);
}

/** Step durations, downtime and the stop → start window, from a run's events. */
export function summarizeEvents(events: RunEvent[]): Pick<ToolRun, 'steps' | 'downtimeMs' | 'windowMs' | 'incidentId'> {
  const steps = new Map<string, number>();
  for (const event of events) if (event.type === 'step-succeeded') steps.set(event.stepId, event.durationMs);
  const finished = events.find((event): event is Extract<RunEvent, { type: 'run-finished' }> => event.type === 'run-finished');
  const incidentId =
    events.find((event): event is Extract<RunEvent, { type: 'run-started' }> => event.type === 'run-started')?.incidentId ?? '';
  const commands = events.filter((event): event is CommandEvent => event.type === 'command');
  // A command event is written when it ends: its start is its time minus its duration.
  const stopCommand = commands.find(
    (event) => event.stepId === 'stop-app' && event.command.phase === 'action' && /stop|kill|scale/i.test(recordLine(event.command.action)),
  );
  const startEnded = [...events].reverse().find((event) => event.type === 'step-succeeded' && event.stepId === 'start-app');
  const startCommand = commands.filter((event) => event.stepId === 'start-app' && event.command.phase === 'action').pop();
  const windowEnd = startCommand ? Date.parse(startCommand.at) : startEnded ? Date.parse(startEnded.at) : undefined;
  const windowMs =
    stopCommand && windowEnd !== undefined ? windowEnd - (Date.parse(stopCommand.at) - stopCommand.command.durationMs) : undefined;
  return { steps, downtimeMs: finished?.downtimeMs, windowMs, incidentId };
}

export async function runToolRestore(sshd: Sshd, outage: BenchOutage, cliPath = CLI_PATH, db = '/data/app.db'): Promise<ToolRun> {
  const incidentDir = path.join(outage.workDir, 'incident');
  const args = ['restore', '--yes', '--json', ...restoreArgs(outage, incidentDir, db)];
  const started = performance.now();
  // The command as installed (npm links dist/cli.js): its launcher starts Node with the settings it ships with.
  const child = execa(cliPath, args, { env: { HOME: sshd.home, SSH_AUTH_SOCK: '' }, stdin: 'ignore', reject: false, timeout: 20 * 60_000 });
  // The step under way, read from the events as they arrive, so each memory sample is put down to its step.
  let step = 'start-up';
  let pending = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (pending + chunk.toString()).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const type = /"type":"([a-z-]+)"/.exec(line)?.[1];
      const stepId = /"stepId":"([a-z-]+)"/.exec(line)?.[1];
      if (type === 'step-started' && stepId) step = stepId;
      else if (type === 'run-finished') step = 'finishing';
    }
  });
  const rss = sampleRss(child.pid as number, 20, () => step);
  const result = await child;
  const wallMs = performance.now() - started;
  const { peakMb, peakByPhaseMb } = rss.stop();
  const events = readEvents(String(result.stdout));
  const summary = summarizeEvents(events);
  // The upload folder the tool leaves on the "server" (this machine), under its incident id.
  if (summary.incidentId) fs.rmSync(`/tmp/sqlite-rescue/${summary.incidentId}`, { recursive: true, force: true });
  const exitCode = result.exitCode ?? -1;
  const failure = exitCode === 0 ? undefined : String(result.stderr).trim().split('\n').slice(-6).join('\n');
  return { exitCode, failure, wallMs, peakRssMb: peakMb, peakRssByStepMb: peakByPhaseMb, events, ...summary };
}

/** The command events of a run, slowest first: where the time of each step goes. */
export function slowestCommands(run: ToolRun, atLeastMs: number): Array<{ stepId: string; line: string; ms: number }> {
  return run.events
    .filter((event): event is CommandEvent => event.type === 'command' && event.command.durationMs >= atLeastMs)
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

/** Per step: how many commands it ran and how long they took together, and the step's own time. */
export function commandsPerStep(run: ToolRun): Map<string, { count: number; commandMs: number }> {
  const perStep = new Map<string, { count: number; commandMs: number }>();
  for (const event of run.events) {
    if (event.type !== 'command') continue;
    const entry = perStep.get(event.stepId) ?? { count: 0, commandMs: 0 };
    entry.count += 1;
    entry.commandMs += event.command.durationMs;
    perStep.set(event.stepId, entry);
  }
  return perStep;
}
