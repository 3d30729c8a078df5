// Ranks containers so production comes first among PR previews. Pure: table-driven tests pin every rule.
import type { ContainerSummary } from '../ports/container-runtime.js';

export type ContainerRole = 'production' | 'preview';

export interface RankedContainer {
  container: ContainerSummary;
  role: ContainerRole;
  /** Why it ranks where it does, for the operator. */
  reasons: string[];
  /** ISO start time when known (inspect), else the creation time. */
  startedAt: string | null;
}

const previewPattern = /(^|[^a-z0-9])pr-?\d+([^a-z0-9]|$)/i;

function imageTag(image: string): string {
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  return colon === -1 ? '' : image.slice(colon + 1);
}

export function classifyContainer(container: ContainerSummary): { role: ContainerRole; reasons: string[] } {
  const reasons: string[] = [];
  const pullRequestId = container.labels['coolify.pullRequestId'];
  if (pullRequestId !== undefined) {
    if (pullRequestId === '0') {
      reasons.push('label coolify.pullRequestId=0 (production)');
      return { role: 'production', reasons };
    }
    reasons.push(`label coolify.pullRequestId=${pullRequestId} (preview)`);
    return { role: 'preview', reasons };
  }
  if (previewPattern.test(container.name)) {
    reasons.push(`name "${container.name}" has pr-<n> (preview)`);
    return { role: 'preview', reasons };
  }
  const tag = imageTag(container.image);
  if (previewPattern.test(tag)) {
    reasons.push(`image tag "${tag}" has pr-<n> (preview)`);
    return { role: 'preview', reasons };
  }
  reasons.push('no preview marker in labels, name or image tag');
  return { role: 'production', reasons };
}

// Production before previews, running before anything else, newest start first.
export function rankContainers(containers: Array<ContainerSummary & { startedAt?: string | null }>): RankedContainer[] {
  const ranked = containers.map((container) => {
    const { role, reasons } = classifyContainer(container);
    reasons.push(container.state === 'running' ? 'running' : `not running (${container.state})`);
    return { container, role, reasons, startedAt: container.startedAt ?? null };
  });
  const time = (entry: RankedContainer) => Date.parse(entry.startedAt ?? entry.container.createdAt) || 0;
  return ranked.sort((a, b) => {
    if (a.role !== b.role) return a.role === 'production' ? -1 : 1;
    const aRunning = a.container.state === 'running';
    const bRunning = b.container.state === 'running';
    if (aRunning !== bRunning) return aRunning ? -1 : 1;
    return time(b) - time(a);
  });
}

// A name, a substring of a name, or an id prefix of at least 4 hex digits (a short word is never taken as an id).
export function matchesContainer(container: ContainerSummary, query: string): boolean {
  const isIdPrefix = /^[0-9a-f]{4,64}$/.test(query) && container.id.startsWith(query);
  return container.name === query || isIdPrefix || container.name.includes(query);
}
