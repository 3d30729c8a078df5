// Step stop-app: no writer may touch the database while its files are swapped.
import type { StepImpl } from '../runbook/engine.js';
import { shellLine } from '../runbook/template.js';
import type { Deps } from './deps.js';
import { cannotTell } from './dry-run-checks.js';
import { requireFact } from './require-fact.js';
import { readSwapState, removeStaleHelpers, startSwapHelper } from './quarantine-and-swap.js';
import { describeError, RescueError } from '../runbook/errors.js';

/** Seconds docker gives the app to exit on SIGTERM before it kills it. */
export const STOP_TIMEOUT_SEC = 30;

export const stopApp: StepImpl<Deps> = {
  kind: 'stop-app',
  async run(io, deps) {
    const container = requireFact(deps.facts.container, 'the container', 'find-container');
    requireFact(deps.facts.stagedPath, 'the staged copy', 'stage-in-container');
    await io.confirm(`Stop ${container.name}? The app is down from here until start-app. Type the container name to confirm.`, container.name);
    // The swap's helper starts while the app still runs: its start (about half a second) is then not downtime, and an
    // image that cannot run it is found before the app goes down, not after.
    await removeStaleHelpers(io, deps);
    const helperId = await startSwapHelper(io, deps).catch((error: unknown) => {
      throw new RescueError(`cannot start the helper container that would do the swap: ${describeError(error).message}`, {
        cause: error,
        hint: `${container.name} was not stopped and nothing was changed; the swap needs sleep, mkdir and mv in the image ${container.image} (see \`sqlite-rescue restore --dry-run\`)`,
      });
    });
    const started = deps.clock.now();
    try {
      await deps.runtime.stop(container.id, STOP_TIMEOUT_SEC);
    } catch (error) {
      await deps.runtime.removeHelper(helperId).catch(() => undefined);
      throw error;
    }
    deps.facts.swapHelperId = helperId;
    deps.facts.stoppedAt = deps.clock.now();
    io.command({ argv: ['docker', 'stop', '-t', String(STOP_TIMEOUT_SEC), container.name], where: 'engine', exitCode: 0, durationMs: deps.facts.stoppedAt - started });
    const state = (await deps.runtime.inspect(container.id)).state;
    io.finding(`stopped ${container.name} at ${new Date(deps.facts.stoppedAt).toISOString()} (now ${state})`);
    return { summary: `stopped ${container.name} in ${((deps.facts.stoppedAt - started) / 1000).toFixed(1)} s` };
  },
  // Done while the app is still stopped, or once the swap it was stopped for is in place (the app was started since):
  // stopping it a second time would only add downtime.
  async reverify(io, deps, past) {
    const container = requireFact(deps.facts.container, 'the container', 'find-container');
    deps.facts.stoppedAt = Date.parse(past.at);
    if ((await deps.runtime.inspect(container.id)).state !== 'running') return { summary: `${container.name} is still stopped` };
    const staged = deps.facts.stagedPath;
    if (staged && deps.facts.snapshot && (await readSwapState(deps, container.id, staged)).isSwapped) return { summary: `the swap it was stopped for is in place and ${container.name} runs again` };
    deps.facts.stoppedAt = undefined;
    return undefined;
  },
  async plan(io, deps) {
    const container = requireFact(deps.facts.container, 'the container', 'find-container');
    cannotTell(io, `whether ${container.name} stops cleanly within ${STOP_TIMEOUT_SEC} s, and so the real downtime`);
    return { summary: `would stop ${container.name}`, commands: [shellLine(['docker', 'stop', '-t', String(STOP_TIMEOUT_SEC), container.name])] };
  },
};
