// Step stop-app: no writer may touch the database while its files are swapped, and nothing may start one behind the
// tool's back until the swap is done. The swap's helper container starts first, while the app still runs (its start is
// then not downtime, and an image that cannot run it is found before the app goes down). Then each writer's restart
// policy is recorded and set to `no` (a daemon restart mid-window would otherwise revive it), and each writer is stopped
// with the grace its PID 1 can use; a Swarm service is scaled to 0 instead, since Swarm replaces a task stopped by hand.
import type { ContainerDetails } from '../ports/container-runtime.js';
import { recordLine } from '../runbook/actions.js';
import type { Plan, Planned, StepIO } from '../runbook/engine.js';
import { describeError, RescueError } from '../runbook/errors.js';
import { targetRef } from './check-live-db.js';
import type { Deps } from './deps.js';
import {
  changedPolicies,
  describePolicies,
  DOWNTIME_RECORD,
  NO_RESTART,
  readDowntimeRecord,
  writeDowntimeRecord,
  type DowntimeRecord,
  type PolicyRecord,
} from './downtime-record.js';
import type { Target } from './facts.js';
import { helperName, listIncidentHelpers, removalsOf, startHelperFor } from './helpers.js';
import { knownHelperName, knownRef, knownTarget } from './known-target.js';
import {
  inspectContainer,
  inspectService,
  killContainer,
  readPid1Signals,
  removeHelper,
  scaleService,
  setRestartPolicy,
  stopContainer,
  waitForService,
  type ContainerRef,
} from './port-actions.js';
import { readSwapState } from './quarantine-and-swap.js';
import { requireFact } from './require-fact.js';
import { describeLoss } from './rescue-candidates.js';
import { settleWriters } from './settle-writers.js';
import { cannotTell } from './stage-in-container.js';
import type { StepKind } from './step-kind.js';
import { decideStopTiming, DOCKER_DEFAULT_STOP_SEC, stopSeconds, type StopTiming } from './stop-timing.js';
import { writersOf, type WriterContainer, type WriterPlan } from './writers.js';

/** Seconds the swap (renames in a running helper) and the start add to the stop, for the downtime question. */
export const SWAP_AND_START_SEC = 2;
/** What scaling a Swarm service to 0 and back adds: its manager converges in a few seconds each way. */
export const SWARM_CONVERGE_SEC = 6;
/** How long the tasks of a scaled-down service may take to go, beyond their grace. */
const SWARM_GONE_EXTRA_MS = 30_000;

interface WriterStop {
  writer: WriterContainer;
  timing: StopTiming;
}

interface StopPlan extends Plan<Deps> {
  writers: WriterPlan;
  stops: WriterStop[];
  /** What goes into the record before the first change. */
  record: DowntimeRecord;
  /** The helper's start (and the removal of stale helpers): before any change to a writer. */
  preparation: Array<Planned<Deps>>;
  /** In order, after the preparation: the policy changes; for Swarm the scale, the kill and the wait. */
  changes: Array<Planned<Deps>>;
  /** Last, side by side: the stop of each container, each waiting out only its own grace. */
  parallel: Array<Planned<Deps>>;
}

const refOf = (container: { id: string; name: string }): ContainerRef => ({ id: container.id, name: container.name });

function roundUp(seconds: number): number {
  return Math.max(1, Math.ceil(seconds));
}

// "about 3 s", or "about 3 s, up to 12 s if …": what the window costs, from the grace each writer gets.
function expectedDowntime(plan: StopPlan): string {
  const extra = SWAP_AND_START_SEC + (plan.writers.kind === 'swarm' ? SWARM_CONVERGE_SEC : 0);
  const seconds = plan.stops.map((stop) => stopSeconds(stop.timing));
  const likely = roundUp(Math.max(0, ...seconds.map((entry) => entry.likely)) + extra);
  const atMost = roundUp(Math.max(0, ...seconds.map((entry) => entry.atMost)) + extra);
  if (atMost === likely) return `about ${likely} s`;
  const grace = Math.max(...plan.stops.map((stop) => stop.timing.timeoutSec));
  return `about ${likely} s, up to ${atMost} s if it takes its whole ${grace} s to exit`;
}

