// The operator's machine: hashing and stat of local files, streamed; listing folders and reading bytes, for discovery.
export interface LocalFileStat {
  size: number;
  /** ISO 8601. */
  mtime: string;
  isFile: boolean;
}

export interface LocalDirEntry {
  name: string;
  /** What the entry is, a symbolic link followed (a link to a folder completes as a folder). */
  kind: 'file' | 'directory' | 'other';
  isSymlink: boolean;
  /** Bytes; 0 for anything but a file. */
  size: number;
  /** ISO 8601. */
  mtime: string;
}

export interface LocalDirListing {
  /** Sorted by name. */
  entries: LocalDirEntry[];
  /** More entries exist than the limit let through. */
  truncated: boolean;
}

export interface LocalFiles {
  /** null when absent; rejects on permission errors. */
  stat(path: string): Promise<LocalFileStat | null>;
  /** sha256 hex of the file, streamed. */
  sha256(path: string): Promise<string>;
  /** mkdir -p. */
  ensureDir(path: string): Promise<void>;

  /**
   * The entries of a folder (at most `limit`, default 10,000), a dangling link listed as 'other'. null when the path
   * is absent or no folder; rejects on permission errors.
   */
  list(dir: string, limit?: number): Promise<LocalDirListing | null>;

  /**
   * Up to `length` bytes from `offset` (fewer at the end of the file), through a read-only open that never creates,
   * locks or changes anything. Rejects when the file is missing or unreadable.
   */
  readBytes(path: string, offset: number, length: number): Promise<Buffer>;

  // ---- backup --to: files written into a folder of the operator's ----

  /**
   * Gives `from` the name `to` in the same folder tree and filesystem, never replacing anything: a hard link that fails
   * with EEXIST when `to` exists, the folder fsynced, then `from` unlinked. Rejects, changing nothing, when `to` exists.
   */
  renameNoReplace(from: string, to: string): Promise<void>;
  /** Removes one file; resolves when it is already gone. */
  removeFile(path: string): Promise<void>;
  /** Removes an empty folder; rejects when it holds anything; resolves when it is already gone. */
  removeEmptyDir(path: string): Promise<void>;
}
