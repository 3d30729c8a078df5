// Step quarantine-and-swap: with the app stopped, the corrupted .db, -wal and -shm are renamed into a quarantine
// folder on the same filesystem (nothing is deleted), then the staged copy is renamed to the live name. Renames only:
// the live name never points at a partial file. A stopped container cannot exec, so a helper container from the
// app's own image, sharing its volumes, does the renames.
import type { ExecResult } from '../ports/container-runtime.js';
import { recordLine } from '../runbook/actions.js';
import type { Plan, Planned, StepIO } from '../runbook/engine.js';
import { RescueError } from '../runbook/errors.js';
import { shellLine } from '../runbook/shell-line.js';
import { hasTool, targetRef } from './check-live-db.js';
import { basename, dirname, join, quarantineDir, sidecars, stagedPath } from './container-paths.js';
import type { Deps, Known } from './deps.js';
import type { QuarantinedFile, Target } from './facts.js';
import { helperName, helperRef, startHelperFor } from './helpers.js';
import { knownHelperName, knownTarget } from './known-target.js';
import { changedPolicies, describePolicies, NO_RESTART, writeDowntimeRecord } from './downtime-record.js';
import { execIn, inspectContainer, inspectService, removeHelper, setRestartPolicy, statInContainer } from './port-actions.js';
import { writeQuarantineManifest } from './quarantine-manifest.js';
import { requireFact } from './require-fact.js';
import { cannotTell } from './stage-in-container.js';
import type { StepKind } from './step-kind.js';
import { volumeRef } from './volume-view.js';
import { writersOf } from './writers.js';

interface SwapState {
  staged: { size: number } | null;
  /** What of the live files is in this incident's quarantine already. */
  quarantined: QuarantinedFile[];
  /** The live files present now, with their size. */
  present: Array<{ path: string; size: number }>;
  live: { size: number } | null;
  /** The old database is in quarantine, no staged copy waits, and the live name holds a file of the snapshot's size. */
  isSwapped: boolean;
}

// Read from the volume itself (archive API: works with the app stopped), never from the journal.
export async function readSwapState(io: StepIO, deps: Deps, stagedAt: string): Promise<SwapState> {
  const target = requireFact(deps.facts.target, 'the target', 'find-container');
  const ref = volumeRef(deps, target);
  const quarantine = quarantineDir(target.dbPath, deps.incident.id);
  const snapshot = requireFact(deps.facts.snapshot, 'the snapshot', 'snapshot-source');
  const { wal, shm } = sidecars(target.dbPath);
  const paths = [target.dbPath, wal, shm];
  const [staged, inQuarantine, here] = await Promise.all([
    io.perform(statInContainer(ref, stagedAt)),
    Promise.all(paths.map((from) => io.perform(statInContainer(ref, join(quarantine, basename(from)))))),
    Promise.all(paths.map((path) => io.perform(statInContainer(ref, path)))),
  ]);
  const quarantined = paths.flatMap((from, index) =>
    inQuarantine[index] ? [{ from, to: join(quarantine, basename(from)), size: inQuarantine[index].size, sha256: '' }] : [],
  );
  const present = paths.flatMap((path, index) => (here[index] ? [{ path, size: here[index].size }] : []));
  const live = here[0];
  const isSwapped = quarantined.some((file) => file.from === target.dbPath) && !staged && live !== null && live.size >= snapshot.bytes;
  return { staged, quarantined, present, live, isSwapped };
}

function recordQuarantine(deps: Deps, quarantine: string, files: QuarantinedFile[]): void {
  deps.facts.quarantineDir = quarantine;
  deps.facts.quarantined = files;
}

interface SwapPlan extends Plan<Deps> {
  quarantine: string;
  staged: string;
  /** The restart policies to put back when the swap fails before it moved anything (the app may start as it was). */
  putBack: Array<Planned<Deps>>;
  /** Policies set to `no` again first (a failed attempt had put them back): the window is open again. */
  reopen: Array<Planned<Deps>>;
  /** Each move into quarantine, with the file it moves. */
  moves: Map<Planned<Deps>, QuarantinedFile>;
  /** The last rename: the staged copy to the live name. */
  rename?: Planned<Deps>;
  isAlreadySwapped: boolean;
  /** What the probes found in quarantine already (an interrupted run moved it). */
  alreadyQuarantined: QuarantinedFile[];
}

type HelperState = 'running' | 'stopped' | 'absent';

