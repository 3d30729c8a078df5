// Every entry under a folder by relative path: sha256 for files, 'dir' for folders (ending in /), 'other' for the
// rest. "Nothing changed" is then asserted byte for byte, a new empty folder included.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sha256File } from './sqlite-fixtures.js';

export function hashTree(root: string, into: Record<string, string> = {}, at = ''): Record<string, string> {
  for (const name of readdirSync(root)) {
    const path = join(root, name);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat?.isDirectory()) {
      into[`${at}${name}/`] = 'dir';
      hashTree(path, into, `${at}${name}/`);
    } else into[`${at}${name}`] = stat?.isFile() ? sha256File(path) : 'other';
  }
  return into;
}
