// The text of ~/.ssh/config with its `Include` lines replaced by the included files (the ssh-config package does
// not follow them). Relative paths are relative to ~/.ssh; wildcards are honoured in the last path segment.
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { globMatches } from './host-pattern.js';

const MAX_DEPTH = 16;

/** Resolves to '' when ~/.ssh/config does not exist. */
export async function readSshConfig(home: string): Promise<string> {
  return expandFile(join(home, '.ssh', 'config'), home, 0);
}

async function expandFile(path: string, home: string, depth: number): Promise<string> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  if (depth >= MAX_DEPTH) return text;
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    const include = /^\s*Include\s*[= ]\s*(.+)$/i.exec(line);
    if (!include) {
      lines.push(line);
      continue;
    }
    for (const pattern of splitWords(include[1])) {
      for (const file of await expandPattern(pattern, home)) lines.push(await expandFile(file, home, depth + 1));
    }
  }
  return lines.join('\n');
}

async function expandPattern(pattern: string, home: string): Promise<string[]> {
  const expanded = pattern.replace(/^~(?=\/|$)/, home);
  const absolute = isAbsolute(expanded) ? expanded : join(home, '.ssh', expanded);
  const name = basename(absolute);
  if (!/[*?]/.test(name)) return [absolute];
  const dir = dirname(absolute);
  const entries = await readdir(dir).catch(() => [] as string[]);
  return entries
    .filter((entry) => globMatches(name, entry))
    .sort()
    .map((entry) => join(dir, entry));
}

function splitWords(text: string): string[] {
  return [...text.matchAll(/"([^"]*)"|(\S+)/g)].map((match) => match[1] ?? match[2]);
}
