// Step verify: the restore is done only when the live database passes integrity_check, holds at least every row of
// the snapshot (the app may have added some since it started), the quarantined files are hashed into the record,
// and the app writes to the database again.
import type { PathStat } from '../ports/container-runtime.js';
import type { StepIO } from '../runbook/engine.js';
import { RescueError } from '../runbook/errors.js';
import { isHealthy, describeVerdictSource } from './checks.js';
import { checkLiveDatabase, hasTool, targetRef } from './check-live-db.js';
import { sidecars } from './container-paths.js';
import type { Deps } from './deps.js';
import type { Target } from './facts.js';
import { copyOut, countRowsLocal, inspectContainer, statInContainer } from './port-actions.js';
import { writeQuarantineManifest } from './quarantine-manifest.js';
import { requireFact } from './require-fact.js';
import { checkInContainer, countRowsInContainer, sha256InContainer } from './sqlite-cli.js';
import { cannotTell } from './stage-in-container.js';
import type { StepKind } from './step-kind.js';
import { knownRef, knownTarget } from './known-target.js';

/** How long the app gets to show a write after it started. */
export const WRITE_WAIT_MS = 20_000;

async function liveCounts(io: StepIO, deps: Deps, target: Target): Promise<Record<string, number>> {
  const ref = targetRef(target);
  const inside = hasTool(deps, 'sqlite3') ? await countRowsInContainer(io, ref, target.dbPath, { immutable: false }) : null;
  if (inside) return inside;
  const folder = await deps.incidentFiles.makeScratchDir('verify-copy-');
  const local = await io.perform(copyOut(ref, target.dbPath, folder));
  if (await io.perform(statInContainer(ref, sidecars(target.dbPath).wal)))
    await io.perform(copyOut(ref, sidecars(target.dbPath).wal, folder));
  return (await io.perform(countRowsLocal(local))).tables;
}

export function missingRows(snapshot: Record<string, number>, live: Record<string, number>): string[] {
  return Object.entries(snapshot)
    .filter(([table, count]) => (live[table] ?? 0) < count)
    .map(([table, count]) => `${table}: ${live[table] ?? 0} rows live, ${count} in the snapshot`);
}

async function hashQuarantine(io: StepIO, deps: Deps, target: Target): Promise<void> {
  const files = deps.facts.quarantined ?? [];
  for (const file of files) file.sha256 = await sha256InContainer(io, targetRef(target), file.to);
  await writeQuarantineManifest(deps);
  const manifest = files.map((file) => `${file.sha256}  ${file.to}`).join('\n');
  if (files.length > 0) io.finding(`quarantine manifest (sha256):\n${manifest}`, { quarantine: deps.facts.quarantineDir, files });
}

function fingerprint(stats: Array<PathStat | null>): string {
  return stats.map((stat) => (stat ? `${stat.size}@${stat.mtime}` : '-')).join('|');
}

async function writeFingerprint(io: StepIO, target: Target): Promise<string> {
  return fingerprint(
    await Promise.all([target.dbPath, sidecars(target.dbPath).wal].map((path) => io.perform(statInContainer(targetRef(target), path)))),
  );
}

/** How long an app that crash-looped before the restore must stay up, its restart count unchanged, to count as up. */
export const STABLE_MS = 5_000;
const POLL_MS = 500;