function swapActions(
  target: Target,
  incidentId: string,
  helperName: string,
  moves: Array<{ path: string; size: number }>,
  staged: string,
  helper: HelperState,
) {
  const quarantine = quarantineDir(target.dbPath, incidentId);
  const ref = helperRef(helperName);
  const mv = (from: string, to: string) => execIn(ref, ['mv', from, to], { where: 'helper', mutates: true });
  const moveActions = moves.map((file) => ({
    action: mv(file.path, join(quarantine, basename(file.path))),
    file: { from: file.path, to: join(quarantine, basename(file.path)), size: file.size, sha256: '' },
  }));
  const rename = mv(staged, target.dbPath);
  // A helper a daemon restart stopped still holds its name: it goes, and a new one starts.
  const start =
    helper === 'running'
      ? []
      : [...(helper === 'stopped' ? [removeHelper(helperName)] : []), startHelperFor(target, incidentId, 'swap', undefined, helperName)];
  const actions: Array<Planned<Deps>> = [
    ...start,
    execIn(ref, ['mkdir', '-p', quarantine], { where: 'helper', mutates: true }),
    ...moveActions.map((entry) => entry.action),
    rename,
    removeHelper(ref.name),
  ];
  return {
    actions,
    moves: new Map(moveActions.map((entry) => [entry.action as Planned<Deps>, entry.file])),
    rename: rename as Planned<Deps>,
    cleanup: [removeHelper(ref.name)],
  };
}

/** With the .db, -wal and -shm all present: what a run whose app ran in WAL mode does. */
function declareSwap(known: Known) {
  const target = knownTarget(known);
  const { wal, shm } = sidecars(target.dbPath);
  const staged = stagedPath(target.dbPath, known.incident.id);
  const moves = [target.dbPath, wal, shm].map((path) => ({ path, size: 0 }));
  return swapActions(target, known.incident.id, knownHelperName(known, 'swap'), moves, staged, 'absent').actions.map(
    (action) => action.decl,
  );
}

async function helperState(io: StepIO, name: string): Promise<HelperState> {
  const details = await io.perform(inspectContainer(helperRef(name))).catch(() => undefined);
  return details === undefined ? 'absent' : details.state === 'running' ? 'running' : 'stopped';
}

// Every writer must be down before a file moves: something may have started one since the stop (a daemon restart
// under a policy put back after a failed attempt, or a person). A policy at anything but `no` while the window is open
// is set to `no` again first.
async function guardWriters(
  io: StepIO,
  deps: Deps,
  target: Target,
): Promise<{ setNo: Array<Planned<Deps>>; putBack: Array<Planned<Deps>> }> {
  const writers = writersOf(deps.facts.writers, target);
  const isOpen = deps.facts.downtime !== undefined;
  if (writers.kind === 'swarm') {
    const service = await io.perform(inspectService(writers.service.name));
    const alive = service.tasks.filter((task) => task.desiredState === 'running');
    if (alive.length > 0) {
      throw new RescueError(`Swarm service ${service.name} runs ${alive.length} task(s) again: the swap needs its writers stopped`, {
        hint: `scale it to 0 (docker service scale ${service.name}=0) and retry this step; nothing was moved by this attempt`,
      });
    }
    return { setNo: [], putBack: [] };
  }
  const found = await Promise.all(
    writers.containers.map((writer) =>
      io.perform(inspectContainer(writer.id === target.containerId ? targetRef(target) : { id: writer.id, name: writer.name })),
    ),
  );
  const running = found.filter((details) => ['running', 'restarting', 'paused'].includes(details.state));
  if (running.length > 0) {
    throw new RescueError(
      `${running.map((details) => `${details.name} is ${details.state}`).join(', ')}: the swap needs every writer stopped`,
      {
        hint:
          `something started it since the stop (a daemon restart under its restart policy, or a person): stop it (docker stop ` +
          `${running.map((details) => details.name).join(' ')}) and retry this step; nothing was moved by this attempt`,
      },
    );
  }
  const recorded = changedPolicies(deps.facts.downtime);
  const ref = (entry: { id: string; name: string }) =>
    entry.id === target.containerId ? targetRef(target) : { id: entry.id, name: entry.name };
  const reopened = isOpen ? recorded.filter((entry) => found.find((details) => details.id === entry.id)?.restartPolicy.name !== 'no') : [];
  return {
    setNo: reopened.map((entry) => setRestartPolicy(ref(entry), NO_RESTART)) as Array<Planned<Deps>>,
    putBack: recorded.map((entry) => setRestartPolicy(ref(entry), entry.policy)) as Array<Planned<Deps>>,
  };
}

