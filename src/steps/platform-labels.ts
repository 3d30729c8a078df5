// The name a person knows an app by, from the labels its platform puts on its containers; else what the operator
// typed (when it names the container), else the container's own name. Pure.
import type { ContainerSummary } from '../ports/container-runtime.js';

export function appNameOf(container: Pick<ContainerSummary, 'name' | 'labels'>, typed: string | undefined): string {
  const labels = container.labels;
  const fromLabels = labels['coolify.name'] ?? labels['com.docker.compose.service'] ?? labels['com.dokku.app-name'] ?? labels.service ?? labels['com.docker.swarm.service.name'];
  if (fromLabels) return fromLabels;
  if (typed && container.name.includes(typed)) return typed;
  return container.name;
}
