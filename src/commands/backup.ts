// `sqlite-rescue backup`: runs the sqlite-backup runbook (find the database, take the backup through SQLite, copy it
// here with --to, prune with --keep) non-interactively, as cron or a timer would. Exit 0: a backup was taken and
// checked; 1: it failed, and what it wrote under temporary names was removed; 2: usage or an ambiguous target.
import { readFileSync } from 'node:fs';
import { createLocalToolImage } from '../adapters/tool-image/local-tool-image.js';
import { systemEntropy } from '../adapters/node-crypto/entropy.js';
import type { ContainerRuntime } from '../ports/container-runtime.js';
import type { ToolImage } from '../ports/tool-image.js';
import type { RunEvent } from '../runbook/events.js';
import { checkBackupFlags, makeRunId, recordDirFor, type BackupCommandFlags } from './backup-flags.js';
import { runComposed, type ComposedResult } from './compose-run.js';

export function toolVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

export interface CommandRun {
  flags: BackupCommandFlags;
  /** Human lines; defaults to stdout, or stderr under --json. */
  log?: (line: string) => void;
  runtime?: ContainerRuntime;
  toolImage?: ToolImage;
}

export function defaultLog(json: boolean): (line: string) => void {
  return (line) => (json ? process.stderr : process.stdout).write(`${line}\n`);
}

export async function runBackup(run: CommandRun): Promise<ComposedResult & { recordDir: string }> {
  const flags = checkBackupFlags(run.flags);
  const incidentId = makeRunId(Date.now(), systemEntropy.token(3));
  const recordDir = recordDirFor('backup', incidentId);
  const result = await runComposed({
    runbookName: 'sqlite-backup',
    host: flags.host,
    acceptNewHostKey: flags.acceptNewHostKey,
    options: {
      container: flags.container,
      db: flags.db,
      backup: { command: 'backup', to: flags.to, keep: flags.keep, maxAgeMs: flags.maxAgeMs, toolVersion: toolVersion() },
    },
    incidentId,
    recordDir,
    dryRun: flags.dryRun,
    json: flags.json,
    log: run.log ?? defaultLog(flags.json),
    takesLock: true,
    target: `${flags.container ?? 'the production container'}:${flags.db ?? '<the database it has open>'}`,
    runtime: run.runtime,
    toolImage: run.toolImage ?? createLocalToolImage(),
    finish: (end, facts) => {
      if (end.exitCode !== 0) return end;
      if (flags.dryRun) return { exitCode: 0, headline: 'dry-run complete: nothing was changed' };
      const taken = facts.backupTaken;
      if (!taken) return { exitCode: 1, headline: 'the run ended without a backup' };
      const here = facts.backupPulled ? `, and on this machine at ${facts.backupPulled.path}` : '';
      return {
        exitCode: 0,
        headline: `backup taken: ${taken.path} (${taken.bytes} bytes, integrity_check ok, sha256 ${taken.sha256.slice(0, 12)}…)${here}`,
      };
    },
  });
  return { ...result, recordDir };
}

export type { RunEvent };