// Writes show as a change of size or mtime of the .db or its -wal since `before` (taken when verify began, so a
// write made while the checks ran counts); a passing health check also counts. An app that crash-looped before the
// restore must also stay up STABLE_MS with its restart count unchanged, pass its health check where it has one, and
// write: a loop that merely paused would otherwise read as a success.
async function waitForWrites(io: StepIO, deps: Deps, target: Target, before: string): Promise<string> {
  const started = deps.clock.now();
  const deadline = started + WRITE_WAIT_MS;
  const wasDown = deps.facts.appWasDown !== undefined;
  const stableMs = wasDown ? STABLE_MS : 0;
  if (wasDown)
    io.waiting(
      `${target.containerName} crash-looped before the restore: it must stay up ${STABLE_MS / 1000} s, restart count unchanged, and write`,
      started + stableMs,
    );
  let first: { restartCount: number; startedAt: string | null } | undefined;
  let wrote = false;
  try {
    for (;;) {
      const details = await io.perform(inspectContainer(targetRef(target)));
      if (details.state !== 'running')
        throw new RescueError(`the app stopped again: ${details.name} is ${details.state}`, { hint: `read docker logs ${details.name}` });
      first ??= { restartCount: details.restartCount, startedAt: details.startedAt };
      if (details.restartCount !== first.restartCount || details.startedAt !== first.startedAt) {
        throw new RescueError(
          `${details.name} restarted while it was watched (restart count ${first.restartCount} → ${details.restartCount}): it does not ` +
            `stay up`,
          {
            hint: `read docker logs ${details.name}; the restored database is in place and the old files are in quarantine`,
          },
        );
      }
      wrote ||= (await writeFingerprint(io, target)) !== before;
      const isStable = deps.clock.now() - started >= stableMs;
      const isHealthy = details.health === 'healthy';
      if (!wasDown && isHealthy) return "the container's health check passes";
      if (!wasDown && wrote) return 'the app wrote to the database';
      if (wasDown && isStable && wrote && (details.health === null || isHealthy)) {
        const health = isHealthy ? ', its health check passes' : '';
        return (
          `the app stayed up ${((deps.clock.now() - started) / 1000).toFixed(1)} s (restart count ${details.restartCount}, ` +
          `unchanged)${health} and wrote to the database`
        );
      }
      if (deps.clock.now() >= deadline) {
        if (wasDown && !wrote) break;
        if (wasDown)
          throw new RescueError(
            `${details.name} writes but its health check is ${details.health ?? 'missing'} after ` + `${WRITE_WAIT_MS / 1000} s`,
            { hint: `read docker inspect --format '{{json .State.Health}}' ${details.name}` },
          );
        break;
      }
      await deps.clock.sleep(POLL_MS);
    }
  } finally {
    if (wasDown) io.waiting();
  }
  throw new RescueError(`the app has not written to ${target.dbPath} within ${WRITE_WAIT_MS / 1000} s`, {
    hint: 'the restored database is in place and passes integrity_check; check that the app is serving and writing (docker logs), it may just be idle',
  });
}

export const verify: StepKind = {
  kind: 'verify',
  mutates: false,
  declare: (known) => {
    const ref = knownRef(known);
    const db = knownTarget(known).dbPath;
    return [checkInContainer(ref, db, 'integrity_check', { immutable: false }).decl, inspectContainer(ref).decl];
  },
  async run(io, deps) {
    const target = requireFact(deps.facts.target, 'the target', 'find-container');
    const snapshot = requireFact(deps.facts.snapshot, 'the snapshot', 'snapshot-source');
    if (!deps.facts.swapped) {
      // Nothing was restored (a dry-run): checking the live file again would only repeat check-live-db.
      if (io.isDryRun) cannotTell(io, 'whether the restored database passes integrity_check and the app writes to it again');
      return { summary: 'nothing to verify: nothing was restored' };
    }
    const before = await writeFingerprint(io, target);
    // The manifest is written whatever the check finds: the record always says where the old files went, with their
    // sha256. Hashing the quarantine, checking the live file and counting its rows read different files or only
    // read, so they run side by side.
    const [hashed, checked, counted] = await Promise.allSettled([
      hashQuarantine(io, deps, target),
      checkLiveDatabase(io, deps, target, 'full'),
      liveCounts(io, deps, target),
    ]);
    if (hashed.status === 'rejected') throw hashed.reason;
    if (checked.status === 'rejected') throw checked.reason;
    const live = checked.value;
    if (!isHealthy(live)) {
      throw new RescueError(`the restored database fails ${live.check}: ${live.errors[0]}`, {
        hint: `the old files are in ${deps.facts.quarantineDir}; stop the app and compare with the snapshot in ${snapshot.path}`,
      });
    }
    io.output(`integrity_check: ok (${describeVerdictSource(live)})`);

    if (counted.status === 'rejected') throw counted.reason;
    const counts = counted.value;
    const missing = missingRows(snapshot.tables, counts);
    if (missing.length > 0)
      throw new RescueError(`the live database lacks rows of the snapshot: ${missing.join('; ')}`, {
        hint: `the snapshot is in ${snapshot.path}`,
      });
    io.output(
      `rows: ${Object.entries(counts)
        .map(([table, count]) => `${table}=${count} (snapshot ${snapshot.tables[table] ?? 0})`)
        .join(' ')}`,
    );

    const writes = await waitForWrites(io, deps, target, before);
    io.finding(`verified: integrity ok, every snapshot row present, ${writes}`);
    return { summary: `integrity ok, rows ≥ snapshot, ${writes}`, data: { counts } };
  },
};
