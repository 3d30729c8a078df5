// The flags of `restore` (and of the TUI), merged over sqlite-rescue.config.{json,yaml}, then checked together.
import { existsSync, readFileSync } from 'node:fs';
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
  if (typeof document !== 'object' || document === null || Array.isArray(document)) throw new UsageError(`${found}: expected an object of settings`, `fields: ${CONFIG_FIELDS.join(', ')}`);
  const config: Partial<RestoreFlags> = {};
  for (const [key, value] of Object.entries(document)) {
    if (!(CONFIG_FIELDS as readonly string[]).includes(key)) throw new UsageError(`${found}: unknown setting "${key}"`, `known settings: ${CONFIG_FIELDS.join(', ')}`);
    if (typeof value !== 'string' || value === '') throw new UsageError(`${found}: setting "${key}" must be a non-empty string`);
    config[key as (typeof CONFIG_FIELDS)[number]] = value;
  }
  return config;
}

export function checkFlags(flags: RestoreFlags, hasTerminal: boolean): void {
  if (flags.json && !flags.yes) throw new UsageError('--json needs --yes: with JSON on stdout nobody can answer questions', 'add --yes (and --container/--db/--local so every answer is given)');
  if (!flags.yes && !hasTerminal) throw new UsageError('no terminal to ask questions in', 'run it in a terminal, or pass --yes to accept the top-ranked answers');
  if (flags.acceptNewHostKey && !flags.host) throw new UsageError('--accept-new-host-key only makes sense with --host');
  if (flags.db !== undefined && !flags.db.startsWith('/')) throw new UsageError(`--db ${flags.db}: the path inside the container must be absolute`, 'e.g. --db /data/app.db');
  if (flags.db !== undefined && (flags.db.endsWith('/') || flags.db.split('/').includes('..'))) throw new UsageError(`--db ${flags.db}: must name a file, without ".." parts`, 'e.g. --db /data/app.db');
  if (flags.yes && !flags.db) throw new UsageError('--yes needs --db: the database path inside the container', 'e.g. --db /data/app.db');
}
