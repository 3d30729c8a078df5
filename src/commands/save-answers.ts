// After a run at the terminal: the answers it found (the container, the database, the local copy), offered to be saved
// where the next restore, dry-run or drill reads them: sqlite-rescue.config.yaml (or the .json/.yml already there).
// Asked only when something would change; an existing file keeps every setting it has that the run did not answer.
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { stringify } from 'yaml';
import type { Facts } from '../steps/facts.js';
import { CONFIG_FILES, readConfigFile, type RestoreFlags } from './restore-flags.js';
import { askYesNo, type TuiSession } from './tui-session.js';

type Answers = Partial<Pick<RestoreFlags, 'host' | 'container' | 'db' | 'backups' | 'local'>>;

/** What a run settled that a config file can hold; undefined where it settled nothing. */
export function answersOf(flags: RestoreFlags, facts: Facts): Answers {
  const answers: Answers = {
    host: flags.host,
    container: facts.target?.containerName ?? flags.container,
    db: facts.target?.dbPath ?? flags.db,
    backups: flags.backups,
    local: facts.source?.kind === 'local' ? facts.source.path : flags.local ? resolve(flags.local) : undefined,
  };
  return Object.fromEntries(Object.entries(answers).filter(([, value]) => value !== undefined)) as Answers;
}

export async function offerToSaveAnswers(
  session: TuiSession,
  run: { flags: RestoreFlags; facts: Facts; cwd: string; exitCode: number },
): Promise<void> {
  // A run that never settled its target has nothing worth keeping.
  if (!run.facts.target) return;
  const existingPath = CONFIG_FILES.map((name) => resolve(run.cwd, name)).find((path) => existsSync(path));
  const existing = readConfigFile(run.cwd);
  const answers = answersOf(run.flags, run.facts);
  const changed = Object.entries(answers).filter(([key, value]) => existing[key as keyof Answers] !== value);
  if (changed.length === 0) return;
  const path = existingPath ?? resolve(run.cwd, 'sqlite-rescue.config.yaml');
  const lines = changed.map(([key, value]) => `  ${key}: ${value}`).join('\n');
  const yes = await askYesNo(
    session,
    `Save these answers to ${path}, so the next restore, dry-run or drill starts with them?\n${lines}`,
    true,
  ).catch(() => false);
  if (!yes) return;
  const merged = { ...existing, ...answers };
  writeFileSync(path, path.endsWith('.json') ? `${JSON.stringify(merged, null, 2)}\n` : stringify(merged));
}
