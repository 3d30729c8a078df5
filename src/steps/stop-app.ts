// Step stop-app: no writer may touch the database while its files are swapped.
import type { StepImpl } from '../runbook/engine.js';
import { shellLine } from '../runbook/template.js';
import type { Deps } from './deps.js';
import { cannotTell } from './dry-run-checks.js';
import { requireFact } from './require-fact.js';

/** Seconds docker gives the app to exit on SIGTERM before it kills it. */
export const STOP_TIMEOUT_SEC = 30;

export const stopApp: StepImpl<Deps> = {
  kind: 'stop-app',
  async run(io, deps) {
    const container = requireFact(deps.facts.container, 'the container', 'find-container');
    requireFact(deps.facts.stagedPath, 'the staged copy', 'stage-in-container');
    await io.confirm(`Stop ${container.name}? The app is down from here until start-app. Type the container name to confirm.`, container.name);
    const started = deps.clock.now();
    await deps.runtime.stop(container.id, STOP_TIMEOUT_SEC);
    deps.facts.stoppedAt = deps.clock.now();
    io.command({ argv: ['docker', 'stop', '-t', String(STOP_TIMEOUT_SEC), container.name], where: 'engine', exitCode: 0, durationMs: deps.facts.stoppedAt - started });
    const state = (await deps.runtime.inspect(container.id)).state;
    io.finding(`stopped ${container.name} at ${new Date(deps.facts.stoppedAt).toISOString()} (now ${state})`);
    return { summary: `stopped ${container.name} in ${((deps.facts.stoppedAt - started) / 1000).toFixed(1)} s` };
  },
  async reverify(io, deps, past) {
    const container = requireFact(deps.facts.container, 'the container', 'find-container');
    if ((await deps.runtime.inspect(container.id)).state === 'running') return undefined;
    deps.facts.stoppedAt = Date.parse(past.at);
    return { summary: `${container.name} is still stopped` };
  },
  async plan(io, deps) {
    const container = requireFact(deps.facts.container, 'the container', 'find-container');
    cannotTell(io, `whether ${container.name} stops cleanly within ${STOP_TIMEOUT_SEC} s, and so the real downtime`);
    return { summary: `would stop ${container.name}`, commands: [shellLine(['docker', 'stop', '-t', String(STOP_TIMEOUT_SEC), container.name])] };
  },
};
