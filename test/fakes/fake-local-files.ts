// The operator's disk, in memory. The fake runtime (copyOut/copyIn) and the fake inspector read and write it, so a
// file copied out of a container is something a later step can check, hash and copy back in.
import { createHash } from 'node:crypto';
import type { LocalDirEntry, LocalDirListing, LocalFiles, LocalFileStat } from '../../src/ports/local-files.js';

export interface LocalEntry {
  content: Buffer;
  mtime: string;
}

export class FakeLocalFiles implements LocalFiles {
  readonly files = new Map<string, LocalEntry>();
  readonly dirs = new Set<string>();

  put(path: string, content: Buffer | string, mtime = '2025-01-01T01:00:00.000Z'): void {
    this.files.set(path, { content: Buffer.from(content), mtime });
  }

  /** Throws when absent: a fake read of a missing file is a test bug or an ENOENT, never silently empty. */
  read(path: string): Buffer {
    const entry = this.files.get(path);
    if (!entry) throw Object.assign(new Error(`ENOENT: no such file (fake local disk): ${path}`), { code: 'ENOENT' });
    return entry.content;
  }

  async stat(path: string): Promise<LocalFileStat | null> {
    const entry = this.files.get(path);
    if (entry) return { size: entry.content.length, mtime: entry.mtime, isFile: true };
    if (this.dirs.has(path)) return { size: 0, mtime: '2025-01-01T00:00:00.000Z', isFile: false };
    return null;
  }

  async sha256(path: string): Promise<string> {
    return sha256Of(this.read(path));
  }

  async ensureDir(path: string): Promise<void> {
    this.dirs.add(path);
  }

  async list(dir: string, limit = 10_000): Promise<LocalDirListing | null> {
    const base = dir === '/' ? '' : dir.replace(/\/$/, '');
    const names = new Map<string, LocalDirEntry>();
    for (const [path, entry] of this.files) {
      if (!path.startsWith(`${base}/`)) continue;
      const [name, ...below] = path.slice(base.length + 1).split('/');
      if (below.length === 0) names.set(name, { name, kind: 'file', isSymlink: false, size: entry.content.length, mtime: entry.mtime });
      else if (!names.has(name)) names.set(name, folder(name));
    }
    for (const path of this.dirs) {
      if (!path.startsWith(`${base}/`)) continue;
      const name = path.slice(base.length + 1).split('/')[0];
      if (!names.has(name)) names.set(name, folder(name));
    }
    if (names.size === 0 && !this.dirs.has(dir) && !this.dirs.has(base)) return null;
    const entries = [...names.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { entries: entries.slice(0, limit), truncated: entries.length > limit };
  }

  async readBytes(path: string, offset: number, length: number): Promise<Buffer> {
    return Buffer.from(this.read(path).subarray(offset, offset + length));
  }

  async renameNoReplace(from: string, to: string): Promise<void> {
    const entry = this.files.get(from);
    if (!entry) throw Object.assign(new Error(`ENOENT: no such file (fake local disk): ${from}`), { code: 'ENOENT' });
    if (this.files.has(to)) throw Object.assign(new Error(`EEXIST: file already exists (fake local disk): ${to}`), { code: 'EEXIST' });
    this.files.set(to, entry);
    this.files.delete(from);
  }

  async removeFile(path: string): Promise<void> {
    this.files.delete(path);
  }

  async removeEmptyDir(path: string): Promise<void> {
    const isEmpty = ![...this.files.keys()].some((file) => file.startsWith(`${path}/`));
    if (!isEmpty) throw Object.assign(new Error(`ENOTEMPTY (fake local disk): ${path}`), { code: 'ENOTEMPTY' });
    this.dirs.delete(path);
  }
}

function folder(name: string): LocalDirEntry {
  return { name, kind: 'directory', isSymlink: false, size: 0, mtime: '2025-01-01T00:00:00.000Z' };
}

export function sha256Of(content: Buffer | string): string {
  return createHash('sha256').update(content).digest('hex');
}
