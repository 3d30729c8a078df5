// Builds the test images with `docker import` (there is no registry) and skips the build when an image
// already carries the hash of everything that went into it.
import { createHash } from 'node:crypto';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { aptInstall, hasCommand } from './ensure-docker-engine.js';
import { APP_SCRIPT } from '../../../src/drill/app-script.js';
import { IGNORES_SIGTERM_SCRIPT, QUICK_CHECK_AT_START_SCRIPT, SLOW_SIGTERM_SCRIPT } from './app-scripts.js';
import { BUSYBOX_PATH, buildRootfs, isStaticBusybox, listSqliteFiles } from './build-rootfs.js';
import { docker, tryDocker } from './docker-cli.js';

export const APP_IMAGE = 'sqlite-rescue-test/app:latest';
/** The same app without sqlite3, for a scenario where the image has no sqlite3 CLI. */
export const APP_NOSQLITE_IMAGE = 'sqlite-rescue-test/app-nosqlite:latest';
/** PID 1 is a shell script with no SIGTERM handler: `docker stop` waits out its timeout (app-scripts.ts). */
export const APP_IGNORES_SIGTERM_IMAGE = 'sqlite-rescue-test/app-ignores-sigterm:latest';
/** PID 1 traps SIGTERM and needs 3 s to shut down cleanly, then writes a 'clean-shutdown' row and exits 0. */
export const APP_SLOW_SIGTERM_IMAGE = 'sqlite-rescue-test/app-slow-sigterm:latest';
/** Exits 1 at start when its database fails quick_check: crash-loops under `--restart unless-stopped`. */
export const APP_QUICK_CHECK_IMAGE = 'sqlite-rescue-test/app-quick-check:latest';
/** Like a distroless image: /bin/busybox and nothing on the PATH (no cat, no sh); PID 1 is `busybox sleep`. */
export const NO_CAT_IMAGE = 'sqlite-rescue-test/no-cat:latest';
export const IMAGE_HASH_LABEL = 'sqlite-rescue-test.hash';
// Bump when buildRootfs changes in a way the input files do not show.
const RECIPE_VERSION = '1';

interface ImageSpec {
  ref: string;
  withSqlite: boolean;
  /** /app/run.sh; the drill's app when absent. */
  script?: string;
  /** false: busybox without its applet links, so no command is on the PATH. */
  applets?: boolean;
  /** The image's CMD; ["/app/run.sh"] when absent. */
  cmd?: string[];
}

const IMAGES: ImageSpec[] = [
  { ref: APP_IMAGE, withSqlite: true },
  { ref: APP_NOSQLITE_IMAGE, withSqlite: false },
  { ref: APP_IGNORES_SIGTERM_IMAGE, withSqlite: true, script: IGNORES_SIGTERM_SCRIPT },
  { ref: APP_SLOW_SIGTERM_IMAGE, withSqlite: true, script: SLOW_SIGTERM_SCRIPT },
  { ref: APP_QUICK_CHECK_IMAGE, withSqlite: true, script: QUICK_CHECK_AT_START_SCRIPT },
  { ref: NO_CAT_IMAGE, withSqlite: false, applets: false, cmd: ['/bin/busybox', 'sleep', '86400'] },
];

export interface ImagesSetup {
  built: string[];
  upToDate: string[];
}

export async function ensureTestImages(): Promise<ImagesSetup> {
  await ensureBuildInputs();
  const setup: ImagesSetup = { built: [], upToDate: [] };
  for (const spec of IMAGES) {
    const hash = await hashInputs(spec);
    if ((await readImageHash(spec.ref)) === hash) {
      setup.upToDate.push(spec.ref);
      continue;
    }
    await importImage(spec, hash);
    setup.built.push(spec.ref);
  }
  return setup;
}

async function ensureBuildInputs(): Promise<void> {
  if (!(await isStaticBusybox())) {
    if (process.getuid?.() !== 0) throw new Error(`${BUSYBOX_PATH} is missing or not static: install busybox-static`);
    await aptInstall(['busybox-static']);
    if (!(await isStaticBusybox())) throw new Error(`${BUSYBOX_PATH} is still not the static busybox after installing busybox-static`);
  }
  if (!(await hasCommand('sqlite3'))) {
    if (process.getuid?.() !== 0) throw new Error('sqlite3 is missing: install the sqlite3 package');
    await aptInstall(['sqlite3']);
  }
}

async function hashInputs(spec: ImageSpec): Promise<string> {
  const hash = createHash('sha256').update(`recipe ${RECIPE_VERSION} sqlite ${spec.withSqlite}\n`);
  hash.update(spec.script ?? APP_SCRIPT);
  if (spec.applets === false) hash.update('no applets\n');
  if (spec.cmd) hash.update(`cmd ${JSON.stringify(spec.cmd)}\n`);
  const files = [BUSYBOX_PATH, ...(spec.withSqlite ? await listSqliteFiles() : [])];
  for (const file of files)
    hash
      .update(file)
      .update('\0')
      .update(await readFile(file));
  return hash.digest('hex').slice(0, 16);
}

async function readImageHash(ref: string): Promise<string | null> {
  const result = await tryDocker(['image', 'inspect', '--format', `{{index .Config.Labels "${IMAGE_HASH_LABEL}"}}`, ref]);
  return result.exitCode === 0 ? result.stdout : null;
}

async function importImage(spec: ImageSpec, hash: string): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'sqlite-rescue-rootfs-'));
  try {
    const root = join(dir, 'root');
    await buildRootfs(root, spec);
    const tarball = join(dir, 'rootfs.tar');
    await execa('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', root, '-cf', tarball, '.']);
    await docker([
      'import',
      '--change',
      `CMD ${JSON.stringify(spec.cmd ?? ['/app/run.sh'])}`,
      '--change',
      'ENV DB=/data/app.db',
      '--change',
      'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin',
      '--change',
      `LABEL ${IMAGE_HASH_LABEL}=${hash}`,
      tarball,
      spec.ref,
    ]);
    await docker(['tag', spec.ref, `${spec.ref.replace(/:latest$/, '')}:${hash}`]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
