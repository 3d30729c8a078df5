// The composition every command that runs a runbook shares: the real adapters wired into Deps, the engine, and its
// event stream to the record (events.ndjson, report.md), to --json and to the human log. `restore` composes the same
// parts (and adds the TUI, the run manifest and resume); backup, verify and scan run through runComposed.
import { mkdirSync } from 'node:fs';
import { createSqliteInspector } from '../adapters/better-sqlite3/index.js';
import { systemEntropy } from '../adapters/node-crypto/entropy.js';
import { createIncidentFiles } from '../adapters/node-fs/incident-files.js';
import { createLocalFiles } from '../adapters/node-fs/local-files.js';
import { systemClock } from '../ports/clock.js';
import type { ContainerRuntime } from '../ports/container-runtime.js';
import type { ToolImage } from '../ports/tool-image.js';
import type { SqliteInspector } from '../ports/sqlite-inspector.js';
import { displayLine } from '../runbook/actions.js';
import { createEngine, type Engine } from '../runbook/engine.js';
import type { RunEvent } from '../runbook/events.js';
import { openIncidentRecord } from '../report/incident-record.js';
import { formatEventLine } from '../report/event-lines.js';
import type { Deps, Remote, RestoreOptions } from '../steps/deps.js';
import type { Facts } from '../steps/facts.js';
import { stepKinds } from '../steps/index.js';
import { createRunServices } from '../steps/services.js';
import { connectRemote } from './connect-remote.js';
import { loadRunbook } from './load-runbook.js';
import type { RestoreFlags } from './restore-flags.js';
import { makeTargetLock } from './target-lock.js';

export interface RunDepsInput {
  runtime: ContainerRuntime;
  remote?: Remote;
  sqlite: SqliteInspector;
  options: RestoreOptions;
  incident: { id: string; dir: string };
  lockTarget?: Deps['lockTarget'];
  toolImage?: ToolImage;
}

/** Deps over the real adapters for this machine, with fresh facts and services. */
export function createRunDeps(input: RunDepsInput): Deps {
  return {
    runtime: input.runtime,
    ...(input.remote ? { remote: input.remote } : {}),
    sqlite: input.sqlite,
    files: createLocalFiles(),
    incidentFiles: createIncidentFiles(input.incident.dir),
    clock: systemClock,
    entropy: systemEntropy,
    options: input.options,
    incident: input.incident,
    facts: {},
    services: createRunServices(input.sqlite, systemClock),
    ...(input.lockTarget ? { lockTarget: input.lockTarget } : {}),
    ...(input.toolImage ? { toolImage: input.toolImage } : {}),
  };
}

export interface RunOutputs {
  recordDir: string;
  /** NDJSON events on stdout. */
  json: boolean;
  /** Human lines (one per thing worth a glance); to stderr under --json. */
  log: (line: string) => void;
}

/** The record, --json and the log subscribed to the engine before its first event. Resolves a closer. */
export function streamRun(engine: Engine, outputs: RunOutputs): { close(): void } {
  const record = openIncidentRecord(outputs.recordDir);
  engine.subscribe((event) => record.write(event), 'the record');
  if (outputs.json) engine.subscribe((event) => process.stdout.write(`${JSON.stringify(event)}\n`), 'the --json output');
  engine.subscribe((event: RunEvent) => {
    const line = formatEventLine(event);
    if (line !== undefined) outputs.log(line);
  }, 'the log');
  return { close: () => record.close() };
}

export interface ComposedRun {
  runbookName: string;
  /** --host and how its key is taken: these commands never ask, so an unknown key needs --accept-new-host-key. */
  host?: string;
  acceptNewHostKey: boolean;
  options: RestoreOptions;
  incidentId: string;
  recordDir: string;
  dryRun: boolean;
  json: boolean;
  log: (line: string) => void;
  /** Takes the same per-database lock restore takes (a backup and a restore of one database never overlap). */
  takesLock: boolean;
  target: string;
  /** The last word on the exit code and headline, from what the steps found. */
  finish(end: { exitCode: number; headline: string }, facts: Facts): { exitCode: number; headline: string };
  /** Tests: a runtime of their own. */
  runtime?: ContainerRuntime;
  toolImage?: ToolImage;
}

export interface ComposedResult {
  exitCode: number;
  events: readonly RunEvent[];
  facts: Facts;
}

/** A non-interactive run of a shipped runbook with the real adapters, start to end. */
export async function runComposed(run: ComposedRun): Promise<ComposedResult> {
  const runbook = loadRunbook(run.runbookName);
  // Connect first: a host that cannot be reached leaves nothing behind, not even an empty record folder.
  const hostFlags = {
    host: run.host,
    yes: true,
    json: run.json,
    dryRun: run.dryRun,
    acceptNewHostKey: run.acceptNewHostKey,
  } as RestoreFlags;
  const connection = run.host ? await connectRemote(hostFlags, run.incidentId) : undefined;
  mkdirSync(run.recordDir, { recursive: true });
  const lock = makeTargetLock({ incidentId: run.incidentId, incidentDir: run.recordDir, breakStale: false });
  const sqlite = createSqliteInspector();
  const runtime = run.runtime ?? connection?.runtime ?? (await import('../adapters/dockerode/index.js')).createLocalRuntime();
  const deps = createRunDeps({
    runtime,
    remote: connection?.remote,
    sqlite,
    options: run.options,
    incident: { id: run.incidentId, dir: run.recordDir },
    lockTarget: run.takesLock && !run.dryRun ? (key, name) => lock.acquire(key, name) : undefined,
    toolImage: run.toolImage,
  });
  const engine = createEngine<Deps>({
    runbook,
    impls: stepKinds,
    deps,
    incidentId: run.incidentId,
    incidentDir: run.recordDir,
    target: run.target,
    isDryRun: run.dryRun,
    isInteractive: false,
    now: () => systemClock.now(),
    renderCommands: (step) => (stepKinds.get(step.uses)?.declare(deps) ?? []).map(displayLine),
    finish: (end) => run.finish(end, deps.facts),
  });
  const outputs = streamRun(engine, { recordDir: run.recordDir, json: run.json, log: run.log });
  try {
    const exitCode = await engine.run();
    return { exitCode, events: engine.history(), facts: deps.facts };
  } finally {
    lock.release();
    outputs.close();
    await sqlite.close();
    await connection?.close();
  }
}
