// The operator's machine: hashing and stat of local files, streamed.
export interface LocalFileStat {
  size: number;
  /** ISO 8601. */
  mtime: string;
  isFile: boolean;
}

export interface LocalFiles {
  /** null when absent; rejects on permission errors. */
  stat(path: string): Promise<LocalFileStat | null>;
  /** sha256 hex of the file, streamed. */
  sha256(path: string): Promise<string>;
  /** mkdir -p. */
  ensureDir(path: string): Promise<void>;
}
