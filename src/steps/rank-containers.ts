// Ranks containers so production comes first among PR previews. Pure: table-driven tests pin every rule.
import type { ContainerSummary } from '../ports/container-runtime.js';
import { readPlatformLabels, type PlatformLabels } from './platform-labels.js';

export type ContainerRole = 'production' | 'preview';

export interface RankedContainer {
  container: ContainerSummary;
  role: ContainerRole;
  /** Why it ranks where it does, for the operator. */
  reasons: string[];
  /** ISO start time when known (inspect), else the creation time. */
  startedAt: string | null;
  /** The platform that deployed it, from its labels; null for a plain `docker run`. */
  platform: PlatformLabels | null;
  /** The app's name as the operator knows it: the platform's name for it, else the container's name. */
  appName: string;
}

const previewPattern = /(^|[^a-z0-9])pr-?\d+([^a-z0-9]|$)/i;

function imageTag(image: string): string {
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  return colon === -1 ? '' : image.slice(colon + 1);
}

// The platform's own production/preview label decides; without one, a pr-<n> in the name or image tag marks a preview.
export function classifyContainer(container: ContainerSummary): { role: ContainerRole; reasons: string[] } {
  const reasons: string[] = [];
  const platform = readPlatformLabels(container.labels);
  if (platform?.role) {
    reasons.push(platform.role.reason);
    return { role: platform.role.role, reasons };
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

// Production before previews, the app's own containers before one-offs, a platform's own production label before a
// guess from the absence of a preview marker (a leftover `docker run` on the server is not the deployed app), running
// before anything else; then newest start first, with the replicas of one service (a Compose service, a Dokku process type...) side by side in order.
export function rankContainers(containers: Array<ContainerSummary & { startedAt?: string | null }>): RankedContainer[] {
  const ranked: RankedContainer[] = containers.map((container) => {
    const { role, reasons } = classifyContainer(container);
    const platform = readPlatformLabels(container.labels);
    if (platform?.oneOff) reasons.push(`a one-off ${platform.platform} container, not the app that serves`);
    reasons.push(container.state === 'running' ? 'running' : `not running (${container.state})`);
    return { container, role, reasons, startedAt: container.startedAt ?? null, platform, appName: platform?.appName ?? container.name };
  });
  const time = (entry: RankedContainer) => Date.parse(entry.startedAt ?? entry.container.createdAt) || 0;
  const running = (entry: RankedContainer) => entry.container.state === 'running';
  const groupOf = (entry: RankedContainer) =>
    `${entry.platform?.group ?? `container:${entry.container.id}`}|${entry.role}|${running(entry)}`;
  const newestOfGroup = new Map<string, number>();
  for (const entry of ranked) newestOfGroup.set(groupOf(entry), Math.max(newestOfGroup.get(groupOf(entry)) ?? 0, time(entry)));
  return ranked.sort((a, b) => {
    if (a.role !== b.role) return a.role === 'production' ? -1 : 1;
    const aOneOff = a.platform?.oneOff ?? false;
    const bOneOff = b.platform?.oneOff ?? false;
    if (aOneOff !== bOneOff) return aOneOff ? 1 : -1;
    const aLabelled = Boolean(a.platform?.role);
    const bLabelled = Boolean(b.platform?.role);
    if (aLabelled !== bLabelled) return aLabelled ? -1 : 1;
    if (running(a) !== running(b)) return running(a) ? -1 : 1;
    const byGroup = (newestOfGroup.get(groupOf(b)) ?? 0) - (newestOfGroup.get(groupOf(a)) ?? 0) || groupOf(a).localeCompare(groupOf(b));
    if (byGroup !== 0) return byGroup;
    return (a.platform?.replica ?? 0) - (b.platform?.replica ?? 0) || time(b) - time(a);
  });
}

// A name, a substring of a name, or an id prefix of at least 4 hex digits (a short word is never taken as an id).
export function matchesContainer(container: ContainerSummary, query: string): boolean {
  const isIdPrefix = /^[0-9a-f]{4,64}$/.test(query) && container.id.startsWith(query);
  return container.name === query || isIdPrefix || container.name.includes(query);
}
