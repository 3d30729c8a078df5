// The flags of `restore` (and of the TUI), merged over sqlite-rescue.config.{json,yaml}, then checked together.
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { UsageError } from '../runbook/errors.js';

export interface RestoreFlags {
  host?: string;
  container?: string;
  db?: string;
  backups?: string;
  local?: string;
  dryRun: boolean;
  yes: boolean;
  json: boolean;
  incidentDir?: string;
  acceptNewHostKey: boolean;
  /** Clear a lock left by a run that was killed (its process is gone) instead of refusing. */
  breakStaleLock?: boolean;
  /** Which candidate to restore without asking: local, backup:PATH, repaired, salvaged or merged. */
  source?: string;
  /** Seconds each writer gets to exit on SIGTERM; the command line gives it as text, checkFlags makes it a number. */
  stopTimeout?: number | string;
}

const CONFIG_FIELDS = ['host', 'container', 'db', 'backups', 'local', 'incidentDir'] as const;
export const CONFIG_FILES = ['sqlite-rescue.config.json', 'sqlite-rescue.config.yaml', 'sqlite-rescue.config.yml'];

// The config file pre-answers questions the same way flags do; flags win.
export function readConfigFile(cwd: string): Partial<RestoreFlags> {
  const found = CONFIG_FILES.map((name) => resolve(cwd, name)).find((path) => existsSync(path));
  if (!found) return {};
  let document: unknown;
  try {
    const text = readFileSync(found, 'utf8');
    document = found.endsWith('.json') ? JSON.parse(text) : parse(text);
  } catch (error) {
    throw new UsageError(`${found}: cannot parse it: ${(error as Error).message.split('\n')[0]}`, 'fix the file or move it away');
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document))
    throw new UsageError(`${found}: expected an object of settings`, `fields: ${CONFIG_FIELDS.join(', ')}`);
  const config: Partial<RestoreFlags> = {};
  for (const [key, value] of Object.entries(document)) {
    if (!(CONFIG_FIELDS as readonly string[]).includes(key))
      throw new UsageError(`${found}: unknown setting "${key}"`, `known settings: ${CONFIG_FIELDS.join(', ')}`);
    if (typeof value !== 'string' || value === '') throw new UsageError(`${found}: setting "${key}" must be a non-empty string`);
    config[key as (typeof CONFIG_FIELDS)[number]] = value;
  }
  return config;
}

// Who answers the questions: the operator at a terminal, or --yes.
export function checkInteraction(flags: { yes: boolean; json: boolean }, hasTerminal: boolean, env: NodeJS.ProcessEnv = process.env): void {
  if (flags.json && !flags.yes)
    throw new UsageError(
      '--json needs --yes: with JSON on stdout nobody can answer questions',
      'add --yes (and --container/--db/--local so every answer is given)',
    );
  if (!flags.yes && !hasTerminal)
    throw new UsageError('no terminal to ask questions in', 'run it in a terminal, or pass --yes to accept the top-ranked answers');
  if (!flags.yes) refuseCiAtTerminal(env);
}

// Ink 6 decides at import, from CI/CONTINUOUS_INTEGRATION alone, that it runs under CI, and then draws only the last
// frame: an operator could answer no question. It has no option to say otherwise (Ink 7's `interactive` needs Node
// 22). The environment is the operator's to change, never ours: the interactive screen is refused, saying how to go on.
export function refuseCiAtTerminal(env: NodeJS.ProcessEnv): void {
  const isSet = (key: string) => key in env && env[key] !== '0' && env[key] !== 'false';
  const variable = isSet('CI') ? 'CI' : isSet('CONTINUOUS_INTEGRATION') ? 'CONTINUOUS_INTEGRATION' : undefined;
  if (!variable) return;
  throw new UsageError(
    `${variable} is set in the environment, so the terminal screen would draw nothing until the run ends (Ink's CI mode) and no question could be answered`,
    `unset it for this command (\`env -u ${variable} sqlite-rescue …\`), or pass --yes (with --json for scripts) to run without questions`,
  );
}

export function checkFlags(flags: RestoreFlags, hasTerminal: boolean): void {
  checkInteraction(flags, hasTerminal);
  if (flags.acceptNewHostKey && !flags.host)
    throw new UsageError(
      '--accept-new-host-key only makes sense with --host',
      'add --host ALIAS (the server whose new key to accept), or drop --accept-new-host-key',
    );
  if (flags.db !== undefined && !flags.db.startsWith('/'))
    throw new UsageError(`--db ${flags.db}: the path inside the container must be absolute`, 'e.g. --db /data/app.db');
  if (flags.db !== undefined && (flags.db.endsWith('/') || flags.db.split('/').includes('..')))
    throw new UsageError(`--db ${flags.db}: must name a file, without ".." parts`, 'e.g. --db /data/app.db');
  if (flags.local !== undefined) checkLocalCopy(flags.local);
  if (flags.source !== undefined) checkSource(flags);
  if (flags.stopTimeout !== undefined) flags.stopTimeout = parseStopTimeout(flags.stopTimeout);
}

/** Whole seconds, 0 to an hour: what `docker stop -t` takes. */
export function parseStopTimeout(value: number | string): number {
  const seconds = typeof value === 'number' ? value : /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 3600) {
    throw new UsageError(
      `--stop-timeout ${value}: not a whole number of seconds from 0 to 3600`,
      "e.g. --stop-timeout 30 (leave it out to use the container's own stop timeout, else docker's 10 s)",
    );
  }
  return seconds;
}

const SOURCES = ['local', 'repaired', 'salvaged', 'merged'];

function checkSource(flags: RestoreFlags): void {
  const source = flags.source as string;
  if (!SOURCES.includes(source) && !/^backup:\/./.test(source)) {
    throw new UsageError(
      `--source ${source}: not a candidate`,
      'one of: local, backup:/path/in/the/container.db, repaired, salvaged, merged',
    );
  }
  if (source === 'local' && flags.local === undefined && flags.yes)
    throw new UsageError('--source local needs --local PATH under --yes', 'pass --local with your healthy copy');
}

// A mistyped --local is said at once, before anything is connected, checked or written (no incident folder either).
// Whether it is a healthy SQLite database is for choose-source to tell: that takes SQLite.
function checkLocalCopy(local: string): void {
  let stat;
  try {
    stat = statSync(local);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new UsageError(
        `--local ${local}: no such file`,
        'pass the path of your healthy copy of the database (its -wal beside it, if any)',
      );
    throw new UsageError(
      `--local ${local}: cannot look at it (${code ?? (error as Error).message})`,
      'check the path and the permissions of its folders',
    );
  }
  if (stat.isDirectory())
    throw new UsageError(`--local ${local}: is a directory`, 'pass the path of the .db file itself, e.g. --local ./app.db');
  if (!stat.isFile())
    throw new UsageError(`--local ${local}: not a regular file`, 'pass the path of the .db file itself, e.g. --local ./app.db');
  try {
    accessSync(local, constants.R_OK);
  } catch (error) {
    throw new UsageError(
      `--local ${local}: not readable by this user (${(error as NodeJS.ErrnoException).code ?? 'no permission'})`,
      `run as a user who can read it, or make a readable copy (with its -wal) and pass that`,
    );
  }
}
