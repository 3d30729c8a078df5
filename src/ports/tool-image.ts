// The image `backup` runs sqlite3 from when the app's own image has none: assembled from this machine's binaries
// (a static busybox, sqlite3 and the libraries it loads), imported into the engine once under a tag that is a hash of
// its content, and run as a helper on the app's volumes. SQLite's own locks are kernel locks on the volume's files,
// so a sqlite3 in another container reads the live database as safely as one in the app's.
export interface ToolImage {
  /**
   * `sqlite-rescue/sqlite3:<hash of what goes in>`. Throws RescueError with a hint when this machine lacks what the
   * image is made of (busybox-static, sqlite3).
   */
  reference(): Promise<string>;
  /** The root filesystem, streamed as a tar. */
  rootfs(): NodeJS.ReadableStream;
  /** docker import changes: its label, its PATH. */
  changes(): string[];
}
