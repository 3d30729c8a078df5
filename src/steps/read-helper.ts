// Reads that need a process (df, stat, the tools probe) when the app's container cannot run one: a short-lived helper
// from the app's own image on its volumes mounted read-only, removed as soon as the reads are done. It cannot change
// what it reads, so a read-only step or a plan may start it.
import type { StepIO } from '../runbook/engine.js';
import { describeError } from '../runbook/errors.js';
import type { Deps } from './deps.js';
import type { Target } from './facts.js';
import { helperName, helperRef } from './helpers.js';
import { removeReadHelper, startReadHelper, type ContainerRef } from './port-actions.js';

/**
 * Runs `work` in a read-only helper and removes it whatever work did. Resolves undefined, saying why, when no helper
 * can start (an image without sleep): the caller then reads through the archive API or goes without.
 */
export async function withReadHelper<T>(
  io: StepIO,
  deps: Deps,
  target: Target,
  work: (helper: ContainerRef) => Promise<T>,
): Promise<T | undefined> {
  const name = helperName(target, deps.incident.id, 'read');
  // One an interrupted run left behind holds the name.
  await io.perform(removeReadHelper(name));
  try {
    await io.perform(startReadHelper({ id: target.containerId, name: target.containerName, image: target.image }, name, deps.incident.id));
  } catch (error) {
    io.output(`no read-only helper could start from ${target.image} (${describeError(error).message})`);
    return undefined;
  }
  try {
    return await work(helperRef(name));
  } finally {
    await io
      .perform(removeReadHelper(name))
      .catch((error: unknown) =>
        io.output(`could not remove the read-only helper ${name} (${describeError(error).message}): docker rm -f ${name}`),
      );
  }
}
