// Step start-app: the app comes back on the restored database, and what stop-app changed to keep its writers down is
// put back exactly: each restart policy as it was (only once the app runs again, so a crash on the first start is not
// retried behind the operator's back before it is seen), or the Swarm service scaled back to its replica count, whose
// new task container becomes the target.
import type { ContainerDetails } from '../ports/container-runtime.js';
import { recordLine } from '../runbook/actions.js';
import type { Plan, Planned, StepIO } from '../runbook/engine.js';
import { describeError, RescueError } from '../runbook/errors.js';
import { targetRef } from './check-live-db.js';
import type { Deps } from './deps.js';
import {
  changedPolicies,
  describePolicies,
  readDowntimeRecord,
  writeDowntimeRecord,
  type DowntimeRecord,
  type PolicyRecord,
} from './downtime-record.js';
import type { Target } from './facts.js';
import { listIncidentHelpers, removalsOf } from './helpers.js';
import { knownRef } from './known-target.js';
import {
  inspectContainer,
  inspectService,
  readSwarmNodeId,
  scaleService,
  setRestartPolicy,
  startContainer,
  waitForService,
  type ContainerRef,
} from './port-actions.js';
import { requireFact } from './require-fact.js';
import { cannotTell } from './stage-in-container.js';
import type { StepKind } from './step-kind.js';
import { writersOf, type WriterContainer, type WriterPlan } from './writers.js';

/** How long a started container may take to read as running (it usually does as soon as the start call returns). */
export const START_WAIT_MS = 30_000;
/** How long a Swarm service scaled back up may take until each of its tasks runs. */
export const SWARM_START_WAIT_MS = 60_000;
const POLL_MS = 100;

interface StartPlan extends Plan<Deps> {
  writers: WriterPlan;
  /** The starts (or the scale and its wait), then the restart policies put back. */
  starts: Array<Planned<Deps>>;
  restores: Array<Planned<Deps>>;
  /** The record the restores come from; absent when nothing was changed (or a dry-run). */
  record?: DowntimeRecord;
  /** What is put back, for the finding. */
  putBack: PolicyRecord[];
}

const refOf = (container: { id: string; name: string }): ContainerRef => ({ id: container.id, name: container.name });

function refFor(target: Target, writer: WriterContainer): ContainerRef {
  return writer.id === target.containerId ? targetRef(target) : refOf(writer);
}

// What the run will put back: the record's policies. A dry-run changed nothing, so it shows what it found now.
async function policiesToRestore(
  io: StepIO,
  target: Target,
  writers: WriterContainer[],
  record: DowntimeRecord | undefined,
): Promise<PolicyRecord[]> {
  if (record) return changedPolicies(record);
  if (!io.isDryRun) return [];
  const found = await Promise.all(
    writers.map(async (writer) => ({ writer, details: await io.perform(inspectContainer(refFor(target, writer))) })),
  );
  return changedPolicies({
    policies: found.map(({ writer, details }) => ({ id: writer.id, name: writer.name, policy: details.restartPolicy })),
  });
}

// Running and not restarting: a container that exited at once is reported, not waited on.
async function waitUntilRunning(io: StepIO, deps: Deps, ref: ContainerRef): Promise<ContainerDetails> {
  const deadline = deps.clock.now() + START_WAIT_MS;
  for (;;) {
    const details = await io.perform(inspectContainer(ref), 'verify');
    if (details.state === 'running') return details;
    if (details.state !== 'created' || deps.clock.now() >= deadline) {
      throw new RescueError(`${ref.name} did not stay up: it is ${details.state}`, {
        hint: `read its logs (docker logs ${ref.name}); the restored database is in place and the old files are in quarantine`,
      });
    }
    await deps.clock.sleep(POLL_MS);
  }
}

// A Swarm service's new task on this node is the target from now on: verify checks and watches it.
async function settleNewTask(io: StepIO, deps: Deps, target: Target, service: string): Promise<Target> {
  const [found, nodeId] = await Promise.all([io.perform(inspectService(service), 'verify'), io.perform(readSwarmNodeId(), 'verify')]);
  const task = found.tasks.find(
    (candidate) =>
      candidate.state === 'running' && candidate.desiredState === 'running' && candidate.nodeId === nodeId && candidate.containerId,
  );
  if (!task?.containerId)
    throw new RescueError(`Swarm service ${service} runs no task on this node after it was scaled back`, {
      hint: `look at its tasks: docker service ps --no-trunc ${service}`,
    });
  const details = await io.perform(inspectContainer({ id: task.containerId, name: task.containerId.slice(0, 12) }), 'verify');
  const settled = { ...target, containerId: details.id, containerName: details.name };
  deps.facts.target = settled;
  io.finding(`Swarm service ${service} runs a new task: container ${details.name} (the target from now on)`, {
    containerId: details.id,
    containerName: details.name,
  });
  return settled;
}

async function putBackRecord(io: StepIO, deps: Deps, plan: StartPlan, context: string): Promise<void> {
  if (!plan.record) return;
  await writeDowntimeRecord(deps, { ...plan.record, restoredAt: new Date(deps.clock.now()).toISOString() });
  if (plan.putBack.length > 0)
    io.finding(`restart policy put back as it was${context}: ${describePolicies(plan.putBack)}`, { policies: plan.putBack });
  if (plan.record.service)
    io.finding(`Swarm service ${plan.record.service.name} scaled back to ${plan.record.service.replicas} replica(s)${context}`, {
      service: plan.record.service,
    });
}

function describeDowntime(deps: Deps): string {
  const downtime =
    deps.facts.stoppedAt === undefined || deps.facts.startedAt === undefined ? undefined : deps.facts.startedAt - deps.facts.stoppedAt;
  return downtime === undefined ? '' : `downtime ${(downtime / 1000).toFixed(1)} s`;
}

