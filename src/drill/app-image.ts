// The drill's app image, assembled from this machine's own binaries (there may be no registry): busybox with its
// applet links, sqlite3 and every library ldd names, and the app script, streamed as a tar into `docker import`.
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { execa } from 'execa';
import { pack, type Pack } from 'tar-stream';
import type { Lab } from '../ports/lab.js';
import { DRILL_LABEL } from '../ports/lab.js';
import { RescueError } from '../runbook/errors.js';
import { APP_SCRIPT, APP_SCRIPT_PATH } from './app-script.js';

/** Where the image keeps SQLite for the app when `sqlite3` must not be on the PATH. */
export const HIDDEN_SQLITE_PATH = '/app/bin/app-db';

export interface AppImageOptions {
  ref: string;
  drillId: string;
  /** false: the image has SQLite only at HIDDEN_SQLITE_PATH, no sqlite3 CLI on the PATH. */
  hasSqliteCli: boolean;
}

export async function which(name: string): Promise<string | undefined> {
  for (const dir of ['/usr/bin', '/bin', '/usr/sbin', '/sbin', '/usr/local/bin']) {
    const path = `${dir}/${name}`;
    if (
      await stat(path).then(
        (info) => info.isFile(),
        () => false,
      )
    )
      return path;
  }
  return undefined;
}

/** The shared objects a binary loads, as ldd resolves them (none for a static binary). */
export async function librariesOf(binary: string): Promise<string[]> {
  const result = await execa('ldd', [binary], { reject: false });
  return result.stdout
    .split('\n')
    .map((line) => /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line.trim())?.[1])
    .filter((path): path is string => path !== undefined);
}

export async function addFile(tar: Pack, name: string, source: string, mode: number): Promise<void> {
  const real = await realpath(source);
  const info = await stat(real);
  const entry = tar.entry({ name, type: 'file', size: info.size, mode });
  for await (const chunk of createReadStream(real) as AsyncIterable<Buffer>) {
    if (!entry.write(chunk)) await once(entry, 'drain');
  }
  entry.end(undefined);
}

export async function findHostBinaries(): Promise<{ busybox: string; sqlite3: string }> {
  const busybox = await which('busybox');
  const sqlite3 = await which('sqlite3');
  if (!busybox || !sqlite3) {
    throw new RescueError(
      `the drill builds its app image from this machine's ${[!busybox && 'busybox', !sqlite3 && 'sqlite3'].filter(Boolean).join(' and ')}, which ${!busybox && !sqlite3 ? 'are' : 'is'} missing`,
      {
        kind: 'operator',
        exitCode: 2,
        hint: 'install them (Debian: apt-get install busybox-static sqlite3), or pass --image with an image of yours that has sh and sqlite3',
      },
    );
  }
  return { busybox, sqlite3 };
}

export async function buildAppImage(lab: Lab, options: AppImageOptions): Promise<void> {
  const { busybox, sqlite3 } = await findHostBinaries();
  const applets = (await execa(busybox, ['--list-full'])).stdout.split('\n').filter((line) => line !== '' && line !== 'bin/busybox');
  const libraries = [...new Set([...(await librariesOf(busybox)), ...(await librariesOf(sqlite3))])];
  const tar = pack();
  const feeding = (async () => {
    for (const [dir, mode] of [
      ['bin', 0o755],
      ['sbin', 0o755],
      ['usr', 0o755],
      ['usr/bin', 0o755],
      ['usr/sbin', 0o755],
      ['etc', 0o755],
      ['app', 0o755],
      ['app/bin', 0o755],
      ['data', 0o777],
      ['tmp', 0o1777],
      ['root', 0o700],
    ] as const) {
      tar.entry({ name: `${dir}/`, type: 'directory', mode });
    }
    await addFile(tar, 'bin/busybox', busybox, 0o755);
    for (const applet of applets) tar.entry({ name: applet, type: 'symlink', linkname: '/bin/busybox' });
    const made = new Set<string>();
    for (const library of libraries) {
      const folder = library.slice(1, library.lastIndexOf('/'));
      for (let index = folder.indexOf('/'); ; index = folder.indexOf('/', index + 1)) {
        const part = index === -1 ? folder : folder.slice(0, index);
        if (!made.has(part) && !['usr', 'usr/bin', 'bin'].includes(part)) tar.entry({ name: `${part}/`, type: 'directory', mode: 0o755 });
        made.add(part);
        if (index === -1) break;
      }
      await addFile(tar, library.slice(1), library, 0o755);
    }
    await addFile(tar, options.hasSqliteCli ? 'usr/bin/sqlite3' : HIDDEN_SQLITE_PATH.slice(1), sqlite3, 0o755);
    tar.entry({ name: 'etc/passwd', mode: 0o644 }, 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/data:/bin/sh\n');
    tar.entry({ name: 'etc/group', mode: 0o644 }, 'root:x:0:\napp:x:1000:\n');
    tar.entry({ name: APP_SCRIPT_PATH.slice(1), mode: 0o755 }, APP_SCRIPT);
    tar.finalize();
  })();
  const changes = [
    `CMD ["${APP_SCRIPT_PATH}"]`,
    'ENV DB=/data/app.db',
    'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin',
    ...(options.hasSqliteCli ? [] : [`ENV SQLITE=${HIDDEN_SQLITE_PATH}`]),
    `LABEL ${DRILL_LABEL}=${options.drillId}`,
  ];
  await Promise.all([feeding, lab.importImage(options.ref, tar as unknown as NodeJS.ReadableStream, changes)]);
}
