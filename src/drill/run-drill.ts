// `sqlite-rescue drill`: builds a throwaway outage on the reachable Docker engine, runs the same recovery an
// operator would run against it, scores it against what the scenario says a correct recovery ends with, and
// removes everything it made (unless --keep).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ContainerRuntime } from '../ports/container-runtime.js';
import { DRILL_LABEL, type Lab } from '../ports/lab.js';
import { UsageError } from '../runbook/errors.js';
import type { RunEvent } from '../runbook/events.js';
import { makeIncidentId } from '../runbook/incident-id.js';
import { runRestore } from '../commands/restore.js';
import { quarantineDir } from '../steps/container-paths.js';
import { buildAppImage, HIDDEN_SQLITE_PATH } from './app-image.js';
import { gateRuntime } from './engine-gate.js';
import { APP_SCRIPT, APP_SCRIPT_PATH } from './app-script.js';
import { DEFAULT_SCENARIO, scenarios, type Scenario } from './scenarios.js';
import { formatScoreCard, type ScoreCard } from './score-card.js';

export interface DrillFlags {
  scenario?: string;
  keep: boolean;
  image?: string;
  yes: boolean;
  json: boolean;
  incidentDir?: string;
}

export interface DrillParts {
  runtime: ContainerRuntime;
  lab: Lab;
  /** Human text (score card, progress of the build). */
  log: (line: string) => void;
}

export function findScenario(name = DEFAULT_SCENARIO): Scenario {
  const scenario = scenarios.find((entry) => entry.name === name);
  if (!scenario) throw new UsageError(`no drill scenario named "${name}"`, `scenarios: ${scenarios.map((entry) => entry.name).join(', ')}`);
  return scenario;
}

function countRetries(events: readonly RunEvent[]): number {
  const starts = new Map<string, number>();
  for (const event of events) if (event.type === 'step-started') starts.set(event.stepId, (starts.get(event.stepId) ?? 0) + 1);
  return [...starts.values()].reduce((sum, count) => sum + count - 1, 0);
}

async function queryCount(runtime: ContainerRuntime, containerId: string, sqlite: string, sql: string): Promise<number | undefined> {
  const result = await runtime.exec(containerId, [sqlite, '-readonly', '/data/app.db', sql]);
  const value = Number(result.stdout.trim());
  return result.exitCode === 0 && Number.isInteger(value) ? value : undefined;
}

// Rows production held before the damage that the restored database lacks, table by table (the drill's app writes
// only its own events table, never these).
async function rowsLostAgainst(
  runtime: ContainerRuntime,
  containerId: string,
  sqlite: string,
  before: Record<string, number>,
): Promise<number | undefined> {
  let lost = 0;
  for (const [table, count] of Object.entries(before)) {
    const now = await queryCount(runtime, containerId, sqlite, `SELECT count(*) FROM "${table.replaceAll('"', '""')}";`);
    if (now === undefined) return undefined;
    lost += Math.max(0, count - now);
  }
  return lost;
}

