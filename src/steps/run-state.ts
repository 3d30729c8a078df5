// What state things are in, from the facts, for a run that stops early: the operator must know whether the app is
// down and what to type next.
import type { Deps } from './deps.js';
import type { Facts } from './facts.js';

/** How long the engine gets to say what state the app is in, when a run stops. */
export const STATE_READ_TIMEOUT_MS = 5000;

/** `actualState`: the container's state as the engine reports it now, when it could be read. */
export function describeRunState(facts: Facts, actualState?: string): string | undefined {
  const name = facts.target?.containerName;
  if (!name) return undefined;
  const parts: string[] = [];
  const isStoppedByUs = facts.stoppedAt !== undefined && facts.startedAt === undefined;
  if (isStoppedByUs) parts.push(`the app is STOPPED: start it with \`docker start ${name}\``);
  else if (actualState?.startsWith('unknown')) parts.push(`the app's state is ${actualState}: check it with \`docker ps -a\``);
  else if (actualState !== undefined && actualState !== 'running') {
    parts.push(`the app is NOT running (${actualState}) although this run did not stop it (did the Docker engine restart?): start it with \`docker start ${name}\``);
  }
  if (facts.swapped) parts.push(`the restored database is in place; the old files are in ${facts.quarantineDir}`);
  else if (facts.quarantined && facts.quarantined.length > 0) parts.push(`${facts.quarantined.map((file) => file.from).join(', ')} moved to ${facts.quarantineDir} but the staged copy is not in place yet`);
  else if (facts.stagedPath) parts.push(`the live database is unchanged; a verified copy waits at ${facts.stagedPath}`);
  else parts.push('nothing was changed');
  return parts.join('; ');
}

// The facts say what this run did; the engine says what is true now. Both go into the state an operator reads.
export async function readRunState(deps: Deps): Promise<string | undefined> {
  const target = deps.facts.target;
  if (!target) return describeRunState(deps.facts);
  const actual = await Promise.race([
    deps.runtime.inspect(target.containerId).then(
      (details) => details.state as string,
      () => 'unknown: the engine does not answer',
    ),
    deps.clock.deadline(STATE_READ_TIMEOUT_MS).then(() => `unknown: the engine did not answer within ${STATE_READ_TIMEOUT_MS / 1000} s`),
  ]);
  return describeRunState(deps.facts, actual);
}