// One confirmation for the whole downtime window: stop, quarantine and swap, start run without pausing once it is given.
// It names the target the way the operator knows it, and what the restore costs: the downtime and the rows lost.
function downtimeQuestion(deps: Deps, plan: StopPlan): string {
  const target = requireFact(deps.facts.target, 'the target', 'find-container');
  const role = deps.facts.candidates?.find((entry) => entry.container.id === target.containerId)?.role ?? 'production';
  const source = deps.facts.source;
  // A copy made before the damage loses what was written since; one built from the damaged database now, what it lacks.
  const loss = !source
    ? ''
    : source.kind === 'local' || source.kind === 'backup'
      ? `; restoring ${source.kind === 'local' ? 'the local copy' : `the backup ${source.path}`} loses the rows written after ${source.mtime}`
      : `; restoring the ${source.kind} copy ${describeLoss(source.loss)}`;
  const what =
    plan.writers.kind === 'swarm'
      ? `Scale Swarm service ${plan.writers.service.name} (${role}: task ${target.containerName}) from ` +
        `${plan.record.service?.replicas ?? plan.writers.service.replicas} to 0, swap in the snapshot and scale it back?`
      : `Stop ${target.appName} (${role}: container ${target.containerName}, ${target.containerId.slice(0, 12)}${
          plan.writers.containers.length > 1
            ? `, with ${plan.writers.containers
                .slice(1)
                .map((writer) => writer.name)
                .join(', ')}`
            : ''
        }), swap in the snapshot and start it again?`;
  const why = plan.stops.map((stop) => stop.timing.reason).join('; ');
  return (
    `${what} The app is down from here until it is verified started: ${expectedDowntime(plan)} (${why})${loss}. Type ` +
    `${target.appName} to confirm.`
  );
}

// The writers as they are now, and their PID 1's signals: the plan decides each stop's grace from them.
async function readStops(
  io: StepIO,
  deps: Deps,
  target: Target,
  writers: WriterContainer[],
  isSwarmTask = false,
): Promise<Array<WriterStop & { details: ContainerDetails }>> {
  return Promise.all(
    writers.map(async (writer) => {
      const details = await io.perform(inspectContainer(writer.id === target.containerId ? targetRef(target) : refOf(writer)));
      const pid1 = details.state === 'running' ? await io.perform(readPid1Signals(refOf(details))) : null;
      const timing = decideStopTiming({
        name: details.name,
        state: details.state,
        stopTimeout: details.stopTimeout,
        stopSignal: details.stopSignal,
        pid1,
        flagSec: deps.options.stopTimeout,
        isSwarmTask,
      });
      return { writer, timing, details };
    }),
  );
}

// An interrupted attempt's record says what the policies were: now they read `no`, which this run set.
function policiesOf(found: ContainerDetails[], record: DowntimeRecord | undefined): PolicyRecord[] {
  return found.map((details) => ({
    id: details.id,
    name: details.name,
    policy: record?.policies.find((entry) => entry.id === details.id)?.policy ?? details.restartPolicy,
  }));
}

// The writers find-container settled, checked again now, plus those an interrupted attempt already stopped.
function mergeWriters(fresh: WriterPlan, record: DowntimeRecord | undefined): WriterPlan {
  if (fresh.kind === 'swarm')
    return record?.service ? { kind: 'swarm', service: { ...fresh.service, replicas: record.service.replicas } } : fresh;
  const known = new Set(fresh.containers.map((container) => container.id));
  const stopped = (record?.policies ?? []).filter((entry) => !known.has(entry.id)).map((entry) => ({ id: entry.id, name: entry.name }));
  return { kind: 'containers', containers: [...fresh.containers, ...stopped] };
}

