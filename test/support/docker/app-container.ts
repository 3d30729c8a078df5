// Test containers: the app on a named volume at /data, and cleanup by name prefix.
import { APP_IMAGE } from './ensure-test-images.js';
import { waitUntil } from '../wait-until.js';
import { docker, tryDocker } from './docker-cli.js';

export interface AppContainerOptions {
  name: string;
  volumeName: string;
  labels?: Record<string, string>;
  image?: string;
  /** `docker run --user`, e.g. '1000:1000'; the image default (root) when absent. */
  user?: string;
}

export interface AppContainer {
  id: string;
  name: string;
  volumeName: string;
}

export async function startAppContainer(opts: AppContainerOptions): Promise<AppContainer> {
  await docker(['volume', 'create', opts.volumeName]);
  const labelArgs = Object.entries(opts.labels ?? {}).flatMap(([key, value]) => ['--label', `${key}=${value}`]);
  const userArgs = opts.user ? ['--user', opts.user] : [];
  const id = await docker([
    'run',
    '--detach',
    '--name',
    opts.name,
    ...labelArgs,
    ...userArgs,
    '--volume',
    `${opts.volumeName}:/data`,
    opts.image ?? APP_IMAGE,
  ]);
  return { id, name: opts.name, volumeName: opts.volumeName };
}

/** Removes every container and volume whose name starts with prefix (containers first: they hold the volumes). */
export async function removeTestResources(prefix: string): Promise<void> {
  if (prefix.length < 3) throw new Error(`refusing to clean up with the short prefix ${JSON.stringify(prefix)}`);
  const containers = (await docker(['ps', '--all', '--format', '{{.ID}} {{.Names}}']))
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' '))
    .filter(([, name]) => name?.startsWith(prefix))
    .map(([id]) => id as string);
  if (containers.length > 0) await tryDocker(['rm', '--force', '--volumes', ...containers]);

  const volumes = (await docker(['volume', 'ls', '--quiet'])).split('\n').filter((name) => name.startsWith(prefix));
  if (volumes.length > 0) await tryDocker(['volume', 'rm', '--force', ...volumes]);
}

/** A prefix unique to one test file's run, so parallel or leftover resources never collide. */
export function makeTestPrefix(label: string): string {
  return `srt-${label}-${process.pid}-${Date.now().toString(36)}-`;
}

/** Waits until the test app's sqlite3 runs in the container: from then on it holds its database open. */
export async function waitForAppDatabase(container: string): Promise<void> {
  await waitUntil(`the app in ${container} has its database open`, async () => (await docker(['top', container])).includes('sqlite3'));
}
