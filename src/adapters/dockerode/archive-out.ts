// Reading one file out of a container through getArchive. The engine sends a tar; only a single regular
// file entry named like the requested path is accepted, so a directory, a link or a crafted name is refused
// before anything is written.
import { createWriteStream } from 'node:fs';
import { link, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type Dockerode from 'dockerode';
import { extract, type Extract } from 'tar-stream';
import { RescueError } from '../../runbook/errors.js';

type Entry = Extract extends AsyncIterable<infer E> ? E : never;

/** The tar the engine sent is not exactly one regular file. */
export class UnexpectedArchiveError extends RescueError {
  constructor(path: string, what: string) {
    super(`refusing ${path}: ${what}; only a single regular file can be copied`, {
      kind: 'operator',
      hint: 'point at the database file itself, not a directory or a symlink',
    });
    this.name = 'UnexpectedArchiveError';
  }
}

// Calls onFile exactly once with the verified entry; rejects on any other shape of archive.
async function forSingleFile(docker: Dockerode, id: string, path: string, onFile: (entry: Entry) => Promise<void>): Promise<number> {
  const archive = await docker.getContainer(id).getArchive({ path });
  const tar = extract();
  archive.on('error', (error: Error) => tar.destroy(error));
  archive.pipe(tar);

  const expectedName = basename(path);
  let size = -1;
  try {
    for await (const entry of tar) {
      const { name, type } = entry.header;
      if (size !== -1) throw new UnexpectedArchiveError(path, `the archive holds more than one entry (${name})`);
      if (type !== 'file') throw new UnexpectedArchiveError(path, `it is a ${type ?? 'special file'}`);
      if (name !== expectedName) throw new UnexpectedArchiveError(path, `unexpected entry name ${JSON.stringify(name)}`);
      size = entry.header.size ?? 0;
      await onFile(entry);
    }
  } catch (error) {
    (archive as unknown as { destroy?: () => void }).destroy?.();
    throw error;
  }
  if (size === -1) throw new UnexpectedArchiveError(path, 'the archive is empty');
  return size;
}

export async function readFileThrough(docker: Dockerode, id: string, path: string, consume: (chunk: Buffer) => void): Promise<number> {
  let bytes = 0;
  await forSingleFile(docker, id, path, async (entry) => {
    for await (const chunk of entry as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      consume(chunk);
    }
  });
  return bytes;
}

// Written under a temporary name, then linked to the final name (which fails rather than replaces an existing
// file), so localDir never shows a partial file under the real name and nothing there is overwritten.
export async function copyFileOut(docker: Dockerode, id: string, path: string, localDir: string): Promise<string> {
  const name = basename(path);
  const finalPath = join(localDir, name);
  const tempPath = join(localDir, `.${name}.${randomBytes(6).toString('hex')}.partial`);
  let wroteTemp = false;
  try {
    await forSingleFile(docker, id, path, async (entry) => {
      wroteTemp = true;
      await pipeline(Readable.from(entry), createWriteStream(tempPath, { flags: 'wx', mode: 0o600 }));
    });
    await link(tempPath, finalPath).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
      throw new RescueError(`refusing to overwrite ${finalPath}`, {
        kind: 'operator',
        hint: 'copy into an empty directory, or move the existing file aside first',
      });
    });
    return finalPath;
  } finally {
    if (wroteTemp) await unlink(tempPath).catch(() => undefined);
  }
}