export async function runDrill(flags: DrillFlags, parts: DrillParts): Promise<number> {
  const scenario = findScenario(flags.scenario);
  const { runtime, lab, log } = parts;
  await runtime.ping();

  const drillId = `d${makeIncidentId(Date.now()).toLowerCase()}${Math.random().toString(36).slice(2, 6)}`;
  const prefix = `sqlite-rescue-drill-${drillId}-`;
  const labels = { [DRILL_LABEL]: drillId };
  const workDir = mkdtempSync(join(tmpdir(), `sqlite-rescue-drill-${drillId}-`));
  const image = flags.image ?? `sqlite-rescue-drill/app:${drillId}`;
  const sqliteBinary = flags.image || scenario.hasSqliteCli ? 'sqlite3' : HIDDEN_SQLITE_PATH;
  log(`drill ${scenario.name}: ${scenario.builds}`);
  log(`a correct recovery ends with: ${scenario.mustEndWith}`);

  // Closing the terminal (SIGHUP), Ctrl-C outside the TUI (SIGINT) or a kill (SIGTERM) would end the process before the
  // finally below runs, leaving the outage on the engine: the recovery is cut off from the engine (what it has in
  // flight settles, it starts nothing more), the outage is removed, then the process ends as the signal would have
  // ended it (128 + its number).
  const gate = gateRuntime(runtime, 'the drill was interrupted');
  const onSignal = (signal: NodeJS.Signals) => {
    try {
      log(`${signal}: removing the drill's containers, volumes and image before exiting`);
    } catch {
      // The terminal is gone (SIGHUP): nobody to tell.
    }
    void gate
      .close(10_000)
      .then(() => lab.removeAll(drillId))
      .catch((error: unknown) => {
        try {
          log(`could not remove all of it: ${(error as Error).message}; see docker ps -a --filter label=${DRILL_LABEL}=${drillId}`);
        } catch {
          // As above.
        }
      })
      .finally(() => {
        rmSync(workDir, { recursive: true, force: true });
        process.exit(128 + (constants.signals[signal] ?? 1));
      });
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  if (!flags.keep) for (const signal of signals) process.once(signal, onSignal);

  let exitCode: number;
  try {
    if (!flags.image) await buildAppImage(lab, { ref: image, drillId, hasSqliteCli: scenario.hasSqliteCli });
    else if (!(await lab.hasImage(flags.image)))
      throw new UsageError(
        `--image ${flags.image}: no such image on the Docker engine`,
        `pull or build it first (docker images lists what is there)`,
      );

    const plan = scenario.plan(workDir);
    const ids = new Map<string, string>();
    for (const app of plan.apps) {
      const volume = `${prefix}${app.name}-data`;
      await lab.createVolume(volume, labels);
      const id = await lab.createContainer({
        name: `${prefix}${app.name}`,
        image,
        labels: { ...labels, ...app.labels },
        volume,
        mountPath: '/data',
        env: ['DB=/data/app.db', ...(sqliteBinary === 'sqlite3' ? [] : [`SQLITE=${sqliteBinary}`])],
        // A brought image runs the drill's app script, copied in below; the built one has it already.
        entrypoint: flags.image ? ['sh', '/tmp/sqlite-rescue-drill-app.sh'] : undefined,
      });
      if (flags.image) {
        const script = join(workDir, 'app.sh');
        writeFileSync(script, APP_SCRIPT);
        await lab.putFiles(id, '/tmp', [{ name: 'sqlite-rescue-drill-app.sh', localPath: script }]);
      }
      if (app.files.length > 0) await lab.putFiles(id, '/data', app.files);
      await lab.startContainer(id);
      ids.set(app.name, id);
    }
    const productionName = `${prefix}${plan.production}`;
    const productionId = ids.get(plan.production) as string;
    const before = await runtime.inspect(productionId);
    // Let the app open the damaged database and try to write, as it would in production.
    await new Promise((done) => setTimeout(done, 1500));
    log(
      `outage ready: ${plan.apps.map((app) => `${prefix}${app.name}`).join(', ')} (image ${image}${flags.image ? '' : `, built from this machine's busybox and sqlite3 by ${APP_SCRIPT_PATH}`})`,
    );

    const started = Date.now();
    const result = await runRestore({
      flags: {
        container: productionName,
        db: plan.db,
        local: plan.local?.path,
        ...(plan.source && flags.yes ? { source: plan.source } : {}),
        dryRun: false,
        yes: flags.yes,
        json: flags.json,
        acceptNewHostKey: false,
        incidentDir: resolve(flags.incidentDir ?? `incidents/drill-${scenario.name}-${makeIncidentId(started)}`),
      },
      runtime: gate.runtime,
      log,
    });
    const finished = result.events.findLast((event) => event.type === 'run-finished') as
      Extract<RunEvent, { type: 'run-finished' }> | undefined;

    const after = await runtime.inspect(productionId);
    let rowsLost: number | undefined;
    let isHealthy = false;
    if (after.state === 'running') {
      const check = await runtime.exec(productionId, [sqliteBinary, '-readonly', plan.db, 'PRAGMA integrity_check;']);
      isHealthy = check.exitCode === 0 && check.stdout.trim() === 'ok';
      if (plan.truth) rowsLost = await rowsLostAgainst(runtime, productionId, sqliteBinary, plan.truth.counts);
      else if (plan.local && 'events' in plan.local) {
        const kept = await queryCount(
          runtime,
          productionId,
          sqliteBinary,
          `SELECT count(*) FROM events WHERE id <= ${plan.local.maxEventId};`,
        );
        rowsLost = kept === undefined ? undefined : plan.local.events - kept;
      }
    }
    const runStarted = result.events.find((event) => event.type === 'run-started');
    const quarantine = runStarted?.type === 'run-started' ? quarantineDir(plan.db, runStarted.incidentId) : undefined;
    const isUntouched =
      after.startedAt === before.startedAt &&
      after.state === 'running' &&
      !(quarantine && (await runtime.statPath(productionId, quarantine)));
    const isRestored = result.exitCode === 0 && after.state === 'running' && isHealthy && rowsLost === (plan.truth?.lossAllowed ?? 0);
    const passed = result.exitCode === scenario.expect.exitCode && (scenario.expect.isRestored ? isRestored : isUntouched);
    const card: ScoreCard = {
      scenario: scenario.name,
      passed,
      expected: scenario.mustEndWith,
      exitCode: result.exitCode,
      headline: finished?.headline ?? '(no result)',
      timeToRecoverMs: Date.now() - started,
      downtimeMs: finished?.downtimeMs,
      rowsLost,
      rowsLostAgainst: plan.truth ? 'production before the damage' : 'the healthy source',
      rowsLostAllowed: plan.truth?.lossAllowed ?? 0,
      healthyRows: plan.truth
        ? Object.values(plan.truth.counts).reduce((sum, count) => sum + count, 0)
        : plan.local && 'events' in plan.local
          ? plan.local.events
          : undefined,
      retries: countRetries(result.events),
      isProductionRunning: after.state === 'running',
      incidentDir: result.incidentDir,
    };
    log(formatScoreCard(card));
    if (flags.json) process.stdout.write(`${JSON.stringify({ type: 'drill-finished', ...card })}\n`);
    exitCode = passed ? 0 : 1;
  } finally {
    for (const signal of signals) process.off(signal, onSignal);
    if (flags.keep) {
      const left = await lab.inventory(drillId);
      log(
        `--keep: left for you to look around: containers ${left.containers.length}, volumes ${left.volumes.join(' ')}, image ${left.images.length ? image : '(none)'}, files in ${workDir}`,
      );
      log(
        `remove them with: docker rm -f $(docker ps -aq --filter label=${DRILL_LABEL}=${drillId}) && docker volume rm $(docker volume ls -q --filter label=${DRILL_LABEL}=${drillId})${flags.image ? '' : ` && docker rmi ${image}`} && rm -r ${workDir}`,
      );
    } else {
      const removed = await lab.removeAll(drillId);
      rmSync(workDir, { recursive: true, force: true });
      log(
        `cleaned up: ${removed.containers.length} containers, ${removed.volumes.length} volumes, ${removed.images.length} image(s) and ${workDir}`,
      );
    }
  }
  return exitCode;
}
