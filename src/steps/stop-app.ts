// Step stop-app: no writer may touch the database while its files are swapped. The swap's helper container starts
// first, while the app still runs: its start (about half a second) is then not downtime, and an image that cannot run
// it is found before the app goes down, not after.
import type { Plan } from '../runbook/engine.js';
import { describeError, RescueError } from '../runbook/errors.js';
import { targetRef } from './check-live-db.js';
import type { Deps } from './deps.js';
import { helperName, listIncidentHelpers, removalsOf, startHelperFor } from './helpers.js';
import { inspectContainer, removeHelper, stopContainer } from './port-actions.js';
import { readSwapState } from './quarantine-and-swap.js';
import { requireFact } from './require-fact.js';
import { cannotTell } from './stage-in-container.js';
import type { StepKind } from './step-kind.js';
import { knownHelperName, knownRef, knownTarget } from './known-target.js';

/** Seconds docker gives the app to exit on SIGTERM before it kills it. */
export const STOP_TIMEOUT_SEC = 30;

// One confirmation for the whole downtime window: stop, quarantine and swap, start run without pausing once it is given.
// It names the target the way the operator knows it, and what the restore costs: the downtime and the rows lost.
function downtimeQuestion(deps: Deps): string {
  const target = requireFact(deps.facts.target, 'the target', 'find-container');
  const role = deps.facts.candidates?.find((entry) => entry.container.id === target.containerId)?.role ?? 'production';
  const source = deps.facts.source;
  const loss = source ? `; restoring ${source.kind === 'local' ? 'the local copy' : `the backup ${source.path}`} loses the rows written after ${source.mtime}` : '';
  return (
    `Stop ${target.appName} (${role}: container ${target.containerName}, ${target.containerId.slice(0, 12)}), swap in the snapshot and start it again? ` +
    `The app is down from here until it is verified started: up to ${STOP_TIMEOUT_SEC} s for the stop, then a few seconds${loss}. Type ${target.appName} to confirm.`
  );
}

export const stopApp: StepKind = {
  kind: 'stop-app',
  mutates: true,
  declare: (known) => {
    const target = knownTarget(known);
    return [startHelperFor(target, known.incident.id, 'swap', undefined, knownHelperName(known, 'swap')).decl, stopContainer(knownRef(known), STOP_TIMEOUT_SEC).decl];
  },
  async plan(io, deps): Promise<Plan<Deps>> {
    const target = requireFact(deps.facts.target, 'the target', 'find-container');
    // A dry-run staged nothing: it plans the stop the run would make once the copy is staged.
    if (!io.isDryRun) requireFact(deps.facts.stagedPath, 'the staged copy', 'stage-in-container');
    // Helpers an interrupted run left behind would keep the volume busy and hold the names this run needs.
    const stale = removalsOf(await listIncidentHelpers(io, deps.incident.id));
    if (io.isDryRun) cannotTell(io, `whether ${target.containerName} stops cleanly within ${STOP_TIMEOUT_SEC} s, and so the real downtime`);
    return {
      summary: `stop ${target.containerName}`,
      actions: [...stale, startHelperFor(target, deps.incident.id, 'swap'), stopContainer(targetRef(target), STOP_TIMEOUT_SEC)],
      cleanup: [removeHelper(helperName(target, deps.incident.id, 'swap'))],
    };
  },
  async apply(io, deps, plan) {
    const target = requireFact(deps.facts.target, 'the target', 'find-container');
    await io.confirm(downtimeQuestion(deps), target.appName);
    const [stop, ...before] = [...plan.actions].reverse();
    for (const action of before.reverse()) {
      await io.perform(action).catch((error: unknown) => {
        throw new RescueError(`cannot start the helper container that would do the swap: ${describeError(error).message}`, {
          cause: error,
          hint: `${target.containerName} was not stopped and nothing was changed; the swap needs sleep, mkdir and mv in the image ${target.image} (see \`sqlite-rescue restore --dry-run\`)`,
        });
      });
    }
    const started = deps.clock.now();
    try {
      await io.perform(stop);
    } catch (error) {
      for (const undo of plan.cleanup ?? []) await io.perform(undo, 'cleanup').catch(() => undefined);
      throw error;
    }
    deps.facts.stoppedAt = deps.clock.now();
    const state = (await io.perform(inspectContainer(targetRef(target)), 'verify')).state;
    io.finding(`stopped ${target.containerName} at ${new Date(deps.facts.stoppedAt).toISOString()} (now ${state})`);
    return { summary: `stopped ${target.containerName} in ${((deps.facts.stoppedAt - started) / 1000).toFixed(1)} s` };
  },
  // Done while the app is still stopped, or once the swap it was stopped for is in place (the app was started since):
  // stopping it a second time would only add downtime.
  async reverify(io, deps, past) {
    const target = requireFact(deps.facts.target, 'the target', 'find-container');
    deps.facts.stoppedAt = Date.parse(past.at);
    if ((await io.perform(inspectContainer(targetRef(target)))).state !== 'running') return { summary: `${target.containerName} is still stopped` };
    const staged = deps.facts.stagedPath;
    if (staged && deps.facts.snapshot && (await readSwapState(io, deps, staged)).isSwapped) return { summary: `the swap it was stopped for is in place and ${target.containerName} runs again` };
    deps.facts.stoppedAt = undefined;
    return undefined;
  },
};
