// Which platform deployed a container, and the app's name as a person knows it there, from the labels each platform
// puts on its containers. Pure: table-driven tests pin every rule. The first platform that matches wins, in the order
// below: Coolify deploys through Compose (its containers carry both), and a Swarm stack is not a Compose project.

export type PlatformName = 'coolify' | 'dokku' | 'kamal' | 'swarm' | 'compose';

export interface PlatformLabels {
  platform: PlatformName;
  /** The name to show and to type at the confirmation: what the operator calls the app on that platform. */
  appName: string;
  /** The platform's own word on production or preview, with the label that says it; null when it has none. */
  role: { role: 'production' | 'preview'; reason: string } | null;
  /**
   * Containers with the same group run the same app component (a Compose service, a Swarm service, a Dokku process
   * type, a Kamal role): replicas of one another, ranked side by side.
   */
  group: string;
  /** Replica number within the group where the platform numbers them (Compose container-number). */
  replica: number | null;
  /** A one-off container (`docker compose run`, `dokku run`), never the app that serves. */
  oneOff: boolean;
}

type Reader = (labels: Record<string, string>) => PlatformLabels | null;

const previewMarker = /(^|[^a-z0-9])pr-?\d+([^a-z0-9]|$)/i;

// A name with pr-<n> in it is how previews are named on platforms that have no preview label of their own.
function roleFromName(what: string, name: string): PlatformLabels['role'] {
  return previewMarker.test(name) ? { role: 'preview', reason: `${what} "${name}" has pr-<n> (preview)` } : null;
}

const readCoolify: Reader = (labels) => {
  const pullRequestId = labels['coolify.pullRequestId'];
  if (labels['coolify.managed'] !== 'true' && pullRequestId === undefined) return null;
  // No name label: appName stays empty and the caller falls back to what the operator typed or the container's name.
  const resource = labels['coolify.resourceName'] || labels['coolify.name'] || labels['com.docker.compose.service'] || '';
  const project = labels['coolify.projectName'];
  const role: PlatformLabels['role'] =
    pullRequestId === undefined
      ? null
      : pullRequestId === '0'
        ? { role: 'production', reason: 'label coolify.pullRequestId=0 (production)' }
        : { role: 'preview', reason: `label coolify.pullRequestId=${pullRequestId} (preview)` };
  const previewSuffix = role?.role === 'preview' ? ` (PR ${pullRequestId})` : '';
  return {
    platform: 'coolify',
    appName: resource ? `${project ? `${project}/` : ''}${resource}${previewSuffix}` : '',
    role,
    group: `coolify:${project ?? ''}/${resource}/${pullRequestId ?? ''}/${labels['com.docker.compose.service'] ?? ''}`,
    replica: null,
    oneOff: false,
  };
};

const readDokku: Reader = (labels) => {
  const app = labels['com.dokku.app-name'];
  if (!app) return null;
  const processType = labels['com.dokku.process-type'];
  return {
    platform: 'dokku',
    appName: processType && processType !== 'web' ? `${app} (${processType})` : app,
    role: roleFromName('Dokku app', app),
    group: `dokku:${app}/${processType ?? ''}`,
    replica: numberOrNull(labels['com.dokku.dyno']?.split('.').pop()),
    // The app's own containers are container-type deploy; `dokku run` and cron ones are run/cron, builds image-stage build.
    oneOff: ['run', 'cron'].includes(labels['com.dokku.container-type'] ?? '') || labels['com.dokku.image-stage'] === 'build',
  };
};

// Kamal labels every app container with service and role, and destination when one was deployed with `-d` (older
// versions leave it out for the default destination, newer ones leave it empty).
const readKamal: Reader = (labels) => {
  const service = labels.service;
  const kamalRole = labels.role;
  if (!service || !kamalRole) return null;
  const destination = labels.destination ?? '';
  let role: NonNullable<PlatformLabels['role']> = { role: 'preview', reason: `label destination=${destination} (not production)` };
  if (destination === '') role = { role: 'production', reason: 'Kamal default destination (production)' };
  else if (/^(prod|production)$/i.test(destination)) role = { role: 'production', reason: `label destination=${destination} (production)` };
  const component = kamalRole === 'web' ? '' : ` (${kamalRole})`;
  return {
    platform: 'kamal',
    appName: `${service}${component}${role.role === 'preview' ? ` [${destination}]` : ''}`,
    role,
    group: `kamal:${service}/${kamalRole}/${destination}`,
    replica: null,
    oneOff: false,
  };
};

const readSwarm: Reader = (labels) => {
  const service = labels['com.docker.swarm.service.name'];
  if (!service) return null;
  const role = roleFromName('Swarm service', service);
  return { platform: 'swarm', appName: service, role, group: `swarm:${service}`, replica: null, oneOff: false };
};

const readCompose: Reader = (labels) => {
  const project = labels['com.docker.compose.project'];
  const service = labels['com.docker.compose.service'];
  if (!project || !service) return null;
  return {
    platform: 'compose',
    appName: service,
    role: roleFromName('Compose project', project),
    group: `compose:${project}/${service}`,
    replica: numberOrNull(labels['com.docker.compose.container-number']),
    oneOff: /^true$/i.test(labels['com.docker.compose.oneoff'] ?? ''),
  };
};

const READERS: Reader[] = [readCoolify, readDokku, readKamal, readSwarm, readCompose];

/** The platform that deployed a container with these labels; null when none of them did (plain `docker run`). */
export function readPlatformLabels(labels: Record<string, string>): PlatformLabels | null {
  for (const read of READERS) {
    const found = read(labels);
    if (found) return found;
  }
  return null;
}

function numberOrNull(text: string | undefined): number | null {
  const value = Number(text);
  return text !== undefined && text !== '' && Number.isInteger(value) ? value : null;
}

/**
 * The name a person knows the app by: its platform's, else what the operator typed (when it names the container),
 * else the container's own name. The word a confirmation asks for.
 */
export function appNameOf(container: { name: string; labels: Record<string, string> }, typed: string | undefined): string {
  const fromLabels = readPlatformLabels(container.labels)?.appName;
  if (fromLabels) return fromLabels;
  if (typed && container.name.includes(typed)) return typed;
  return container.name;
}
