// The flags of backup, verify and scan, checked before anything is connected or written: a mistake is said with the
// flag, the value and what to type instead (exit 2), and changes nothing.
import { accessSync, constants, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseDuration } from '../backup/duration.js';
import { makeIncidentId } from '../runbook/incident-id.js';
import { UsageError } from '../runbook/errors.js';
import { DEFAULT_KEEP } from '../steps/prune-backups.js';

/** --max-age when none is given: backups every 6 hours (what `schedule` sets up) keep every one younger than this. */
export const DEFAULT_MAX_AGE = '6h';

export interface BackupCommandFlags {
  host?: string;
  container?: string;
  db?: string;
  backups?: string;
  to?: string;
  keep?: string;
  maxAge?: string;
  ping?: string;
  json: boolean;
  dryRun: boolean;
  acceptNewHostKey: boolean;
}

export interface CheckedFlags {
  host?: string;
  container?: string;
  db?: string;
  backups?: string;
  /** Absolute. */
  to?: string;
  keep: number;
  maxAgeMs: number;
  ping?: string;
  json: boolean;
  dryRun: boolean;
  acceptNewHostKey: boolean;
}

export function checkDbPath(db: string | undefined): void {
  if (db === undefined) return;
  if (!db.startsWith('/')) throw new UsageError(`--db ${db}: the path inside the container must be absolute`, 'e.g. --db /data/app.db');
  if (db.endsWith('/') || db.split('/').includes('..'))
    throw new UsageError(`--db ${db}: must name a file, without ".." parts`, 'e.g. --db /data/app.db');
}

function checkKeep(keep: string | undefined): number {
  if (keep === undefined) return DEFAULT_KEEP;
  if (!/^\d+$/.test(keep.trim()) || Number(keep) < 1)
    throw new UsageError(
      `--keep ${keep}: must be a whole number of backups, 1 or more`,
      `e.g. --keep ${DEFAULT_KEEP} (the default: a week of backups every 6 hours)`,
    );
  return Number(keep);
}

// The folder, or the nearest folder above it that exists (the backup creates the rest), must be writable here.
function checkTo(to: string | undefined): string | undefined {
  if (to === undefined) return undefined;
  const path = resolve(to);
  let probe = path;
  for (;;) {
    let stat;
    try {
      stat = statSync(probe);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT')
        throw new UsageError(`--to ${to}: cannot look at ${probe} (${code})`, 'pass a folder on this machine you can write to');
      const parent = dirname(probe);
      if (parent === probe) break;
      probe = parent;
      continue;
    }
    if (!stat.isDirectory())
      throw new UsageError(`--to ${to}: ${probe} is not a folder`, 'pass a folder on this machine (it is created when missing)');
    try {
      accessSync(probe, constants.W_OK | constants.X_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'EROFS' ? 'is on a read-only filesystem' : `is not writable by this user (${code})`;
      throw new UsageError(`--to ${to}: ${probe} ${why}`, 'pass a folder you can write to — nothing was backed up yet');
    }
    return path;
  }
  throw new UsageError(`--to ${to}: no folder of it exists`, 'pass a folder on this machine');
}

function checkPing(ping: string | undefined): string | undefined {
  if (ping === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(ping);
  } catch {
    throw new UsageError(`--ping ${ping}: not a URL`, 'e.g. --ping https://hc-ping.com/<your check uuid>');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`--ping ${ping}: only http and https URLs are pinged`, 'e.g. --ping https://hc-ping.com/<your check uuid>');
  return ping.replace(/\/+$/, '');
}

function checkBackupsGlob(glob: string | undefined): void {
  if (glob === undefined) return;
  if (!glob.startsWith('/'))
    throw new UsageError(`--backups ${glob}: the path inside the container must be absolute`, 'e.g. --backups "/data/backups/*.db"');
  if (/[*?[]/.test(dirname(glob)))
    throw new UsageError(`--backups "${glob}": only the last part of the path may hold wildcards`, 'e.g. --backups "/data/backups/*.db"');
}

export function checkBackupFlags(flags: BackupCommandFlags): CheckedFlags {
  checkDbPath(flags.db);
  checkBackupsGlob(flags.backups);
  if (flags.acceptNewHostKey && !flags.host)
    throw new UsageError('--accept-new-host-key only makes sense with --host', 'add --host ALIAS, or drop --accept-new-host-key');
  return {
    host: flags.host,
    container: flags.container,
    db: flags.db,
    backups: flags.backups,
    to: checkTo(flags.to),
    keep: checkKeep(flags.keep),
    maxAgeMs: parseDuration(flags.maxAge ?? DEFAULT_MAX_AGE, '--max-age'),
    ping: checkPing(flags.ping),
    json: flags.json,
    dryRun: flags.dryRun,
    acceptNewHostKey: flags.acceptNewHostKey,
  };
}

/** Where a run of backup, verify or scan keeps its record: $XDG_STATE_HOME/sqlite-rescue/runs/<command>-<id>. */
export function recordDirFor(command: string, incidentId: string): string {
  return join(process.env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'sqlite-rescue', 'runs', `${command}-${incidentId}`);
}

/** A UTC timestamp and a few random hex digits: two runs in the same second get different records and helpers. */
export function makeRunId(now: number, token: string): string {
  return `${makeIncidentId(now)}-${token}`;
}
