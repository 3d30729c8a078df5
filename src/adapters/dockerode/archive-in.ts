// Streaming one local file into a container through putArchive: a tar-stream pack whose single entry is fed
// from a read stream, so memory stays flat whatever the size. Not atomic (the engine unlinks, then writes
// under the final name): callers write a name nobody reads and rename it inside the container.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { once } from 'node:events';
import type Dockerode from 'dockerode';
import { pack } from 'tar-stream';
import type { FileOwner, ProgressFn } from '../../ports/container-runtime.js';
import { UsageError } from '../../runbook/errors.js';

export interface CopyInOptions {
  owner?: FileOwner;
  onProgress?: ProgressFn;
}

export async function copyFileIn(
  docker: Dockerode,
  id: string,
  localPath: string,
  containerDir: string,
  name: string,
  opts: CopyInOptions = {},
): Promise<void> {
  if (name === '' || name === '.' || name === '..' || name.includes('/')) {
    throw new UsageError(`invalid file name for the container: ${JSON.stringify(name)}`);
  }
  const info = await stat(localPath);
  if (!info.isFile()) throw new UsageError(`${localPath} is not a regular file`);

  const total = info.size;
  const tar = pack();
  const entry = tar.entry({
    name,
    type: 'file',
    size: total,
    // Without an owner the file is root's, as `docker cp` makes it.
    mode: opts.owner?.mode ?? info.mode & 0o777,
    uid: opts.owner?.uid ?? 0,
    gid: opts.owner?.gid ?? 0,
    mtime: info.mtime,
  });
  // 4 MiB reads: with the default 64 KiB every chunk pays the tar and HTTP stream machinery (1.4-2.2x docker cp for
  // 500 MB measured against 1.2-1.4x with these).
  const source = createReadStream(localPath, { highWaterMark: 4 << 20 });

  const feeding = (async () => {
    let done = 0;
    for await (const chunk of source as AsyncIterable<Buffer>) {
      done += chunk.length;
      opts.onProgress?.(done, total);
      if (!entry.write(chunk)) await once(entry, 'drain');
    }
    entry.end(undefined);
    tar.finalize();
  })();

  const uploading = docker.getContainer(id).putArchive(tar as unknown as NodeJS.ReadableStream, { path: containerDir });
  try {
    await Promise.all([feeding, uploading]);
  } catch (error) {
    source.destroy();
    tar.destroy(error as Error);
    throw error;
  }
  if (total === 0) opts.onProgress?.(0, 0);
}
