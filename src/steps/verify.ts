// Step verify: the restore is done only when the live database passes integrity_check, holds at least every row of
// the snapshot (the app may have added some since it started), the quarantined files are hashed into the record,
// and the app writes to the database again.
import { mkdtemp } from 'node:fs/promises';
import { join as localJoin } from 'node:path';
import type { PathStat } from '../ports/container-runtime.js';
import type { StepImpl, StepIO } from '../runbook/engine.js';
import { RescueError } from '../runbook/errors.js';
import type { Deps } from './deps.js';
import { checkLiveDatabase } from './check-live-db.js';
import { sidecars } from './container-paths.js';
import { countRowsInContainer, sha256InContainer } from './in-container.js';
import { cannotTell } from './dry-run-checks.js';
import { writeQuarantineManifest } from './quarantine-manifest.js';
import { requireFact } from './require-fact.js';

/** How long the app gets to show a write after it started. */
export const WRITE_WAIT_MS = 20_000;

async function liveCounts(io: StepIO, deps: Deps, containerId: string, dbPath: string): Promise<Record<string, number>> {
  const inside = await countRowsInContainer(io, deps, containerId, dbPath, { immutable: false });
  if (inside) return inside;
  const folder = await mkdtemp(localJoin(deps.incident.dir, 'verify-copy-'));
  const local = await deps.runtime.copyOut(containerId, dbPath, folder);
  if (await deps.runtime.statPath(containerId, sidecars(dbPath).wal)) await deps.runtime.copyOut(containerId, sidecars(dbPath).wal, folder);
  return (await deps.sqlite.stats(local)).tables;
}

export function missingRows(snapshot: Record<string, number>, live: Record<string, number>): string[] {
  return Object.entries(snapshot)
    .filter(([table, count]) => (live[table] ?? 0) < count)
    .map(([table, count]) => `${table}: ${live[table] ?? 0} rows live, ${count} in the snapshot`);
}

async function hashQuarantine(io: StepIO, deps: Deps, containerId: string): Promise<void> {
  const files = deps.facts.quarantined ?? [];
  for (const file of files) file.sha256 = await sha256InContainer(io, deps, containerId, file.to);
  await writeQuarantineManifest(deps);
  const manifest = files.map((file) => `${file.sha256}  ${file.to}`).join('\n');
  if (files.length > 0) io.finding(`quarantine manifest (sha256):\n${manifest}`, { quarantine: deps.facts.quarantineDir, files });
}

function fingerprint(stats: Array<PathStat | null>): string {
  return stats.map((stat) => (stat ? `${stat.size}@${stat.mtime}` : '-')).join('|');
}

async function writeFingerprint(deps: Deps, containerId: string, dbPath: string): Promise<string> {
  return fingerprint(await Promise.all([dbPath, sidecars(dbPath).wal].map((path) => deps.runtime.statPath(containerId, path))));
}

// Writes show as a change of size or mtime of the .db or its -wal since `before` (taken when verify began, so a
// write made while the checks ran counts); a passing health check also counts.
async function waitForWrites(deps: Deps, containerId: string, dbPath: string, before: string): Promise<string> {
  const deadline = deps.clock.now() + WRITE_WAIT_MS;
  for (;;) {
    const details = await deps.runtime.inspect(containerId);
    if (details.state !== 'running') throw new RescueError(`the app stopped again: ${details.name} is ${details.state}`, { hint: `read docker logs ${details.name}` });
    if (details.health === 'healthy') return 'the container\'s health check passes';
    if ((await writeFingerprint(deps, containerId, dbPath)) !== before) return 'the app wrote to the database';
    if (deps.clock.now() >= deadline) break;
    await deps.clock.sleep(500);
  }
  throw new RescueError(`the app has not written to ${dbPath} within ${WRITE_WAIT_MS / 1000} s`, {
    hint: 'the restored database is in place and passes integrity_check; check that the app is serving and writing (docker logs), it may just be idle',
  });
}

export const verify: StepImpl<Deps> = {
  kind: 'verify',
  async run(io, deps) {
    const container = requireFact(deps.facts.container, 'the container', 'find-container');
    const snapshot = requireFact(deps.facts.snapshot, 'the snapshot', 'snapshot-source');
    const dbPath = deps.options.db as string;
    if (!deps.facts.swapped) {
      // Nothing was restored (a dry-run): checking the live file again would only repeat check-live-db.
      if (io.isDryRun) cannotTell(io, 'whether the restored database passes integrity_check and the app writes to it again');
      return { summary: 'nothing to verify: nothing was restored' };
    }
    const before = await writeFingerprint(deps, container.id, dbPath);
    // The manifest is written whatever the check finds: the record always says where the old files went, with their
    // sha256. Hashing the quarantine, checking the live file and counting its rows read different files or only
    // read, so they run side by side.
    const [hashed, checked, counted] = await Promise.allSettled([hashQuarantine(io, deps, container.id), checkLiveDatabase(io, deps, container.id, dbPath, 'full'), liveCounts(io, deps, container.id, dbPath)]);
    if (hashed.status === 'rejected') throw hashed.reason;
    if (checked.status === 'rejected') throw checked.reason;
    const live = checked.value;
    if (!live.ok) {
      throw new RescueError(`the restored database fails ${live.check}: ${live.errors[0]}`, {
        hint: `the old files are in ${deps.facts.quarantineDir}; stop the app and compare with the snapshot in ${snapshot.path}`,
      });
    }
    io.output(`integrity_check: ok (${live.via})`);

    if (counted.status === 'rejected') throw counted.reason;
    const counts = counted.value;
    const missing = missingRows(snapshot.tables, counts);
    if (missing.length > 0) throw new RescueError(`the live database lacks rows of the snapshot: ${missing.join('; ')}`, { hint: `the snapshot is in ${snapshot.path}` });
    io.output(`rows: ${Object.entries(counts).map(([table, count]) => `${table}=${count} (snapshot ${snapshot.tables[table] ?? 0})`).join(' ')}`);

    const writes = await waitForWrites(deps, container.id, dbPath, before);
    io.finding(`verified: integrity ok, every snapshot row present, ${writes}`);
    return { summary: `integrity ok, rows ≥ snapshot, ${writes}`, data: { counts } };
  },
};
