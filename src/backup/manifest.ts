// What `backup` records beside each backup: `<file>.sha256` (sha256sum -c reads it) and `<file>.json`, the manifest
// that says the file is ours, of which database, when it was taken, how, its sha256, its integrity_check and its row
// counts. `prune` deletes only files whose manifest says they are backups of the same database. Pure.
import { z } from 'zod';

export const MANIFEST_TOOL = 'sqlite-rescue';

export interface BackupManifest {
  tool: typeof MANIFEST_TOOL;
  manifestVersion: 1;
  kind: 'backup';
  /** The database it is a backup of: its path inside the container. */
  database: string;
  container: string;
  image: string;
  /** The backup's own name (in the same folder as the manifest). */
  file: string;
  /** When the snapshot began, ISO 8601 UTC: it holds every row committed before then. */
  takenAt: string;
  /** How: "VACUUM INTO by sqlite3 in the container" or "… in a helper container from <image>". */
  takenBy: string;
  durationMs: number;
  bytes: number;
  sha256: string;
  /** Always 'delete': opening the backup creates no -wal. */
  journalMode: 'delete';
  /** Always 'ok': a backup that fails it is never kept. */
  integrityCheck: 'ok';
  /** Row count per table. */
  tables: Record<string, number>;
}

const schema = z.object({
  tool: z.literal(MANIFEST_TOOL),
  manifestVersion: z.literal(1),
  kind: z.literal('backup'),
  database: z.string().min(1),
  container: z.string(),
  image: z.string(),
  file: z.string().min(1),
  takenAt: z.string().refine((text) => !Number.isNaN(Date.parse(text)), 'not a time'),
  takenBy: z.string(),
  durationMs: z.number(),
  bytes: z.number(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  journalMode: z.literal('delete'),
  integrityCheck: z.literal('ok'),
  tables: z.record(z.string(), z.number()),
});

/** One line of JSON: the shell loop that reads manifests back reads lines. */
export function manifestText(manifest: BackupManifest): string {
  return `${JSON.stringify(manifest)}\n`;
}

/** What sha256sum prints, so `sha256sum -c <file>.sha256` in the backups folder checks it. */
export function sha256Text(sha256: string, file: string): string {
  return `${sha256}  ${file}\n`;
}

/** The manifest, or null when the text is not one of ours (anything else named like it is not proof of anything). */
export function parseManifest(text: string): BackupManifest | null {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = schema.safeParse(document);
  return parsed.success ? (parsed.data as BackupManifest) : null;
}
