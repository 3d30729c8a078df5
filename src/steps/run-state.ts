// What state things are in, from the facts, for a run that stops early: the operator must know whether the app is
// down and what to type next.
import type { Facts } from './facts.js';

export function describeRunState(facts: Facts): string | undefined {
  const name = facts.container?.name;
  if (!name) return undefined;
  const parts: string[] = [];
  if (facts.stoppedAt !== undefined && facts.startedAt === undefined) parts.push(`the app is STOPPED: start it with \`docker start ${name}\``);
  if (facts.swapped) parts.push(`the restored database is in place; the old files are in ${facts.quarantineDir}`);
  else if (facts.quarantined && facts.quarantined.length > 0) parts.push(`${facts.quarantined.map((file) => file.from).join(', ')} moved to ${facts.quarantineDir} but the staged copy is not in place yet`);
  else if (facts.stagedPath) parts.push(`the live database is unchanged; a verified copy waits at ${facts.stagedPath}`);
  else parts.push('nothing was changed');
  return parts.join('; ');
}
