// LocalFiles over node:fs: stat, streamed sha256, mkdir -p, folder listings and byte reads for discovery.
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { link, lstat, mkdir, open, opendir, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { LocalDirEntry, LocalDirListing, LocalFiles, LocalFileStat } from '../../ports/local-files.js';

export function createLocalFiles(): LocalFiles {
  return { stat: statOrNull, sha256: hashFile, ensureDir, list: listDir, readBytes, renameNoReplace, removeFile, removeEmptyDir };
}

async function statOrNull(path: string): Promise<LocalFileStat | null> {
  try {
    const st = await stat(path);
    return { size: st.size, mtime: st.mtime.toISOString(), isFile: st.isFile() };
  } catch (error) {
    // ENOTDIR: a parent in the path is a file, so this path cannot exist either.
    if (isCode(error, 'ENOENT') || isCode(error, 'ENOTDIR')) return null;
    throw error;
  }
}

// 1 MiB reads: a 1 GB file hashed in 4.4-4.6 s here, against 4.8-5.7 s in a read stream's 64 KiB chunks.
const HASH_READ_BYTES = 1 << 20;

// One buffer reused for every read (hash.update copies what it needs): a read stream allocates a new chunk per read,
// and those pile up as garbage until the next GC (tens of MB of RSS while a 1 GB file is hashed).
async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafeSlow(HASH_READ_BYTES);
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await file.close();
  }
  return hash.digest('hex');
}

async function ensureDir(path: string): Promise<void> {
  await mkdir(path, { recursive: true });
}

function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

const DEFAULT_LIST_LIMIT = 10_000;

async function listDir(dir: string, limit = DEFAULT_LIST_LIMIT): Promise<LocalDirListing | null> {
  let handle;
  try {
    handle = await opendir(dir);
  } catch (error) {
    if (isCode(error, 'ENOENT') || isCode(error, 'ENOTDIR')) return null;
    throw error;
  }
  const names: string[] = [];
  let truncated = false;
  for await (const dirent of handle) {
    if (names.length >= limit) {
      truncated = true;
      break;
    }
    names.push(dirent.name);
  }
  names.sort();
  const entries: LocalDirEntry[] = [];
  for (const name of names) entries.push(await describeEntry(join(dir, name), name));
  return { entries, truncated };
}

// A link is followed for its kind (a link to a folder completes as a folder); a dangling one is 'other'.
async function describeEntry(path: string, name: string): Promise<LocalDirEntry> {
  const link = await lstat(path).catch(() => null);
  const target = await stat(path).catch(() => null);
  const info = target ?? link;
  const kind = target?.isFile() ? 'file' : target?.isDirectory() ? 'directory' : 'other';
  return {
    name,
    kind,
    isSymlink: link?.isSymbolicLink() ?? false,
    size: kind === 'file' && info ? info.size : 0,
    mtime: (info?.mtime ?? new Date(0)).toISOString(),
  };
}

// O_RDONLY without O_CREAT: opening never makes or changes a file; O_NOFOLLOW is not used, a linked copy is read too.
async function readBytes(path: string, offset: number, length: number): Promise<Buffer> {
  const file = await open(path, constants.O_RDONLY);
  try {
    const buffer = Buffer.alloc(length);
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await file.read(buffer, filled, length - filled, offset + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
  } finally {
    await file.close();
  }
}

async function fsyncDir(path: string): Promise<void> {
  const dir = await open(path, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

// link(2) fails with EEXIST instead of replacing, which rename(2) would do: the new name is durable before the old goes.
async function renameNoReplace(from: string, to: string): Promise<void> {
  await link(from, to);
  await fsyncDir(dirname(to));
  await unlink(from);
  await fsyncDir(dirname(from));
}

async function removeFile(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if (!isCode(error, 'ENOENT')) throw error;
  }
}

async function removeEmptyDir(path: string): Promise<void> {
  try {
    await rmdir(path);
  } catch (error) {
    if (!isCode(error, 'ENOENT')) throw error;
  }
}