export const quarantineAndSwap: StepKind = {
  kind: 'quarantine-and-swap',
  mutates: true,
  declare: declareSwap,
  async plan(io, deps): Promise<SwapPlan> {
    const target = requireFact(deps.facts.target, 'the target', 'find-container');
    const snapshot = requireFact(deps.facts.snapshot, 'the snapshot', 'snapshot-source');
    const staged = io.isDryRun
      ? stagedPath(target.dbPath, deps.incident.id)
      : requireFact(deps.facts.stagedPath, 'the staged copy', 'stage-in-container');
    const quarantine = quarantineDir(target.dbPath, deps.incident.id);
    const swapHelper = helperName(target, deps.incident.id, 'swap');
    // stop-app starts the swap helper before the stop: a dry-run, which started nothing, plans as the run will find it.
    const [state, helper] = await Promise.all([
      readSwapState(io, deps, staged),
      io.isDryRun ? ('running' as const) : helperState(io, swapHelper),
    ]);
    if (state.isSwapped) {
      return {
        summary: `already swapped before the interruption: ${target.dbPath} is the snapshot, old files in ${quarantine}`,
        actions: helper === 'absent' ? [] : [removeHelper(swapHelper)],
        quarantine,
        staged,
        putBack: [],
        reopen: [],
        moves: new Map(),
        isAlreadySwapped: true,
        alreadyQuarantined: state.quarantined,
      };
    }
    // A dry-run stopped nothing: the writers run and their policies are as they were.
    const guard = io.isDryRun ? { setNo: [], putBack: [] } : await guardWriters(io, deps, target);
    if (io.isDryRun) {
      const missing = ['sleep', 'mkdir', 'mv'].filter((tool) => !hasTool(deps, tool));
      if (missing.length > 0)
        io.finding(`THE SWAP WOULD FAIL: the image ${target.image} lacks ${missing.join(', ')}, which the helper container runs`);
      else io.finding(`the image ${target.image} has sleep, mkdir and mv: the swap helper can run`);
      cannotTell(io, 'whether the renames succeed at that moment (permissions, a file held by another process)');
    } else if (!state.staged || state.staged.size !== snapshot.bytes) {
      throw new RescueError(`the staged copy ${staged} is ${state.staged ? `${state.staged.size} bytes, not ${snapshot.bytes}` : 'gone'}`, {
        hint:
          state.quarantined.length === 0
            ? `nothing was moved; the app is stopped: run stage-in-container again, or start the app with docker start ${target.containerName}`
            : `${state.quarantined.map((file) => file.from).join(', ')} are in ${quarantine}; the app is stopped: stage the snapshot again (retry stage-in-container) before going on`,
      });
    }
    // Moved before an interruption: never move a second file over it.
    const toMove = state.present.filter((file) => !state.quarantined.some((done) => done.from === file.path));
    if (state.quarantined.length > 0) recordQuarantine(deps, quarantine, state.quarantined);
    const swap = swapActions(target, deps.incident.id, swapHelper, toMove, staged, helper);
    return {
      summary: `move ${toMove.map((file) => file.path).join(', ')} into ${quarantine} and rename the staged copy to ${target.dbPath}`,
      actions: [...guard.setNo, ...swap.actions],
      cleanup: [...swap.cleanup, ...guard.putBack],
      putBack: guard.putBack,
      reopen: guard.setNo,
      quarantine,
      staged,
      moves: swap.moves,
      rename: swap.rename,
      isAlreadySwapped: false,
      alreadyQuarantined: state.quarantined,
    };
  },
  async apply(io, deps, plan) {
    const swap = plan as SwapPlan;
    const target = requireFact(deps.facts.target, 'the target', 'find-container');
    const snapshot = requireFact(deps.facts.snapshot, 'the snapshot', 'snapshot-source');
    const { quarantine } = swap;
    const { dbPath, containerName } = target;
    // No question here: the downtime window (stop, swap, start) was confirmed once, before the stop.
    if (swap.isAlreadySwapped) {
      for (const action of plan.actions) await io.perform(action);
      recordQuarantine(deps, quarantine, swap.alreadyQuarantined);
      await writeQuarantineManifest(deps);
      deps.facts.swapped = true;
      return { summary: swap.summary, data: { quarantine, moved: deps.facts.quarantined } };
    }
    const moved = [...(deps.facts.quarantined ?? [])];
    const stateNow = () =>
      moved.length === 0
        ? `nothing was moved; the app is stopped: docker start ${containerName} to bring it back as it was`
        : `${moved.map((file) => file.from).join(', ')} already moved to ${quarantine}; the app is stopped: run \`sqlite-rescue resume\` to finish`;
    try {
      for (const action of plan.actions) {
        if (action === swap.rename) await requireNoLeftovers(io, deps, target, quarantine);
        const result = await io.perform(action);
        if (action === swap.reopen.at(-1) && deps.facts.downtime)
          await writeDowntimeRecord(deps, { ...deps.facts.downtime, restoredAt: undefined });
        if (action.decl.kind === 'argv') {
          const exec = result as ExecResult;
          if (exec.exitCode !== 0) {
            const state =
              action === swap.rename
                ? `the corrupted files are in ${quarantine} and ${dbPath} is missing; the app is stopped: run \`sqlite-rescue resume\` to finish`
                : stateNow();
            throw new RescueError(`${shellLine(action.decl.argv)} failed (exit ${exec.exitCode}): ${(exec.stderr || exec.stdout).trim()}`, {
              hint: state,
            });
          }
        }
        const file = swap.moves.get(action);
        if (file) {
          moved.push(file);
          recordQuarantine(deps, quarantine, moved);
          await writeQuarantineManifest(deps);
          io.output(`moved ${file.from} → ${file.to} (${file.size} bytes)`);
        }
        if (action === swap.rename) {
          const live = await io.perform(statInContainer(volumeRef(deps, target), dbPath), 'verify');
          if (!live || live.size !== snapshot.bytes) {
            throw new RescueError(`${dbPath} is ${live ? `${live.size} bytes, not ${snapshot.bytes}` : 'missing'} after the rename`, {
              hint: `the corrupted files are in ${quarantine}; the app is stopped`,
            });
          }
          deps.facts.swapped = true;
        }
      }
    } catch (error) {
      // Nothing moved: the volume is as it was, and the app may be started as it was, so its policy goes back too.
      // Once a file has moved, a writer the engine started would open a half-swapped volume: the policy stays `no`.
      const undo = (plan.cleanup ?? []).filter((action) => moved.length === 0 || !swap.putBack.includes(action));
      for (const action of undo)
        await io
          .perform(action, 'cleanup')
          .catch((failure: Error) => io.output(`could not undo (${recordLine(action.decl)}): ${failure.message}`));
      if (moved.length === 0 && swap.putBack.length > 0 && deps.facts.downtime) {
        await writeDowntimeRecord(deps, { ...deps.facts.downtime, restoredAt: new Date(deps.clock.now()).toISOString() });
        io.finding(`nothing was moved: restart policy put back (${describePolicies(changedPolicies(deps.facts.downtime))})`);
      }
      throw error;
    }
    io.finding(
      `quarantined ${moved.map((file) => basename(file.from)).join(', ')} in ${quarantine}; ${dbPath} is now the snapshot (${snapshot.bytes} bytes)`,
    );
    return { summary: `moved ${moved.length} file(s) to ${quarantine}; snapshot renamed to ${dbPath}`, data: { quarantine, moved } };
  },
  // Done when the quarantine holds the old database, no staged copy waits, and the live file is the snapshot's size.
  async reverify(io, deps, past) {
    const target = requireFact(deps.facts.target, 'the target', 'find-container');
    const quarantine = quarantineDir(target.dbPath, deps.incident.id);
    const state = await readSwapState(io, deps, stagedPath(target.dbPath, deps.incident.id));
    if (!state.isSwapped) return undefined;
    recordQuarantine(deps, quarantine, state.quarantined);
    deps.facts.swapped = true;
    return { summary: `${target.dbPath} is the snapshot; ${state.quarantined.length} old file(s) in ${quarantine}`, data: past.data };
  },
};

// Before the last rename: none of the live names may still hold a file (something else wrote there meanwhile).
async function requireNoLeftovers(io: StepIO, deps: Deps, target: Target, quarantine: string): Promise<void> {
  const { wal, shm } = sidecars(target.dbPath);
  const paths = [target.dbPath, wal, shm];
  const stats = await Promise.all(paths.map((path) => io.perform(statInContainer(volumeRef(deps, target), path), 'verify')));
  const leftovers = paths.filter((_, index) => stats[index] !== null);
  if (leftovers.length > 0) {
    throw new RescueError(`${leftovers.join(', ')} still beside the database although ${quarantine} holds its namesake`, {
      hint: `the app is stopped and the staged copy is not in place; something else wrote there: look at ${dirname(target.dbPath)} and ${quarantine} before going on`,
    });
  }
}
