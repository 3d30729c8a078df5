// `sqlite-rescue verify`: runs the sqlite-verify runbook non-interactively. Exit 0 only when every backup checked is
// healthy and restorable and the newest is younger than --max-age; 1 otherwise, naming each backup and what is wrong
// with it; 2 usage. With --ping the monitor hears the verdict (GET URL, or URL/fail), whatever the exit code.
import { createMonitor } from '../adapters/node-http/monitor.js';
import { systemEntropy } from '../adapters/node-crypto/entropy.js';
import type { Monitor } from '../ports/monitor.js';
import { describeError, RescueError } from '../runbook/errors.js';
import { checkBackupFlags, makeRunId, recordDirFor } from './backup-flags.js';
import { defaultLog, toolVersion, type CommandRun } from './backup.js';
import { runComposed } from './compose-run.js';

export const PING_TIMEOUT_MS = 10_000;

/** healthchecks.io's convention: the URL itself on success, `<url>/fail` on failure. */
export function pingUrl(base: string, isHealthy: boolean): string {
  return isHealthy ? base : `${base}/fail`;
}

export async function ping(monitor: Monitor, base: string, isHealthy: boolean, json: boolean, log: (line: string) => void): Promise<void> {
  const url = pingUrl(base, isHealthy);
  const result = await monitor.ping(url, PING_TIMEOUT_MS);
  if (json) process.stdout.write(`${JSON.stringify({ type: 'monitor-pinged', at: new Date().toISOString(), ...result })}\n`);
  log(result.ok ? `pinged ${url} (HTTP ${result.status})` : `could not ping ${url}: ${result.error} — the exit code stands`);
}

export async function runVerify(run: CommandRun & { monitor?: Monitor }): Promise<number> {
  const log = run.log ?? defaultLog(run.flags.json);
  let flags;
  try {
    flags = checkBackupFlags(run.flags);
  } catch (error) {
    // A usage mistake on a timer is still news for the monitor, when its URL is good.
    const base = run.flags.ping && /^https?:\/\//.test(run.flags.ping) ? run.flags.ping.replace(/\/+$/, '') : undefined;
    if (base) await ping(run.monitor ?? createMonitor(), base, false, run.flags.json, log);
    throw error;
  }
  const incidentId = makeRunId(Date.now(), systemEntropy.token(3));
  let exitCode: number;
  try {
    ({ exitCode } = await runComposed({
      runbookName: 'sqlite-verify',
      host: flags.host,
      acceptNewHostKey: flags.acceptNewHostKey,
      options: {
        container: flags.container,
        db: flags.db,
        backups: flags.backups,
        backup: { command: 'verify', keep: flags.keep, maxAgeMs: flags.maxAgeMs, toolVersion: toolVersion() },
      },
      incidentId,
      recordDir: recordDirFor('verify', incidentId),
      dryRun: false,
      json: flags.json,
      log,
      takesLock: false,
      target: `${flags.container ?? 'the production container'}:${flags.db ?? '<the database it has open>'}`,
      runtime: run.runtime,
      finish: (end, facts) =>
        end.exitCode === 0 && facts.verifyJudgement ? { exitCode: 0, headline: facts.verifyJudgement.headline } : end,
    }));
  } catch (error) {
    if (flags.ping) await ping(run.monitor ?? createMonitor(), flags.ping, false, flags.json, log);
    if (error instanceof RescueError) throw error;
    throw new RescueError(describeError(error).message, { cause: error });
  }
  if (flags.ping) await ping(run.monitor ?? createMonitor(), flags.ping, exitCode === 0, flags.json, log);
  return exitCode;
}
