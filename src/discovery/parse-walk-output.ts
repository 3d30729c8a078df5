// Reads what WALK_SCRIPT printed back into plain records. Pure: every line shape is pinned by table-driven tests.
import { bytesFromOd, splitHeadStream } from './parse-head-stream.js';
import { parseOpenFiles, type OpenFiles, type ProcessListing } from './parse-open-files.js';
import { HEAD_BYTES } from './walk-script.js';

export interface WalkedFile {
  path: string;
  size: number | null;
  /** ISO 8601. */
  mtime: string | null;
  /** The first bytes (at most HEAD_BYTES); null when they could not be read here. */
  head: Buffer | null;
}

export interface WalkOutput {
  /** Tools the image has, of those the script looks for; null when the script never said (it did not start). */
  tools: string[] | null;
  files: WalkedFile[];
  quarantine: string[];
  /** Folders at the depth limit, not entered. */
  atDepthLimit: string[];
  /** Listed names that were no regular file when looked at (vanished, or a name holding a newline). */
  unlisted: string[];
  /** The open files, or why they are unknown; null when they were not asked for. */
  openFiles: OpenFiles | { unknown: string } | null;
  stoppedBy: { reason: 'files' | 'time'; limit: number } | null;
  /** false when the output ended before the script's END line (killed, or cut off). */
  complete: boolean;
}

const STAT_LINE = /^(\d+) (\d+) (.*)$/;

function isMarked(line: string, mark: string): boolean {
  return line === mark || line.startsWith(`${mark} `);
}

interface Batch {
  names: string[];
  statLines: string[];
  odLines: string[];
}

function batchFiles(batch: Batch): WalkedFile[] {
  const stats = new Map<string, { size: number; mtime: string }>();
  for (const line of batch.statLines) {
    const match = STAT_LINE.exec(line);
    if (match) stats.set(match[3], { size: Number(match[1]), mtime: new Date(Number(match[2]) * 1000).toISOString() });
  }
  const haveHeads = batch.odLines.length > 0;
  const heads = haveHeads ? splitHeadStream(bytesFromOd(batch.odLines.join('\n')), batch.names, HEAD_BYTES) : [];
  return batch.names.map((path, index) => {
    const stat = stats.get(path);
    const head = haveHeads ? heads[index] : null;
    // busybox prints a newline even for a file it could not open: a short file's bytes stop at its real size.
    const exact = head && stat ? head.subarray(0, Math.min(head.length, stat.size)) : head;
    return { path, size: stat?.size ?? null, mtime: stat?.mtime ?? null, head: exact };
  });
}

export function parseWalkOutput(stdout: string, mark: string): WalkOutput {
  const output: WalkOutput = {
    tools: null,
    files: [],
    quarantine: [],
    atDepthLimit: [],
    unlisted: [],
    openFiles: null,
    stoppedBy: null,
    complete: false,
  };
  const listings: ProcessListing[] = [];
  let listing: ProcessListing | null = null;
  let batch: Batch | null = null;
  let section: 'none' | 'open' | 'stat' | 'od' = 'none';
  for (const line of stdout.split('\n')) {
    if (!isMarked(line, mark)) {
      if (section === 'open' && listing) listing.lines.push(line);
      else if (section === 'stat' && batch) batch.statLines.push(line);
      else if (section === 'od' && batch) batch.odLines.push(line);
      continue;
    }
    const rest = line.slice(mark.length + 1);
    const space = rest.indexOf(' ');
    const tag = space === -1 ? rest : rest.slice(0, space);
    const value = space === -1 ? '' : rest.slice(space + 1);
    if (tag === 'T') output.tools = value.split(' ').filter(Boolean);
    else if (tag === 'P') {
      listing = { pid: Number(value), lines: [] };
      listings.push(listing);
      section = 'open';
    } else if (tag === 'PE') {
      output.openFiles = parseOpenFiles(listings);
      section = 'none';
    } else if (tag === 'PX') output.openFiles = { unknown: value };
    else if (tag === 'Q') output.quarantine.push(value);
    else if (tag === 'L') output.atDepthLimit.push(value);
    else if (tag === 'U') output.unlisted.push(value);
    else if (tag === 'B') {
      batch = { names: [], statLines: [], odLines: [] };
      section = 'none';
    } else if (tag === 'N' && batch) {
      batch.names.push(value);
      section = 'stat';
    } else if (tag === 'H') section = 'od';
    else if (tag === 'BE' && batch) {
      output.files.push(...batchFiles(batch));
      batch = null;
      section = 'none';
    } else if (tag === 'S') {
      const [reason, limit] = value.split(' ');
      if (reason === 'files' || reason === 'time') output.stoppedBy = { reason, limit: Number(limit) };
    } else if (tag === 'END') output.complete = true;
  }
  return output;
}
