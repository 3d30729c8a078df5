// Step start-app: the app comes back on the restored database.
import type { Plan } from '../runbook/engine.js';
import { RescueError } from '../runbook/errors.js';
import { targetRef } from './check-live-db.js';
import type { Deps } from './deps.js';
import { listIncidentHelpers, removalsOf } from './helpers.js';
import { inspectContainer, startContainer } from './port-actions.js';
import { requireFact } from './require-fact.js';
import { cannotTell } from './stage-in-container.js';
import type { StepKind } from './step-kind.js';
import { knownRef } from './known-target.js';

/** How long a started app is watched before it counts as up: a crash on boot shows within it. */
export const SETTLE_MS = 1000;

export const startApp: StepKind = {
  kind: 'start-app',
  mutates: true,
  declare: (known) => {
    return [startContainer(knownRef(known)).decl];
  },
  async plan(io, deps): Promise<Plan<Deps>> {
    const target = requireFact(deps.facts.target, 'the target', 'find-container');
    // A helper an interrupted run left behind goes before the app starts again: it holds the volume.
    const stale = removalsOf(await listIncidentHelpers(io, deps.incident.id));
    if (io.isDryRun) cannotTell(io, `whether ${target.containerName} starts and writes on the restored database`);
    return { summary: `start ${target.containerName}`, actions: [...stale, startContainer(targetRef(target))] };
  },
  async apply(io, deps, plan) {
    const target = requireFact(deps.facts.target, 'the target', 'find-container');
    const name = target.containerName;
    // Confirmed with the whole downtime window, before the stop: the app comes back without another question.
    for (const action of plan.actions) await io.perform(action);
    deps.facts.startedAt = deps.clock.now();
    // Give a crashing app a moment to show it: running right after start proves little.
    await deps.clock.sleep(SETTLE_MS);
    const details = await io.perform(inspectContainer(targetRef(target)), 'verify');
    if (details.state !== 'running') {
      throw new RescueError(`${name} did not stay up: it is ${details.state}`, {
        hint: `read its logs (docker logs ${name}); the restored database is in place and the old files are in quarantine`,
      });
    }
    const downtime = deps.facts.stoppedAt === undefined ? undefined : deps.facts.startedAt - deps.facts.stoppedAt;
    io.finding(`started ${name}${downtime === undefined ? '' : `: downtime ${(downtime / 1000).toFixed(1)} s (stop → start)`}`);
    return { summary: `started ${name}${downtime === undefined ? '' : `, downtime ${(downtime / 1000).toFixed(1)} s`}` };
  },
  async reverify(io, deps, past) {
    const target = requireFact(deps.facts.target, 'the target', 'find-container');
    if ((await io.perform(inspectContainer(targetRef(target)))).state !== 'running') return undefined;
    deps.facts.startedAt = Date.parse(past.at);
    return { summary: `${target.containerName} is running` };
  },
};
