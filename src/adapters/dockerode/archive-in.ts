// Streaming one local file into a container through putArchive: a one-entry tar made of the file's own 4 MiB chunks
// (tar-one-file.ts), so memory stays flat whatever the size. Not atomic (the engine unlinks, then writes
// under the final name): callers write a name nobody reads and rename it inside the container.
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import type { FileOwner, ProgressFn } from '../../ports/container-runtime.js';
import { UsageError } from '../../runbook/errors.js';
import { tarOneFile } from './tar-one-file.js';

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
  let done = 0;
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of tarOneFile(localPath, {
      name,
      size: total,
      // Without an owner the file is root's, as `docker cp` makes it.
      mode: opts.owner?.mode ?? info.mode & 0o777,
      uid: opts.owner?.uid ?? 0,
      gid: opts.owner?.gid ?? 0,
      mtime: info.mtime,
    })) {
      yield chunk;
      done = Math.min(total, done + chunk.length);
      opts.onProgress?.(done, total);
    }
  }
  const archive = Readable.from(counted(), { objectMode: false });
  // A failing read (the file shrank) must end the upload: the request would otherwise wait for bytes that never come.
  const readFailed = new Promise<never>((_, reject) => archive.once('error', reject));
  const uploading = docker.getContainer(id).putArchive(archive as unknown as NodeJS.ReadableStream, { path: containerDir });
  uploading.catch(() => undefined);
  readFailed.catch(() => undefined);
  try {
    await Promise.race([uploading, readFailed]);
  } finally {
    archive.destroy();
  }
  if (total === 0) opts.onProgress?.(0, 0);
}
