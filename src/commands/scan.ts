// `sqlite-rescue scan`: runs the sqlite-scan runbook and prints a table for people (or, with --json, one finding per
// database among the NDJSON events). Exit 1 when any database is corrupt or has no healthy backup younger than
// --max-age; 2 usage.
import { systemEntropy } from '../adapters/node-crypto/entropy.js';
import { renderScanTable } from '../backup/scan.js';
import { checkBackupFlags, makeRunId, recordDirFor } from './backup-flags.js';
import { defaultLog, toolVersion, type CommandRun } from './backup.js';
import { runComposed } from './compose-run.js';

export async function runScan(run: CommandRun): Promise<number> {
  const flags = checkBackupFlags(run.flags);
  const incidentId = makeRunId(Date.now(), systemEntropy.token(3));
  const log = run.log ?? defaultLog(flags.json);
  const { exitCode, facts } = await runComposed({
    runbookName: 'sqlite-scan',
    host: flags.host,
    acceptNewHostKey: flags.acceptNewHostKey,
    options: { backup: { command: 'scan', keep: flags.keep, maxAgeMs: flags.maxAgeMs, toolVersion: toolVersion() } },
    incidentId,
    recordDir: recordDirFor('scan', incidentId),
    dryRun: false,
    json: flags.json,
    log: flags.json ? log : () => undefined,
    takesLock: false,
    target: flags.host ?? 'the local Docker engine',
    runtime: run.runtime,
    finish: (end, facts) => {
      if (end.exitCode !== 0 || !facts.scanRows) return end;
      const containers = new Set(facts.scanRows.map((row) => row.container)).size;
      return {
        exitCode: 0,
        headline:
          `${facts.scanRows.length} databases in ${containers} containers: ` + 'every one healthy, each with a healthy backup young enough',
      };
    },
  });
  if (!flags.json) {
    for (const line of renderScanTable(facts.scanRows ?? [])) log(line);
    log(
      exitCode === 0
        ? '✔ every database is healthy and has a healthy backup young enough'
        : exitCode === 1 && facts.scanRows
          ? `✘ ${facts.scanRows.filter((row) => row.problems.length > 0).length} of ${facts.scanRows.length} ` +
            'databases need attention (exit 1)'
          : `✘ the scan did not finish (exit ${exitCode})`,
    );
  }
  return exitCode;
}