async function planContainers(io: StepIO, deps: Deps, target: Target, writers: WriterContainer[], record: DowntimeRecord | undefined) {
  const stops = await readStops(io, deps, target, writers);
  const policies = policiesOf(
    stops.map((stop) => stop.details),
    record,
  );
  const setNo = stops
    .filter((stop) => stop.details.restartPolicy.name !== 'no')
    .map((stop) => setRestartPolicy(refOf(stop.details), NO_RESTART));
  const stopCalls = stops.map((stop) => stopContainer(refOf(stop.details), stop.timing.timeoutSec));
  const putBack = changedPolicies({ policies }).map((entry) => setRestartPolicy(refOf(entry), entry.policy));
  return {
    stops,
    changes: setNo as Array<Planned<Deps>>,
    parallel: stopCalls as Array<Planned<Deps>>,
    cleanup: putBack as Array<Planned<Deps>>,
    record: { policies },
  };
}

// A task stopped by hand is replaced by Swarm: the service is scaled to 0, and its tasks must be gone (the volume
// free) before the swap. A PID 1 deaf to SIGTERM is killed at once: Swarm would wait its whole grace.
async function planSwarm(
  io: StepIO,
  deps: Deps,
  target: Target,
  plan: Extract<WriterPlan, { kind: 'swarm' }>,
  record: DowntimeRecord | undefined,
) {
  const { name } = plan.service;
  const replicas = record?.service?.replicas ?? plan.service.replicas;
  const [stop] = await readStops(io, deps, target, [{ id: target.containerId, name: target.containerName }], true);
  const kill = stop.timing.isDeaf ? [killContainer(targetRef(target), 'SIGKILL', { when: 'PID 1 ignores SIGTERM' })] : [];
  const changes: Array<Planned<Deps>> = [
    scaleService(name, 0),
    ...kill,
    waitForService(name, { kind: 'no-tasks' }, stop.timing.fullSec * 1000 + SWARM_GONE_EXTRA_MS),
  ];
  return {
    stops: [stop],
    changes,
    parallel: [],
    cleanup: [scaleService(name, replicas)] as Array<Planned<Deps>>,
    record: { policies: [], service: { id: plan.service.id, name, replicas } },
  };
}

async function performPreparation(io: StepIO, target: Target, actions: Array<Planned<Deps>>): Promise<void> {
  for (const action of actions) {
    await io.perform(action).catch((error: unknown) => {
      throw new RescueError(`cannot start the helper container that would do the swap: ${describeError(error).message}`, {
        cause: error,
        hint:
          `${target.containerName} was not stopped and nothing was changed; the swap needs sleep, mkdir and mv in the image ` +
          `${target.image} (see \`sqlite-rescue restore --dry-run\`)`,
      });
    });
  }
}

function recordFinding(io: StepIO, record: DowntimeRecord): void {
  const changed = changedPolicies(record);
  if (record.service)
    io.finding(
      `Swarm service ${record.service.name} scaled from ${record.service.replicas} to 0 for the downtime window, scaled back after the ` +
        `swap; recorded in ${DOWNTIME_RECORD}`,
      { service: record.service },
    );
  if (changed.length > 0)
    io.finding(
      `restart policy set to no for the downtime window (it was ${describePolicies(changed)}), put back after the start; recorded in ` +
        `${DOWNTIME_RECORD}`,
      { policies: record.policies },
    );
}

function waitLine(plan: StopPlan): string {
  const names = plan.stops.map((entry) => entry.writer.name).join(', ');
  const longest = Math.max(0, ...plan.stops.map((entry) => entry.timing.timeoutSec));
  if (plan.stops.every((entry) => entry.timing.isNotRunning))
    return `${names}: not running; the stop cancels any restart docker has scheduled`;
  if (plan.writers.kind === 'swarm')
    return (
      `Swarm stops the tasks of ` +
      `${plan.writers.service.name}${longest > 0 ? ` (up to ${longest} s for them to exit on SIGTERM)` : ''}; then its volume is free`
    );
  return `${names}: up to ${longest} s to exit on SIGTERM; docker kills ${plan.stops.length === 1 ? 'it' : 'them'} then`;
}

