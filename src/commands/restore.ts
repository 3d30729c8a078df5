// `sqlite-rescue` / `restore`: builds the real adapters, starts the engine, and renders the TUI or streams events.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createLocalRuntime } from '../adapters/dockerode/index.js';
import { createSqliteInspector } from '../adapters/better-sqlite3/index.js';
import type { ContainerRuntime } from '../ports/container-runtime.js';
import { systemClock } from '../ports/clock.js';
import { displayLine } from '../runbook/actions.js';
import { createEngine, type PastStep } from '../runbook/engine.js';
import type { RunEvent } from '../runbook/events.js';
import { makeIncidentId } from '../runbook/incident-id.js';
import { openIncidentRecord } from '../report/incident-record.js';
import { formatEventLine } from '../report/event-lines.js';
import type { Deps } from '../steps/deps.js';
import { decideRunEnd } from '../steps/dry-run-verdict.js';
import { stepKinds } from '../steps/index.js';
import { readRunState } from '../steps/run-state.js';
import { createRunDeps } from './compose-run.js';
import { connectRemote } from './connect-remote.js';
import { offerToSaveAnswers } from './save-answers.js';
import { openTuiSession, type TuiSession } from './tui-session.js';
import { completeLocalPath } from './complete-path.js';
import { makeTargetLock } from './target-lock.js';
import { loadRunbook } from './load-runbook.js';
import type { RestoreFlags } from './restore-flags.js';

export interface RestoreRun {
  flags: RestoreFlags;
  /** Continue an interrupted incident instead of starting one. */
  resume?: ResumeFrom;
  /** Defaults to the local Docker engine. */
  runtime?: ContainerRuntime;
  /** Where human text goes when there is no TUI. */
  log?: (line: string) => void;
  runbookName?: string;
  /**
   * The screen the run is shown on when not --yes: the caller's (who asked its own questions on it first) or, when
   * none is given, one opened here. Closed here either way.
   */
  session?: TuiSession;
  /** After a run at the terminal, offer to save the answers it found to sqlite-rescue.config.yaml (restore, not drills). */
  offerToSave?: boolean;
}

/**
 * Observers every run's engine is subscribed to, before its first event. For tools around the CLI (the crash tests'
 * kill points attach here from a test-only entry); nothing in the shipped program adds one.
 */
const runObservers = new Set<(event: RunEvent) => void>();

export function observeRuns(observer: (event: RunEvent) => void): () => void {
  runObservers.add(observer);
  return () => runObservers.delete(observer);
}

export interface RestoreResult {
  exitCode: number;
  incidentDir: string;
  events: readonly RunEvent[];
}

/** What `resume` hands over: the interrupted incident and what its journal says succeeded. */
export interface ResumeFrom {
  incidentId: string;
  incidentDir: string;
  done: ReadonlyMap<string, PastStep>;
}

/** run.json in the incident folder: what `resume` needs to run the same restore again (never a secret). */
export interface RunManifest {
  version: 1;
  incidentId: string;
  startedAt: string;
  flags: Pick<RestoreFlags, 'host' | 'container' | 'db' | 'backups' | 'local' | 'acceptNewHostKey' | 'source' | 'stopTimeout'>;
}

export async function runRestore(run: RestoreRun): Promise<RestoreResult> {
  const { flags } = run;
  const runbook = loadRunbook(run.runbookName);
  const started = systemClock.now();
  const incidentId = run.resume?.incidentId ?? makeIncidentId(started);
  const incidentDir = run.resume?.incidentDir ?? resolve(flags.incidentDir ?? `incidents/${incidentId}`);

  const session = flags.yes
    ? undefined
    : (run.session ?? (await openTuiSession({ target: describeTarget(flags), completePath: completeLocalPath })));
  try {
    return await runOnSession(run, session, { runbook, started, incidentId, incidentDir });
  } finally {
    await session?.close();
  }
}

/** What the header shows before the engine names the target. */
export function describeTarget(flags: Pick<RestoreFlags, 'host' | 'container' | 'db'>): string {
  return `${flags.container ?? 'a container'}:${flags.db ?? '<db>'} on ${flags.host ? `the Docker engine on ${flags.host}` : 'the local Docker engine'}`;
}

