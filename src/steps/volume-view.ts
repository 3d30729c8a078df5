// Which container the database's volume is read through (archive API: stat, hash). The target while it exists; while
// its Swarm service is scaled to 0 its task container is gone, and the swap helper, started on its volumes before the
// scale-down, is the one container that still sees them.
import type { Deps } from './deps.js';
import type { Target } from './facts.js';
import { helperName, helperRef } from './helpers.js';
import type { ContainerRef } from './port-actions.js';

export function volumeRef(deps: Pick<Deps, 'facts' | 'incident'>, target: Target): ContainerRef {
  const isScaledAway = deps.facts.writers?.kind === 'swarm' && deps.facts.stoppedAt !== undefined && deps.facts.startedAt === undefined;
  return isScaledAway ? helperRef(helperName(target, deps.incident.id, 'swap')) : { id: target.containerId, name: target.containerName };
}
