// LocalFiles over node:fs: stat, streamed sha256, mkdir -p.
import { createHash } from 'node:crypto';
import { mkdir, open, stat } from 'node:fs/promises';
import type { LocalFiles, LocalFileStat } from '../../ports/local-files.js';

export function createLocalFiles(): LocalFiles {
  return { stat: statOrNull, sha256: hashFile, ensureDir };
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