async function runOnSession(
  run: RestoreRun,
  session: TuiSession | undefined,
  {
    runbook,
    started,
    incidentId,
    incidentDir,
  }: { runbook: ReturnType<typeof loadRunbook>; started: number; incidentId: string; incidentDir: string },
): Promise<RestoreResult> {
  const { flags } = run;
  // Connect first: a host that cannot be reached leaves nothing behind, not even an empty incident folder.
  const connection = flags.host ? await connectRemote(flags, incidentId, session) : undefined;
  mkdirSync(incidentDir, { recursive: true });
  if (!run.resume && !flags.dryRun) {
    const manifest: RunManifest = {
      version: 1,
      incidentId,
      startedAt: new Date(started).toISOString(),
      // What the operator decided stands on resume: the source chosen by --source, the stop grace given.
      flags: {
        host: flags.host,
        container: flags.container,
        db: flags.db,
        backups: flags.backups,
        local: flags.local ? resolve(flags.local) : undefined,
        acceptNewHostKey: flags.acceptNewHostKey,
        source: flags.source,
        stopTimeout: flags.stopTimeout,
      },
    };
    writeFileSync(join(incidentDir, 'run.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  }
  const lock = makeTargetLock({ incidentId, incidentDir, breakStale: flags.breakStaleLock === true });
  const runtime = run.runtime ?? connection?.runtime ?? createLocalRuntime();
  const sqlite = createSqliteInspector();
  const deps = createRunDeps({
    runtime,
    remote: connection?.remote,
    sqlite,
    options: {
      container: flags.container,
      db: flags.db,
      backups: flags.backups,
      local: flags.local ? resolve(flags.local) : undefined,
      cwd: process.cwd(),
      source: flags.source,
      stopTimeout: flags.stopTimeout === undefined ? undefined : Number(flags.stopTimeout),
    },
    incident: { id: incidentId, dir: incidentDir },
    lockTarget: flags.dryRun ? undefined : (key, name) => lock.acquire(key, name),
  });
  const facts = deps.facts;
  const engine = createEngine<Deps>({
    runbook,
    impls: stepKinds,
    deps,
    incidentId,
    incidentDir,
    target: `${flags.container ?? 'a container'}:${flags.db ?? '<db>'} on the ${runtime.describe()}`,
    isDryRun: flags.dryRun,
    isInteractive: !flags.yes,
    now: () => systemClock.now(),
    renderCommands: (step) => (stepKinds.get(step.uses)?.declare(deps) ?? []).map(displayLine),
    finish: (end) => {
      const downtimeMs = facts.stoppedAt !== undefined && facts.startedAt !== undefined ? facts.startedAt - facts.stoppedAt : undefined;
      const verdict = decideRunEnd(end, {
        isDryRun: flags.dryRun,
        liveVerdict: facts.live?.verdict,
        sourcePath: facts.source?.path,
        noSourceReason: facts.noSourceReason,
        blockers: facts.dryRunBlockers ?? [],
      });
      return { ...verdict, downtimeMs };
    },
    describeState: () => readRunState(deps),
    resumeFrom: run.resume?.done,
  });

  const record = openIncidentRecord(incidentDir);
  engine.subscribe((event) => record.write(event), 'the incident record');
  for (const observer of runObservers) engine.subscribe(observer, 'an observer');
  const log = run.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (flags.json) {
    engine.subscribe((event) => process.stdout.write(`${JSON.stringify(event)}\n`), 'the --json output');
  }
  if (flags.yes) {
    engine.subscribe((event: RunEvent) => {
      const line = formatEventLine(event);
      if (line !== undefined) log(line);
    }, 'the log');
  }

  session?.attach(engine);
  let exitCode: number;
  try {
    exitCode = await engine.run();
  } finally {
    lock.release();
    record.close();
    await sqlite.close();
    await connection?.close();
  }
  if (session && run.offerToSave) await offerToSaveAnswers(session, { flags, facts, cwd: process.cwd(), exitCode });
  return { exitCode, incidentDir, events: engine.history() };
}
