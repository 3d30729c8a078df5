// LocalFiles over node:fs: stat, streamed sha256, mkdir -p.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
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

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function ensureDir(path: string): Promise<void> {
  await mkdir(path, { recursive: true });
}

function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
