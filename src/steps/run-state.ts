// What state things are in, from the facts, for a run that stops early: the operator must know whether the app is
// down, what this run changed to keep it down (restart policies, a Swarm service scaled to 0), and what to type next.
import type { Deps } from './deps.js';
import { changedPolicies, describePolicies } from './downtime-record.js';
import type { Facts } from './facts.js';
import { restartFlag } from './port-actions.js';
import { writersOf } from './writers.js';

/** How long the engine gets to say what state the app is in, when a run stops. */
export const STATE_READ_TIMEOUT_MS = 5000;

// The window's changes still in place: what they are, and how they go back (after the restore, if it is half done).
function openChanges(facts: Facts, isHalfSwapped: boolean): string[] {
  const record = facts.downtime;
  if (!record || record.restoredAt) return [];
  const how = (what: string, commands: string) =>
    isHalfSwapped
      ? `\`sqlite-rescue resume\` finishes the restore and ${what}; by hand only once the swap is finished: ${commands}`
      : `\`sqlite-rescue resume\` ${what}, or by hand: ${commands}`;
  const parts: string[] = [];
  const changed = changedPolicies(record);
  if (changed.length > 0) {
    const commands = changed.map((entry) => `docker update --restart ${restartFlag(entry.policy)} ${entry.name}`).join('; ');
    parts.push(`restart policy set to no for the downtime window (it was ${describePolicies(changed)}): ${how('puts it back', commands)}`);
  }
  if (record.service) {
    const { name, replicas } = record.service;
    parts.push(
      `Swarm service ${name} is scaled to 0 (it had ${replicas}): ${how('scales it back', `docker service scale ${name}=${replicas}`)}`,
    );
  }
  return parts;
}

/** `actualState`: the container's state as the engine reports it now, when it could be read. */
export function describeRunState(facts: Facts, actualState?: string): string | undefined {
  const target = facts.target;
  if (!target) return undefined;
  const name = target.containerName;
  const writers = writersOf(facts.writers, target);
  const isHalfSwapped = !facts.swapped && (facts.quarantined ?? []).length > 0;
  const parts: string[] = [];
  const isStoppedByUs = facts.stoppedAt !== undefined && facts.startedAt === undefined;
  if (isStoppedByUs && writers.kind === 'swarm') parts.push(`the app is STOPPED: Swarm service ${writers.service.name} runs no task`);
  else if (isStoppedByUs) {
    const names = writers.kind === 'containers' ? writers.containers.map((writer) => writer.name).join(' ') : name;
    parts.push(
      isHalfSwapped
        ? `the app is STOPPED: do not start it before the swap is finished (\`sqlite-rescue resume\`)`
        : `the app is STOPPED: start it with \`docker start ${names}\``,
    );
  } else if (actualState?.startsWith('unknown')) parts.push(`the app's state is ${actualState}: check it with \`docker ps -a\``);
  else if (actualState !== undefined && actualState !== 'running' && facts.appWasDown === undefined) {
    parts.push(
      `the app is NOT running (${actualState}) although this run did not stop it (did the Docker engine restart?): start it with ` +
        `\`docker start ${name}\``,
    );
  } else if (actualState !== undefined && actualState !== 'running') parts.push(`the app is ${actualState}, as it was when the run began`);
  parts.push(...openChanges(facts, isHalfSwapped));
  if (facts.swapped) parts.push(`the restored database is in place; the old files are in ${facts.quarantineDir}`);
  else if (isHalfSwapped)
    parts.push(
      `${(facts.quarantined ?? []).map((file) => file.from).join(', ')} moved to ${facts.quarantineDir} but the staged copy is not in ` +
        `place yet`,
    );
  else if (facts.stagedPath) parts.push(`the live database is unchanged; a verified copy waits at ${facts.stagedPath}`);
  else if (!facts.downtime) parts.push('nothing was changed');
  else parts.push('the database was not changed');
  return parts.join('; ');
}

// The facts say what this run did; the engine says what is true now. Both go into the state an operator reads.
export async function readRunState(deps: Deps): Promise<string | undefined> {
  const target = deps.facts.target;
  if (!target) return describeRunState(deps.facts);
  const writers = writersOf(deps.facts.writers, target);
  // A Swarm task's container is removed when its service is scaled to 0: the service says whether the app runs.
  const read =
    writers.kind === 'swarm'
      ? deps.runtime
          .inspectService(writers.service.name)
          .then((service) => (service.tasks.some((task) => task.state === 'running') ? 'running' : 'no task running'))
      : deps.runtime.inspect(target.containerId).then((details) => details.state as string);
  const actual = await Promise.race([
    read.catch(() => 'unknown: the engine does not answer'),
    deps.clock.deadline(STATE_READ_TIMEOUT_MS).then(() => `unknown: the engine did not answer within ${STATE_READ_TIMEOUT_MS / 1000} s`),
  ]);
  return describeRunState(deps.facts, actual);
}