// After a failed stop nothing was swapped: the writers may be started as they were, so what was changed is put back.
async function undo(io: StepIO, deps: Deps, plan: StopPlan): Promise<void> {
  let isUndone = true;
  for (const action of plan.cleanup ?? []) {
    await io.perform(action, 'cleanup').catch((failure: unknown) => {
      isUndone = false;
      io.output(`could not undo (${recordLine(action.decl)}): ${describeError(failure).message}`);
    });
  }
  if (!isUndone) return;
  await writeDowntimeRecord(deps, { ...plan.record, restoredAt: new Date(deps.clock.now()).toISOString() });
  const changed = changedPolicies(plan.record);
  if (changed.length > 0) io.finding(`restart policy put back after the failed stop: ${describePolicies(changed)}`);
  if (plan.record.service)
    io.finding(`Swarm service ${plan.record.service.name} scaled back to ${plan.record.service.replicas} after the failed stop`);
}

export const stopApp: StepKind = {
  kind: 'stop-app',
  mutates: true,
  declare: (known) => {
    const target = knownTarget(known);
    const ref = knownRef(known);
    if (known.facts.writers?.kind === 'swarm') {
      const { name } = known.facts.writers.service;
      return [
        startHelperFor(target, known.incident.id, 'swap', undefined, knownHelperName(known, 'swap')).decl,
        scaleService(name, 0).decl,
        waitForService(name, { kind: 'no-tasks' }, DOCKER_DEFAULT_STOP_SEC * 1000 + SWARM_GONE_EXTRA_MS).decl,
      ];
    }
    return [
      startHelperFor(target, known.incident.id, 'swap', undefined, knownHelperName(known, 'swap')).decl,
      { ...setRestartPolicy(ref, NO_RESTART).decl, when: 'when its restart policy is not no' },
      stopContainer(ref, known.options.stopTimeout ?? DOCKER_DEFAULT_STOP_SEC).decl,
    ];
  },
  async plan(io, deps): Promise<StopPlan> {
    const target = requireFact(deps.facts.target, 'the target', 'find-container');
    // A dry-run staged nothing: it plans the stop the run would make once the copy is staged.
    if (!io.isDryRun) requireFact(deps.facts.stagedPath, 'the staged copy', 'stage-in-container');
    // Helpers an interrupted run left behind would keep the volume busy and hold the names this run needs.
    const stale = removalsOf(await listIncidentHelpers(io, deps.incident.id));
    const record = await readDowntimeRecord(deps);
    // Checked again just before the stop: a writer that appeared since find-container is refused now.
    const details = await io.perform(inspectContainer(targetRef(target)));
    const fresh = (await settleWriters(io, details, target.dataMount)).plan;
    const writers = mergeWriters(fresh, record && !record.restoredAt ? record : undefined);
    deps.facts.writers = writers;
    const open = record && !record.restoredAt ? record : undefined;
    const parts =
      writers.kind === 'swarm'
        ? await planSwarm(io, deps, target, writers, open)
        : await planContainers(io, deps, target, writers.containers, open);
    for (const stop of parts.stops) io.finding(stop.timing.reason);
    const preparation = [...stale, startHelperFor(target, deps.incident.id, 'swap')] as Array<Planned<Deps>>;
    const plan: StopPlan = {
      summary:
        writers.kind === 'swarm'
          ? `scale Swarm service ${writers.service.name} to 0`
          : `stop ${writers.containers.map((writer) => writer.name).join(', ')}`,
      actions: [...preparation, ...parts.changes, ...parts.parallel],
      cleanup: [removeHelper(helperName(target, deps.incident.id, 'swap')), ...parts.cleanup],
      writers,
      stops: parts.stops,
      record: parts.record,
      preparation,
      changes: parts.changes,
      parallel: parts.parallel,
    };
    if (io.isDryRun) cannotTell(io, `how long the stop really takes, and so the real downtime (expected: ${expectedDowntime(plan)})`);
    return plan;
  },
  async apply(io, deps, plan) {
    const stop = plan as StopPlan;
    const target = requireFact(deps.facts.target, 'the target', 'find-container');
    await io.confirm(downtimeQuestion(deps, stop), target.appName);
    await performPreparation(io, target, stop.preparation);
    // Recorded before the first change, so that a crash from here on leaves what to put back in the incident folder.
    await writeDowntimeRecord(deps, stop.record);
    recordFinding(io, stop.record);
    const started = deps.clock.now();
    const longest = Math.max(0, ...stop.stops.map((entry) => entry.timing.timeoutSec));
    io.waiting(waitLine(stop), started + longest * 1000);
    try {
      for (const action of stop.changes) await io.perform(action);
      await Promise.all(stop.parallel.map((action) => io.perform(action)));
    } catch (error) {
      io.waiting();
      await undo(io, deps, stop);
      throw error;
    }
    io.waiting();
    deps.facts.stoppedAt = deps.clock.now();
    const took = ((deps.facts.stoppedAt - started) / 1000).toFixed(1);
    if (stop.writers.kind === 'swarm') {
      io.finding(
        `scaled Swarm service ${stop.writers.service.name} to 0 at ${new Date(deps.facts.stoppedAt).toISOString()}: its tasks are gone ` +
          `and the volume is free (${took} s)`,
      );
      return { summary: `scaled ${stop.writers.service.name} to 0 in ${took} s` };
    }
    const states = await Promise.all(
      stop.writers.containers.map(
        async (writer) => `${writer.name} ${(await io.perform(inspectContainer(refOf(writer)), 'verify')).state}`,
      ),
    );
    io.finding(
      `stopped ${stop.writers.containers.map((writer) => writer.name).join(', ')} at ${new Date(deps.facts.stoppedAt).toISOString()} in ` +
        `${took} s (now ${states.join(', ')})`,
    );
    return { summary: `stopped ${stop.writers.containers.map((writer) => writer.name).join(', ')} in ${took} s` };
  },
  // Done while every writer is still down, or once the swap it was stopped for is in place (the app was started since):
  // stopping it a second time would only add downtime.
  async reverify(io, deps, past) {
    const target = requireFact(deps.facts.target, 'the target', 'find-container');
    const record = await readDowntimeRecord(deps);
    if (record) deps.facts.downtime = record;
    deps.facts.stoppedAt = Date.parse(past.at);
    const writers = writersOf(deps.facts.writers, target);
    if (await isStillDown(io, target, writers))
      return {
        summary:
          writers.kind === 'swarm'
            ? `Swarm service ${writers.service.name} is still scaled to 0`
            : `${target.containerName} is still stopped`,
      };
    const staged = deps.facts.stagedPath;
    if (staged && deps.facts.snapshot && (await readSwapState(io, deps, staged)).isSwapped)
      return { summary: `the swap it was stopped for is in place and ${target.containerName} runs again` };
    deps.facts.stoppedAt = undefined;
    return undefined;
  },
};

async function isStillDown(io: StepIO, target: Target, writers: WriterPlan): Promise<boolean> {
  if (writers.kind === 'swarm') {
    const service = await io.perform(inspectService(writers.service.name));
    return service.replicas === 0 && !service.tasks.some((task) => task.desiredState === 'running');
  }
  const states = await Promise.all(
    writers.containers.map(
      async (writer) => (await io.perform(inspectContainer(writer.id === target.containerId ? targetRef(target) : refOf(writer)))).state,
    ),
  );
  return states.every((state) => state !== 'running' && state !== 'restarting' && state !== 'paused');
}
