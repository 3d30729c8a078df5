// Finds and loads a runbook shipped in runbooks/ beside the package (from src/ under tsx and from dist/ alike).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../runbook/errors.js';
import { parseRunbook } from '../runbook/loader.js';
import type { Runbook } from '../runbook/types.js';
import { displayLine } from '../runbook/actions.js';
import { runbookToMarkdown } from '../runbook/markdown.js';
import type { Known } from '../steps/deps.js';
import { stepKinds } from '../steps/index.js';

export const runbooksDir = fileURLToPath(new URL('../../runbooks/', import.meta.url));
export const DEFAULT_RUNBOOK = 'sqlite-wal-restore';

export function listRunbooks(): string[] {
  return readdirSync(runbooksDir)
    .filter((name) => name.endsWith('.yaml'))
    .map((name) => name.replace(/\.yaml$/, ''))
    .sort();
}

export function loadRunbook(name = DEFAULT_RUNBOOK): Runbook {
  const known = listRunbooks();
  if (!known.includes(name)) throw new UsageError(`no runbook named "${name}"`, `known runbooks: ${known.join(', ')}`);
  const path = `${runbooksDir}${name}.yaml`;
  return parseRunbook(readFileSync(path, 'utf8'), path, [...stepKinds.keys()]);
}

/** The runbook as Markdown: each step's commands as its kind declares them, placeholders where nothing is known. */
export function printRunbook(name?: string): string {
  const known: Known = { facts: {}, options: {}, incident: { id: '<incident>', dir: '<incident-dir>' } };
  return runbookToMarkdown(loadRunbook(name), (step) => {
    const kind = stepKinds.get(step.uses);
    return { mutates: kind?.mutates ?? false, commands: (kind?.declare(known) ?? []).map(displayLine) };
  });
}
