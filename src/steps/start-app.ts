// Step start-app: the app comes back on the restored database.
import type { StepImpl } from '../runbook/engine.js';
import { RescueError } from '../runbook/errors.js';
import { shellLine } from '../runbook/template.js';
import type { Deps } from './deps.js';
import { cannotTell } from './dry-run-checks.js';
import { requireFact } from './require-fact.js';

export const startApp: StepImpl<Deps> = {
  kind: 'start-app',
  async run(io, deps) {
    const container = requireFact(deps.facts.container, 'the container', 'find-container');
    await io.confirm(`Start ${container.name} on the restored database? Type the container name to confirm.`, container.name);
    const started = deps.clock.now();
    await deps.runtime.start(container.id);
    deps.facts.startedAt = deps.clock.now();
    io.command({ argv: ['docker', 'start', container.name], where: 'engine', exitCode: 0, durationMs: deps.facts.startedAt - started });
    // Give a crashing app a moment to show it: running right after start proves little.
    await deps.clock.sleep(1000);
    const details = await deps.runtime.inspect(container.id);
    if (details.state !== 'running') {
      throw new RescueError(`${container.name} did not stay up: it is ${details.state}`, {
        hint: `read its logs (docker logs ${container.name}); the restored database is in place and the old files are in quarantine`,
      });
    }
    const downtime = deps.facts.stoppedAt === undefined ? undefined : deps.facts.startedAt - deps.facts.stoppedAt;
    io.finding(`started ${container.name}${downtime === undefined ? '' : `: downtime ${(downtime / 1000).toFixed(1)} s (stop → start)`}`);
    return { summary: `started ${container.name}${downtime === undefined ? '' : `, downtime ${(downtime / 1000).toFixed(1)} s`}` };
  },
  async reverify(io, deps, past) {
    const container = requireFact(deps.facts.container, 'the container', 'find-container');
    if ((await deps.runtime.inspect(container.id)).state !== 'running') return undefined;
    deps.facts.startedAt = Date.parse(past.at);
    return { summary: `${container.name} is running` };
  },
  async plan(io, deps) {
    const container = requireFact(deps.facts.container, 'the container', 'find-container');
    cannotTell(io, `whether ${container.name} starts and writes on the restored database`);
    return { summary: `would start ${container.name}`, commands: [shellLine(['docker', 'start', container.name])] };
  },
};
