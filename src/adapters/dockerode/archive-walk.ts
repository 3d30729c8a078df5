// A folder walked through getArchive without keeping it: the engine sends a tar of everything under the path, whole
// files included, so each entry's header and first bytes are kept and the rest is counted and dropped as it arrives.
// The request is destroyed the moment a bound is reached: a 5 GB database costs what was read of it, not 5 GB.
import { posix } from 'node:path';
import type Dockerode from 'dockerode';
import { extract } from 'tar-stream';
import type { ArchiveEntry, ArchiveWalk, ArchiveWalkLimits } from '../../ports/container-runtime.js';

type EntryType = ArchiveEntry['type'];

function typeOf(type: string | null | undefined): EntryType {
  if (type === 'file' || type === 'contiguous-file') return 'file';
  if (type === 'directory') return 'directory';
  if (type === 'symlink') return 'symlink';
  return 'other';
}

// The engine names entries from the path's last part down ("data/app.db" for /data): put them back where they are.
function absolutePath(root: string, name: string): string {
  const joined = posix.join(posix.dirname(root), name);
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}

class Stop extends Error {
  constructor(readonly reason: 'bytes' | 'entries' | 'time') {
    super(reason);
  }
}

/** Rejects with docker-modem's error (statusCode 404 for a missing path or container) before anything is read. */
export async function walkArchiveOf(docker: Dockerode, id: string, root: string, limits: ArchiveWalkLimits): Promise<ArchiveWalk> {
  const deadline = Date.now() + limits.timeoutMs;
  const archive = (await docker.getContainer(id).getArchive({ path: root })) as NodeJS.ReadableStream & { destroy(): void };
  const tar = extract();
  let bytesRead = 0;
  let stop: Stop | null = null;
  const entries: ArchiveEntry[] = [];
  archive.on('data', (chunk: Buffer) => {
    bytesRead += chunk.length;
    if (stop) return;
    if (bytesRead > limits.maxBytes) stop = new Stop('bytes');
    else if (Date.now() > deadline) stop = new Stop('time');
  });
  archive.on('error', (error: Error) => tar.destroy(error));
  archive.pipe(tar);
  // A silent engine (a stalled stream) must still end the walk at its deadline.
  const timer = setTimeout(() => {
    stop ??= new Stop('time');
    tar.destroy(stop);
  }, limits.timeoutMs);
  try {
    for await (const entry of tar) {
      // Only an entry beyond the limit proves there was more to see.
      if (entries.length >= limits.maxEntries) throw new Stop('entries');
      const header = entry.header;
      const type = typeOf(header.type);
      const head: Buffer[] = [];
      let kept = 0;
      for await (const chunk of entry as AsyncIterable<Buffer>) {
        if (type === 'file' && kept < limits.headBytes) {
          const part = chunk.subarray(0, limits.headBytes - kept);
          head.push(Buffer.from(part));
          kept += part.length;
        }
        if (stop) break;
      }
      entries.push({
        path: absolutePath(root, header.name),
        type,
        size: type === 'file' ? (header.size ?? 0) : 0,
        mtime: (header.mtime ?? new Date(0)).toISOString(),
        head: Buffer.concat(head),
      });
      if (stop) throw stop;
    }
    return { entries, bytesRead };
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    const after = entries.length > 0 ? { after: entries[entries.length - 1].path } : {};
    return { entries, bytesRead, stoppedEarly: { reason: error.reason, ...after } };
  } finally {
    clearTimeout(timer);
    archive.destroy();
    tar.destroy();
  }
}
