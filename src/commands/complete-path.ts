// Tab at the TUI's path prompt: completion against this machine's folders (relative to where the tool runs, ~/ home).
import { homedir } from 'node:os';
import { createLocalFiles } from '../adapters/node-fs/local-files.js';
import { completePath } from '../discovery/index.js';

const files = createLocalFiles();

export function completeLocalPath(typed: string) {
  return completePath(files, process.cwd(), typed, homedir());
}
