// Assembles the test image's root filesystem from this machine's own binaries: a static busybox with its
// applet links, optionally the sqlite3 CLI with every library ldd lists (and the dynamic loader), and the app.
import { chmod, copyFile, mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { APP_SCRIPT } from '../../../src/drill/app-script.js';

export const BUSYBOX_PATH = '/bin/busybox';
export const SQLITE3_PATH = '/usr/bin/sqlite3';

/** Absolute paths of the sqlite3 binary and the shared objects it loads, as `ldd` resolves them. */
export async function listSqliteFiles(): Promise<string[]> {
  const { stdout } = await execa('ldd', [SQLITE3_PATH]);
  const libraries = stdout
    .split('\n')
    .map((line) => /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line.trim())?.[1])
    .filter((path): path is string => path !== undefined);
  return [SQLITE3_PATH, ...libraries];
}

// busybox-static must be the static build: the image has no libc unless sqlite3 brings one.
export async function isStaticBusybox(): Promise<boolean> {
  const result = await execa('ldd', [BUSYBOX_PATH], { reject: false });
  return `${result.stdout}${result.stderr}`.includes('not a dynamic executable');
}

export async function buildRootfs(root: string, opts: { withSqlite: boolean; script?: string; applets?: boolean }): Promise<void> {
  for (const dir of ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'etc', 'app', 'data', 'tmp', 'root']) {
    await mkdir(join(root, dir), { recursive: true });
  }
  await chmod(root, 0o755);
  await chmod(join(root, 'tmp'), 0o1777);
  // Writable for any user, so an app container run with --user can create its database in the volume.
  await chmod(join(root, 'data'), 0o777);

  await copyFile(BUSYBOX_PATH, join(root, 'bin/busybox'));
  await chmod(join(root, 'bin/busybox'), 0o755);
  const { stdout } = await execa(BUSYBOX_PATH, ['--list-full']);
  for (const applet of opts.applets === false ? [] : stdout.split('\n').filter(Boolean)) {
    if (applet === 'bin/busybox') continue;
    await mkdir(join(root, dirname(applet)), { recursive: true });
    await symlink('/bin/busybox', join(root, applet)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  }

  if (opts.withSqlite) {
    for (const file of await listSqliteFiles()) {
      await mkdir(join(root, dirname(file)), { recursive: true });
      // copyFile follows symlinks: the image gets the real bytes under the name the loader asks for.
      await copyFile(file, join(root, file));
      await chmod(join(root, file), 0o755);
    }
  }

  await writeFile(
    join(root, 'etc/passwd'),
    'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/data:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n',
  );
  await writeFile(join(root, 'etc/group'), 'root:x:0:\napp:x:1000:\nnogroup:x:65534:\n');
  // The same app the drills run: one WAL connection writing forever (src/drill/app-script.ts), or a variant of it.
  await writeFile(join(root, 'app/run.sh'), opts.script ?? APP_SCRIPT);
  await chmod(join(root, 'app/run.sh'), 0o755);
}
