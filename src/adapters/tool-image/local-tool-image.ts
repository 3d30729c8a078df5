// The sqlite3 tool image from this machine's own binaries (there may be no registry): busybox with its applet links
// (a shell, ln, rm, sync, timeout, sha256sum for the backup's commands), sqlite3 and every library ldd names. Its tag
// is a hash of those bytes, so a changed binary makes a new image and an unchanged one is imported once.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { execa } from 'execa';
import { pack } from 'tar-stream';
import { addFile, librariesOf, which } from '../../drill/app-image.js';
import type { ToolImage } from '../../ports/tool-image.js';
import { RescueError } from '../../runbook/errors.js';

export const TOOL_IMAGE_REPO = 'sqlite-rescue/sqlite3';
export const TOOL_LABEL = 'sqlite-rescue.tool';
// Bump when the layout below changes in a way the input files do not show.
const RECIPE = 'tool-image 1';

interface Inputs {
  busybox: string;
  sqlite3: string;
  libraries: string[];
  applets: string[];
}

async function hashFiles(files: string[]): Promise<string> {
  const hash = createHash('sha256').update(`${RECIPE}\n`);
  for (const file of files) {
    hash.update(`${file}\0`);
    for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) hash.update(chunk);
  }
  return hash.digest('hex').slice(0, 16);
}

export function createLocalToolImage(): ToolImage {
  let inputs: Inputs | undefined;
  let ref: string | undefined;

  async function gather(): Promise<Inputs> {
    const [busybox, sqlite3] = await Promise.all([which('busybox'), which('sqlite3')]);
    if (!busybox || !sqlite3) {
      const missing = [!busybox && 'busybox', !sqlite3 && 'sqlite3'].filter(Boolean).join(' and ');
      throw new RescueError(`the app's image has no sqlite3, and this machine has no ${missing} to build the helper image from`, {
        kind: 'operator',
        exitCode: 2,
        hint:
          'install them here (Debian: apt-get install busybox-static sqlite3) and run the backup again, ' +
          'or add sqlite3 to the app image — nothing was changed',
      });
    }
    const applets = (await execa(busybox, ['--list-full'])).stdout.split('\n').filter((line) => line !== '' && line !== 'bin/busybox');
    const libraries = [...new Set([...(await librariesOf(busybox)), ...(await librariesOf(sqlite3))])].sort();
    return { busybox, sqlite3, libraries, applets };
  }

  return {
    async reference() {
      inputs ??= await gather();
      ref ??= `${TOOL_IMAGE_REPO}:${await hashFiles([inputs.busybox, inputs.sqlite3, ...inputs.libraries])}`;
      return ref;
    },
    rootfs() {
      if (!inputs) throw new RescueError('the tool image was streamed before its reference was read', { kind: 'bug' });
      const { busybox, sqlite3, libraries, applets } = inputs;
      const tar = pack();
      void (async () => {
        try {
          const made = new Set<string>();
          const folder = (name: string) => {
            const parts = name.split('/');
            for (let depth = 1; depth < parts.length; depth += 1) {
              const dir = parts.slice(0, depth).join('/');
              if (!made.has(dir)) tar.entry({ name: `${dir}/`, type: 'directory', mode: dir === 'tmp' ? 0o1777 : 0o755 });
              made.add(dir);
            }
          };
          for (const name of ['tmp/x', 'usr/bin/x', 'usr/sbin/x', 'sbin/x', 'etc/x']) folder(name);
          folder('bin/busybox');
          await addFile(tar, 'bin/busybox', busybox, 0o755);
          for (const applet of applets) {
            folder(applet);
            tar.entry({ name: applet, type: 'symlink', linkname: '/bin/busybox' });
          }
          for (const library of libraries) {
            folder(library.slice(1));
            await addFile(tar, library.slice(1), library, 0o755);
          }
          await addFile(tar, 'usr/bin/sqlite3', sqlite3, 0o755);
          tar.entry({ name: 'etc/passwd', mode: 0o644 }, 'root:x:0:0:root:/root:/bin/sh\n');
          tar.entry({ name: 'etc/group', mode: 0o644 }, 'root:x:0:\n');
          tar.finalize();
        } catch (error) {
          tar.destroy(error as Error);
        }
      })();
      return tar as unknown as NodeJS.ReadableStream;
    },
    changes() {
      return ['ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin', `LABEL ${TOOL_LABEL}=sqlite3`];
    },
  };
}
