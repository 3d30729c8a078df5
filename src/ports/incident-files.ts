// The incident folder on this machine, as the steps may touch it: scratch folders for files copied out, and the
// small files of the record a step writes itself (the quarantine manifest). The journal and report.md are written
// by the record (src/report/), not by steps.
export interface IncidentFiles {
  /** The folder, absolute. */
  readonly dir: string;
  /** A path inside the folder (not created). */
  path(name: string): string;
  /** A new, empty folder inside the incident folder whose name starts with `prefix`; returns its path. */
  makeScratchDir(prefix: string): Promise<string>;
  /** Writes `name` in the folder whole: a temporary file, fsynced, then renamed, so a crash leaves the old or the new. */
  writeText(name: string, text: string): Promise<void>;
  /** What `name` in the folder holds; null when it is absent (a resumed run reads back what a step wrote). */
  readText(name: string): Promise<string | null>;
}
