// `sqlite-rescue` / `restore`: builds the real adapters, starts the engine, and renders the TUI or streams events.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createLocalRuntime } from '../adapters/dockerode/index.js';
import { createSqliteInspector } from '../adapters/better-sqlite3/index.js';
import { createLocalFiles } from '../adapters/node-fs/local-files.js';
import type { ContainerRuntime } from '../ports/container-runtime.js';
import { systemClock } from '../ports/clock.js';
import { createEngine, type PastStep } from '../runbook/engine.js';
import type { RunEvent } from '../runbook/events.js';
import { makeIncidentId } from '../runbook/incident-id.js';
import { renderCommand } from '../runbook/template.js';
import { openIncidentRecord } from '../report/incident-record.js';
import { formatEventLine } from '../report/event-lines.js';
import type { Deps } from '../steps/deps.js';
import type { Facts } from '../steps/facts.js';
import { stepImpls } from '../steps/index.js';
import { readRunState } from '../steps/run-state.js';
import { quarantineDir, stagedPath } from '../steps/container-paths.js';
import { backupsGlob } from '../steps/test-backups.js';
import { snapshotPath } from '../steps/snapshot-source.js';
import { connectRemote } from './connect-remote.js';
import { parseFailpoint } from './failpoint.js';
import { loadTui } from './tui-loader.js';
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
}

// Ink and React load only when a TUI is drawn.
async function renderApp(subscribe: (listener: (event: RunEvent) => void) => () => void, engine: ReturnType<typeof createEngine>) {
  const [react, { render }, { App }] = await loadTui();
  // React is CommonJS: its namespace may hold the API as `default` only.
  const React = (react as unknown as { default?: typeof react }).default ?? react;
  return render(React.createElement(App, { subscribe, controller: engine }), { exitOnCtrlC: false });
}

function placeholderValues(deps: Deps): Record<string, string | undefined> {
  const { facts, options, incident } = deps;
  const db = options.db;
  return {
    container: facts.container?.name ?? options.container,
    image: facts.container?.image,
    db,
    backupsDir: db ? backupsGlob(deps).replace(/\/[^/]*$/, '') : undefined,
    local: options.local,
    source: facts.source?.path,
    snapshot: db ? snapshotPath(deps) : undefined,
    staged: db ? stagedPath(db, incident.id) : undefined,
    quarantine: db ? quarantineDir(db, incident.id) : undefined,
  };
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
  flags: Pick<RestoreFlags, 'host' | 'container' | 'db' | 'backups' | 'local' | 'acceptNewHostKey'>;
}

export async function runRestore(run: RestoreRun): Promise<RestoreResult> {
  const { flags } = run;
  const runbook = loadRunbook(run.runbookName);
  const started = systemClock.now();
  const incidentId = run.resume?.incidentId ?? makeIncidentId(started);
  const incidentDir = run.resume?.incidentDir ?? resolve(flags.incidentDir ?? `incidents/${incidentId}`);

  // Connect first: a host that cannot be reached leaves nothing behind, not even an empty incident folder.
  const connection = flags.host ? await connectRemote(flags, incidentId) : undefined;
  mkdirSync(incidentDir, { recursive: true });
  if (!run.resume && !flags.dryRun) {
    const manifest: RunManifest = {
      version: 1,
      incidentId,
      startedAt: new Date(started).toISOString(),
      flags: { host: flags.host, container: flags.container, db: flags.db, backups: flags.backups, local: flags.local ? resolve(flags.local) : undefined, acceptNewHostKey: flags.acceptNewHostKey },
    };
    writeFileSync(join(incidentDir, 'run.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  }
  const lock = makeTargetLock({ incidentId, incidentDir, breakStale: flags.breakStaleLock === true });
  const runtime = run.runtime ?? connection?.runtime ?? createLocalRuntime();
  const sqlite = createSqliteInspector();
  const facts: Facts = {};
  const deps: Deps = {
    runtime,
    remote: connection?.remote,
    sqlite,
    files: createLocalFiles(),
    clock: systemClock,
    options: { container: flags.container, db: flags.db, backups: flags.backups, local: flags.local ? resolve(flags.local) : undefined },
    incident: { id: incidentId, dir: incidentDir },
    facts,
    lockTarget: flags.dryRun ? undefined : (key, name) => lock.acquire(key, name),
  };
  const engine = createEngine<Deps>({
    runbook,
    impls: stepImpls,
    deps,
    incidentId,
    incidentDir,
    target: `${flags.container ?? 'a container'}:${flags.db ?? '<db>'} on the ${runtime.describe()}`,
    isDryRun: flags.dryRun,
    isInteractive: !flags.yes,
    now: () => systemClock.now(),
    renderCommands: (step) => step.commands.map((command) => renderCommand(command, placeholderValues(deps))),
    finish: ({ exitCode, headline }) => {
      const downtimeMs = facts.stoppedAt !== undefined && facts.startedAt !== undefined ? facts.startedAt - facts.stoppedAt : undefined;
      if (flags.dryRun && exitCode === 0 && facts.live && !facts.live.ok) {
        const blockers = facts.dryRunBlockers ?? [];
        const source = !facts.source ? ' no healthy source was found' : blockers.length > 0 ? ` a restore from ${facts.source.path} would NOT succeed as things are: ${blockers.join('; ')}` : ` a restore from ${facts.source.path} would be possible`;
        return { exitCode: 4, headline: `dry-run: the live database is CORRUPT;${source}; nothing was changed`, downtimeMs };
      }
      return { exitCode, headline, downtimeMs };
    },
    describeState: () => readRunState(deps),
    resumeFrom: run.resume?.done,
  });

  const record = openIncidentRecord(incidentDir);
  engine.subscribe((event) => record.write(event));
  const failpoint = parseFailpoint(process.env.SQLITE_RESCUE_FAILPOINT);
  if (failpoint) engine.subscribe(failpoint);
  const log = run.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (flags.json) {
    engine.subscribe((event) => process.stdout.write(`${JSON.stringify(event)}\n`));
  }
  if (flags.yes) {
    engine.subscribe((event: RunEvent) => {
      const line = formatEventLine(event);
      if (line !== undefined) log(line);
    });
  }

  // The TUI may subscribe after the first events: it gets the history replayed, then the live stream, with no gap.
  const subscribeFromStart = (listener: (event: RunEvent) => void) => {
    for (const event of engine.history()) listener(event);
    return engine.subscribe(listener);
  };
  const ink = flags.yes ? undefined : await renderApp(subscribeFromStart, engine);
  try {
    const exitCode = await engine.run();
    return { exitCode, incidentDir, events: engine.history() };
  } finally {
    lock.release();
    record.close();
    await sqlite.close();
    await connection?.close();
    if (ink) {
      // Let the last frame (the summary) render before Ink lets go of the terminal.
      await new Promise((done) => setTimeout(done, 50));
      ink.unmount();
      await ink.waitUntilExit();
    }
  }
}
