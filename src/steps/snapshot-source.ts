// Step snapshot-source: one consistent, standalone copy of the chosen source, taken through SQLite so that rows
// living only in its -wal come along, counted and hashed. Everything later uses this file and its sha256. Its full
// integrity_check starts here (services.ts) and is awaited by stage-in-container; a dry-run waits for it here.
import { join as localJoin } from 'node:path';
import { RescueError } from '../runbook/errors.js';
import type { IntegrityResult } from '../ports/sqlite-inspector.js';
import type { StepIO } from '../runbook/engine.js';
import { totalRows } from './choose-source.js';
import type { Deps, Known } from './deps.js';
import { copyOut, countRowsLocal, hashLocal, snapshotLocal, statLocal } from './port-actions.js';
import { requireFact } from './require-fact.js';
import type { StepKind } from './step-kind.js';
import { targetRef } from './check-live-db.js';

export function snapshotPath(known: Pick<Known, 'incident'>): string {
  return localJoin(known.incident.dir, 'snapshot.db');
}

/** Waits for the snapshot's integrity_check; throws when the snapshot fails it: that source must not be used. */
export async function requireSnapshotIntegrity(deps: Deps, path: string, sourcePath: string): Promise<IntegrityResult> {
  const check = await deps.services.snapshotCheck.result(path);
  if (!check.ok) {
    throw new RescueError(`the snapshot of ${sourcePath} fails integrity_check: ${check.errors[0]}`, {
      hint: 'this copy must not be restored; the live database is untouched. Choose another source: retry from choose-source',
    });
  }
  return check;
}

async function readableSource(io: StepIO, deps: Deps): Promise<string> {
  const source = requireFact(deps.facts.source, 'the source to restore from', 'choose-source');
  if (source.kind !== 'backup') return source.path;
  // choose-source may have copied it out already, to measure its loss.
  if (source.localPath) return source.localPath;
  const target = requireFact(deps.facts.target, 'the target', 'find-container');
  const folder = await deps.incidentFiles.makeScratchDir('source-copy-');
  return io.perform(copyOut(targetRef(target), source.path, folder));
}

export const snapshotSource: StepKind = {
  kind: 'snapshot-source',
  mutates: false,
  declare: (known) => {
    const dest = snapshotPath(known);
    return [snapshotLocal(known.facts.source?.path ?? '<source>', dest).decl, hashLocal(dest).decl];
  },
  async run(io, deps) {
    const source = requireFact(deps.facts.source, 'the source to restore from', 'choose-source');
    const readFrom = await readableSource(io, deps);
    const dest = snapshotPath(deps);
    io.output(`backup API: ${readFrom} → ${dest}`);
    const snap = await io.perform(snapshotLocal(readFrom, dest));

    // The full check starts now and runs beside the row counts and the sha256, then beside the upload.
    deps.services.snapshotCheck.start(dest);
    const [stats, sha256] = await Promise.all([io.perform(countRowsLocal(dest)), io.perform(hashLocal(dest))]).catch(
      async (error: unknown) => {
        // Counting rows of a damaged file fails too: the check's verdict says more.
        await requireSnapshotIntegrity(deps, dest, source.path);
        throw error;
      },
    );
    const waiting = io.isDryRun ? deps.services.snapshotCheck.waiting() : undefined;
    if (waiting) io.output(waiting);
    const check = io.isDryRun ? await requireSnapshotIntegrity(deps, dest, source.path) : undefined;
    deps.facts.snapshot = { path: dest, sha256, bytes: snap.bytes, tables: stats.tables };
    const integrity = check ? 'integrity_check ok' : 'integrity_check under way (stage-in-container waits for it)';
    io.finding(`snapshot ${dest}: ${snap.bytes} bytes, sha256 ${sha256}, ${totalRows(stats.tables)} rows, ${integrity}`, {
      sha256,
      tables: stats.tables,
    });
    return {
      summary: `${snap.bytes} bytes, ${totalRows(stats.tables)} rows, sha256 ${sha256.slice(0, 12)}…, ${integrity}`,
      data: deps.facts.snapshot,
    };
  },
  // The snapshot file must still be there with the sha256 the journal recorded.
  async reverify(io, deps, past) {
    const recorded = past.data as { sha256: string; bytes: number; tables: Record<string, number> } | undefined;
    if (!recorded?.sha256) return undefined;
    const path = snapshotPath(deps);
    if (!(await io.perform(statLocal(path)))) return undefined;
    const sha256 = await io.perform(hashLocal(path));
    if (sha256 !== recorded.sha256) return undefined;
    deps.facts.snapshot = { path, sha256, bytes: recorded.bytes, tables: recorded.tables };
    return { summary: `${path} still has sha256 ${sha256.slice(0, 12)}…`, data: deps.facts.snapshot };
  },
};
