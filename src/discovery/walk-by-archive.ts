// The mounts walked through the archive API: no binary in the image is needed and a stopped container is fine, but
// the engine streams whole files, so the walk is bounded in bytes as well as entries and time. Folders are not cut
// at a depth here: what deeper entries hold has streamed past already.
import { posix } from 'node:path';
import type { ContainerRuntime } from '../ports/container-runtime.js';
import type { CommandLog } from './command-log.js';
import type { WalkedFile } from './parse-walk-output.js';
import type { EarlyStop } from './types.js';
import { HEAD_BYTES } from './walk-script.js';

export interface ArchiveWalkOutput {
  files: WalkedFile[];
  quarantine: string[];
  stops: EarlyStop[];
  bytesRead: number;
  /** Roots the engine had nothing at. */
  missing: string[];
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}

function underQuarantine(path: string, quarantine: string[]): boolean {
  return quarantine.some((dir) => path === dir || path.startsWith(`${dir}/`));
}

export async function walkByArchive(
  runtime: ContainerRuntime,
  log: CommandLog,
  container: { id: string; name: string },
  roots: string[],
  limits: { maxFiles: number; maxBytes: number; deadline: number },
): Promise<ArchiveWalkOutput> {
  const output: ArchiveWalkOutput = { files: [], quarantine: [], stops: [], bytesRead: 0, missing: [] };
  let entriesLeft = limits.maxFiles;
  const complete: string[] = [];
  for (const [index, root] of roots.entries()) {
    // The engine's tar of a folder holds the mounts below it too: a nested mount already read in full is not read again.
    if (complete.some((done) => root.startsWith(`${done.replace(/\/$/, '')}/`))) continue;
    // Each mount gets an equal share of what is left, so one mount of big files cannot hide the others.
    const rootsLeft = roots.length - index;
    const bytesShare = Math.floor((limits.maxBytes - output.bytesRead) / rootsLeft);
    const entriesShare = Math.floor(entriesLeft / rootsLeft);
    const timeShare = Math.floor((limits.deadline - Date.now()) / rootsLeft);
    if (bytesShare <= 0 || entriesShare <= 0 || timeShare <= 0) {
      const reason = entriesShare <= 0 ? 'files' : bytesShare <= 0 ? 'bytes' : 'time';
      const limit = { files: 'file count', bytes: 'byte', time: 'time' }[reason];
      output.stops.push({ reason, detail: `${roots.slice(index).join(', ')} not read: the ${limit} limit was used up` });
      break;
    }
    const walk = await log.api(
      {
        argv: ['GET', `/containers/${container.id}/archive?path=${root}`],
        cli: ['docker', 'cp', `${container.name}:${root}`, '-'],
        target: container.id,
        purpose: `read the names and first ${HEAD_BYTES} bytes of every file under ${root} through the archive API`,
      },
      () =>
        runtime.walkArchive(container.id, root, {
          headBytes: HEAD_BYTES,
          maxBytes: bytesShare,
          maxEntries: entriesShare,
          timeoutMs: timeShare,
        }),
      (answer) => ({ bytesRead: answer?.bytesRead ?? 0 }),
    );
    if (!walk) {
      output.missing.push(root);
      continue;
    }
    output.bytesRead += walk.bytesRead;
    entriesLeft -= walk.entries.length;
    for (const entry of walk.entries) {
      const isQuarantine = entry.type === 'directory' && posix.basename(entry.path) === 'rescue-quarantine';
      if (isQuarantine && !underQuarantine(entry.path, output.quarantine)) {
        output.quarantine.push(entry.path);
        continue;
      }
      if (entry.type !== 'file' || underQuarantine(entry.path, output.quarantine)) continue;
      output.files.push({ path: entry.path, size: entry.size, mtime: entry.mtime, head: entry.head });
    }
    const stop = walk.stoppedEarly;
    if (!stop) complete.push(root);
    if (stop) {
      const after = stop.after ? ` after ${stop.after}` : '';
      const detail =
        stop.reason === 'bytes'
          ? `the archive API sends whole files: stopped reading ${root} at ${formatBytes(walk.bytesRead)}${after}`
          : stop.reason === 'entries'
            ? `stopped reading ${root} at ${walk.entries.length} entries, its share of the file count limit${after}`
            : `stopped reading ${root} at its share of the time limit${after}`;
      output.stops.push({ reason: stop.reason === 'entries' ? 'files' : stop.reason, detail });
    }
  }
  return output;
}
