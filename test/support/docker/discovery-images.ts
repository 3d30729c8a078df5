// Images for discovery's tests, built from this machine's binaries like the other test images (no registry):
// - nofind:  dash as /bin/sh and a few coreutils (ls, stat, head, od, date, timeout, sleep), no find, no sqlite3 on
//            the PATH; the app runs SQLite from a hidden path.
// - shonly:  dash, sleep, mkdir and dirname only (no ls, stat, head, od, find): the walk can list names, not read them.
// - noshell: nothing but SQLite at a hidden path, run as the entrypoint holding /data/app.db open (no sh, no sleep:
//            no exec, no helper).
// Busybox cannot stand in for "no find": its sh runs its own applets whatever the PATH holds (measured here).
import { createHash } from 'node:crypto';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { APP_SCRIPT } from '../../../src/drill/app-script.js';
import { docker, tryDocker } from './docker-cli.js';
import { IMAGE_HASH_LABEL } from './ensure-test-images.js';

export const DISC_NOFIND_IMAGE = 'sqlite-rescue-test/disc-nofind:latest';
export const DISC_SHONLY_IMAGE = 'sqlite-rescue-test/disc-shonly:latest';
export const DISC_NOSHELL_IMAGE = 'sqlite-rescue-test/disc-noshell:latest';
/** Where these images keep SQLite for the app: not on the PATH, so the image "has no sqlite3". */
export const HIDDEN_SQLITE = '/app/bin/app-db';

const RECIPE_VERSION = '1';

interface DiscImage {
  ref: string;
  binaries: string[];
  /** docker import --change lines. */
  changes: string[];
  withApp: boolean;
}

function coreutils(...names: string[]): string[] {
  return names.map((name) => `/usr/bin/${name}`);
}

const APP_CHANGES = ['CMD ["/app/run.sh"]', 'ENV DB=/data/app.db', `ENV SQLITE=${HIDDEN_SQLITE}`, 'ENV PATH=/usr/bin:/bin'];

const IMAGES: DiscImage[] = [
  {
    ref: DISC_NOFIND_IMAGE,
    binaries: ['/bin/dash', ...coreutils('sleep', 'mkdir', 'dirname', 'cat', 'ls', 'stat', 'head', 'od', 'date', 'timeout')],
    changes: APP_CHANGES,
    withApp: true,
  },
  { ref: DISC_SHONLY_IMAGE, binaries: ['/bin/dash', ...coreutils('sleep', 'mkdir', 'dirname')], changes: APP_CHANGES, withApp: true },
  {
    ref: DISC_NOSHELL_IMAGE,
    binaries: [],
    // -cmd runs before stdin is read: the database is open (WAL, a row written) while sqlite3 waits on stdin forever.
    changes: [
      `ENTRYPOINT ["${HIDDEN_SQLITE}", "-cmd", "PRAGMA journal_mode=WAL;", ` +
        '"-cmd", "CREATE TABLE IF NOT EXISTS events(id INTEGER PRIMARY KEY, note TEXT); ' +
        `INSERT INTO events(note) VALUES('up');", "/data/app.db"]`,
    ],
    withApp: false,
  },
];

async function librariesOf(binary: string): Promise<string[]> {
  const { stdout } = await execa('ldd', [binary], { reject: false });
  return stdout
    .split('\n')
    .map((line) => /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line.trim())?.[1])
    .filter((path): path is string => path !== undefined);
}

async function inputsOf(spec: DiscImage): Promise<string[]> {
  const files = new Set<string>(['/usr/bin/sqlite3', ...(await librariesOf('/usr/bin/sqlite3'))]);
  for (const binary of spec.binaries) {
    files.add(binary);
    for (const library of await librariesOf(binary)) files.add(library);
  }
  return [...files].sort();
}

async function hashOf(spec: DiscImage, files: string[]): Promise<string> {
  const hash = createHash('sha256').update(`disc ${RECIPE_VERSION} ${spec.ref} ${spec.changes.join('|')} ${spec.withApp}\n`);
  hash.update(APP_SCRIPT);
  for (const file of files)
    hash
      .update(file)
      .update('\0')
      .update(await readFile(file));
  return hash.digest('hex').slice(0, 16);
}

async function buildRoot(root: string, spec: DiscImage, files: string[]): Promise<void> {
  for (const dir of ['bin', 'usr/bin', 'etc', 'app/bin', 'data', 'tmp']) await mkdir(join(root, dir), { recursive: true });
  await chmod(join(root, 'tmp'), 0o1777);
  await chmod(join(root, 'data'), 0o777);
  for (const file of files) {
    const target = file === '/usr/bin/sqlite3' ? join(root, HIDDEN_SQLITE) : join(root, file);
    await mkdir(dirname(target), { recursive: true });
    await copyFile(file, target);
    await chmod(target, 0o755);
  }
  if (spec.binaries.includes('/bin/dash')) await symlink('dash', join(root, 'bin/sh'));
  await writeFile(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  await writeFile(join(root, 'etc/group'), 'root:x:0:\n');
  if (spec.withApp) {
    await writeFile(join(root, 'app/run.sh'), APP_SCRIPT);
    await chmod(join(root, 'app/run.sh'), 0o755);
  }
}

/** Builds whichever of the three images is missing or out of date; quick when all are current. */
export async function ensureDiscoveryImages(): Promise<void> {
  for (const spec of IMAGES) {
    const files = await inputsOf(spec);
    const hash = await hashOf(spec, files);
    const current = await tryDocker(['image', 'inspect', '--format', `{{index .Config.Labels "${IMAGE_HASH_LABEL}"}}`, spec.ref]);
    if (current.exitCode === 0 && current.stdout === hash) continue;
    const dir = await mkdtemp(join(tmpdir(), 'sqlite-rescue-disc-rootfs-'));
    try {
      const root = join(dir, 'root');
      await buildRoot(root, spec, files);
      const tarball = join(dir, 'rootfs.tar');
      await execa('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', root, '-cf', tarball, '.']);
      const changes = [...spec.changes, `LABEL ${IMAGE_HASH_LABEL}=${hash}`].flatMap((change) => ['--change', change]);
      await docker(['import', ...changes, tarball, spec.ref]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
