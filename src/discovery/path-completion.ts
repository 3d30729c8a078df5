// Tab in a path prompt: what the typed text completes to, from a listing of the folder it names. The pure part decides;
// completePath only fetches the listing through the LocalFiles port.
import { isAbsolute, join } from 'node:path';
import type { LocalDirEntry, LocalFiles } from '../ports/local-files.js';

export interface Completion {
  /** The text after Tab: unchanged when nothing matches, the common prefix when several do. */
  value: string;
  /** Names that match when several do (folders end with '/'), for the prompt to show; empty otherwise. */
  matches: string[];
}

/** "data/ap" → folder "data/", prefix "ap"; "app" → folder "", prefix "app". */
export function splitTypedPath(typed: string): { folder: string; prefix: string } {
  const slash = typed.lastIndexOf('/');
  return slash === -1 ? { folder: '', prefix: typed } : { folder: typed.slice(0, slash + 1), prefix: typed.slice(slash + 1) };
}

function commonPrefix(names: string[]): string {
  let prefix = names[0] ?? '';
  for (const name of names) while (!name.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}

/** Hidden entries take part only when the prefix starts with a dot, as in a shell. */
export function completeFromListing(typed: string, entries: LocalDirEntry[]): Completion {
  const { folder, prefix } = splitTypedPath(typed);
  const hits = entries
    .filter((entry) => entry.name.startsWith(prefix) && (prefix.startsWith('.') || !entry.name.startsWith('.')))
    .map((entry) => (entry.kind === 'directory' ? `${entry.name}/` : entry.name))
    .sort();
  if (hits.length === 0) return { value: typed, matches: [] };
  if (hits.length === 1) return { value: `${folder}${hits[0]}`, matches: [] };
  const common = commonPrefix(hits);
  return { value: `${folder}${common.length > prefix.length ? common : prefix}`, matches: hits };
}

/** The local folder a typed folder part names: relative to cwd, `~/` under home. */
export function resolveTypedFolder(folder: string, cwd: string, home: string): string {
  if (folder === '') return cwd;
  if (folder === '~/' || folder.startsWith('~/')) return join(home, folder.slice(2));
  return isAbsolute(folder) ? folder : join(cwd, folder);
}

/** Completion for `typed`; a folder that is missing or unreadable completes to nothing (the text stays). */
export async function completePath(files: LocalFiles, cwd: string, typed: string, home: string): Promise<Completion> {
  const { folder } = splitTypedPath(typed);
  const listing = await files.list(resolveTypedFolder(folder, cwd, home)).catch(() => null);
  return listing ? completeFromListing(typed, listing.entries) : { value: typed, matches: [] };
}
