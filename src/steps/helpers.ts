// Helper containers: short-lived containers from the app's own image on its volumes, for work the app's container
// cannot do (it is stopped, or the server's upload folder must be mounted). Each is named by the step before it
// exists, so every command that uses it can name it in the plan; each carries the helper label with the incident id.
import type { ContainerSummary } from '../ports/container-runtime.js';
import { HELPER_LABEL } from '../ports/container-runtime.js';
import type { StepIO } from '../runbook/engine.js';
import type { Target } from './facts.js';
import { listContainers, removeHelper, startHelper, type ContainerRef } from './port-actions.js';

export type HelperPurpose = 'swap' | 'stage' | 'read';

/** Docker's name rules: [a-zA-Z0-9][a-zA-Z0-9_.-]*. */
export function helperName(target: Target, incidentId: string, purpose: HelperPurpose): string {
  return `${target.containerName}-rescue-${incidentId}-${purpose}`
    .replace(/[^a-zA-Z0-9_.-]+/g, '-')
    .replace(/^[^a-zA-Z0-9]+/, '')
    .slice(0, 120);
}

/** A helper is addressed by its name: the engine resolves it for exec and removal. */
export const helperRef = (name: string): ContainerRef => ({ id: name, name });

/** `name` defaults to the helper's own name for the target; a declaration may give a placeholder. */
export function startHelperFor(
  target: Target,
  incidentId: string,
  purpose: HelperPurpose,
  readOnlyBinds?: Array<{ hostPath: string; containerPath: string }>,
  name = helperName(target, incidentId, purpose),
) {
  return startHelper(
    { id: target.containerId, name: target.containerName, image: target.image },
    { name, label: incidentId, ...(readOnlyBinds ? { readOnlyBinds } : {}) },
  );
}

/** This incident's helpers that exist now (an interrupted run leaves them behind). */
export async function listIncidentHelpers(io: StepIO, incidentId: string): Promise<ContainerSummary[]> {
  return (await io.perform(listContainers())).filter((container) => container.labels[HELPER_LABEL] === incidentId);
}

/** The removal of each of this incident's helpers but `keep`, as actions for a plan. */
export function removalsOf(helpers: ContainerSummary[], keep?: string) {
  return helpers.filter((helper) => helper.name !== keep).map((helper) => removeHelper(helper.name));
}
