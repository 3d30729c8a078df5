// The app's name as a person knows it, from the platform's labels. A stand-in: src/steps/platform-labels.ts (being
// written) is the one place for this, and this function should give way to it.

/** Coolify, Compose, Dokku, Kamal labels in that order; else the container's own name. */
export function appNameOf(labels: Record<string, string>, containerName: string): string {
  const coolify = labels['coolify.resourceName'] ?? labels['coolify.name'];
  if (coolify) return coolify;
  const project = labels['com.docker.compose.project'];
  const service = labels['com.docker.compose.service'];
  if (project && service) return `${project}/${service}`;
  if (labels['com.dokku.app-name']) return labels['com.dokku.app-name'];
  const kamal = labels.service;
  if (kamal && labels.role) return labels.destination ? `${kamal} (${labels.destination})` : kamal;
  return containerName;
}

/** The tag of an image reference (`ghcr.io/acme/app:pr-12` → `pr-12`); '' when it has none (a registry port is no tag). */
export function imageTagOf(image: string): string {
  const name = image.split('@')[0];
  const lastSlash = name.lastIndexOf('/');
  const colon = name.indexOf(':', lastSlash + 1);
  return colon === -1 ? '' : name.slice(colon + 1);
}