export const startApp: StepKind = {
  kind: 'start-app',
  mutates: true,
  declare: (known) => {
    if (known.facts.writers?.kind === 'swarm') {
      const { name, replicas } = known.facts.writers.service;
      return [scaleService(name, replicas).decl, waitForService(name, { kind: 'running', count: replicas }, SWARM_START_WAIT_MS).decl];
    }
    return [
      startContainer(knownRef(known)).decl,
      {
        ...setRestartPolicy(knownRef(known), { name: 'unless-stopped', maximumRetryCount: 0 }).decl,
        cli: ['docker', 'update', '--restart', '<as it was>', knownRef(known).name],
        when: 'when stop-app set it to no',
      },
    ];
  },
  async plan(io, deps): Promise<StartPlan> {
    const target = requireFact(deps.facts.target, 'the target', 'find-container');
    // A helper an interrupted run left behind goes before the app starts again: it holds the volume.
    const stale = removalsOf(await listIncidentHelpers(io, deps.incident.id)) as Array<Planned<Deps>>;
    const writers = writersOf(deps.facts.writers, target);
    const record = deps.facts.downtime ?? (await readDowntimeRecord(deps));
    if (io.isDryRun) cannotTell(io, `whether ${target.containerName} starts, stays up and writes on the restored database`);
    if (writers.kind === 'swarm') {
      const { name } = writers.service;
      const replicas = record?.service?.replicas ?? writers.service.replicas;
      const starts = [
        ...stale,
        scaleService(name, replicas),
        waitForService(name, { kind: 'running', count: replicas }, SWARM_START_WAIT_MS),
      ] as Array<Planned<Deps>>;
      return {
        summary: `scale Swarm service ${name} back to ${replicas}`,
        actions: starts,
        starts,
        restores: [],
        record,
        putBack: [],
        writers,
      };
    }
    const putBack = await policiesToRestore(io, target, writers.containers, record);
    const starts = [...stale, ...writers.containers.map((writer) => startContainer(refFor(target, writer)))] as Array<Planned<Deps>>;
    const restores = putBack.map((entry) => setRestartPolicy(refFor(target, entry), entry.policy)) as Array<Planned<Deps>>;
    const policyNote = putBack.length > 0 ? ` and put back the restart policy (${describePolicies(putBack)})` : '';
    return {
      summary: `start ${writers.containers.map((writer) => writer.name).join(', ')}${policyNote}`,
      actions: [...starts, ...restores],
      cleanup: restores,
      starts,
      restores,
      record,
      putBack,
      writers,
    };
  },
  async apply(io, deps, plan) {
    const start = plan as StartPlan;
    const target = requireFact(deps.facts.target, 'the target', 'find-container');
    // Confirmed with the whole downtime window, before the stop: the app comes back without another question.
    let settled = target;
    try {
      for (const action of start.starts) await io.perform(action);
      deps.facts.startedAt = deps.clock.now();
      if (start.writers.kind === 'swarm') settled = await settleNewTask(io, deps, target, start.writers.service.name);
      else for (const writer of start.writers.containers) await waitUntilRunning(io, deps, refFor(target, writer));
    } catch (error) {
      // The swap is complete: the app is as the operator configured it again, whatever its first start did.
      let isPutBack = true;
      for (const undo of plan.cleanup ?? []) {
        await io.perform(undo, 'cleanup').catch((failure: unknown) => {
          isPutBack = false;
          io.output(`could not put back (${recordLine(undo.decl)}): ${describeError(failure).message}`);
        });
      }
      if (isPutBack) await putBackRecord(io, deps, start, ' after the failed start');
      throw error;
    }
    for (const action of start.restores) await io.perform(action);
    await putBackRecord(io, deps, start, '');
    const downtime = describeDowntime(deps);
    const names =
      start.writers.kind === 'containers' ? start.writers.containers.map((writer) => writer.name).join(', ') : settled.containerName;
    io.finding(`started ${names}${downtime ? `: ${downtime} (stop → start)` : ''}`);
    return { summary: `started ${names}${downtime ? `, ${downtime}` : ''}`, data: { target: settled } };
  },
  // Done when every writer runs again and every policy is back as recorded (a crash between the start and the
  // restore leaves the policy at `no`: the step then runs again, the start a no-op).
  async reverify(io, deps, past) {
    const target = requireFact(deps.facts.target, 'the target', 'find-container');
    const writers = writersOf(deps.facts.writers, target);
    const record = deps.facts.downtime ?? (await readDowntimeRecord(deps));
    if (writers.kind === 'swarm') {
      const service = await io.perform(inspectService(writers.service.name));
      const running = service.tasks.filter((task) => task.state === 'running' && task.desiredState === 'running').length;
      if (running !== (record?.service?.replicas ?? writers.service.replicas)) return undefined;
      const settled = (past.data as { target?: Target } | undefined)?.target;
      if (settled && settled.containerId !== target.containerId) deps.facts.target = settled;
    } else {
      const found = await Promise.all(writers.containers.map((writer) => io.perform(inspectContainer(refFor(target, writer)))));
      if (found.some((details) => details.state !== 'running')) return undefined;
      const isBack = changedPolicies(record).every(
        (entry) => found.find((details) => details.id === entry.id)?.restartPolicy.name === entry.policy.name,
      );
      if (!isBack) return undefined;
    }
    deps.facts.startedAt = Date.parse(past.at);
    return {
      summary: `${deps.facts.target?.containerName ?? target.containerName} is running${record ? ', as configured before the restore' : ''}`,
      data: past.data,
    };
  },
};
