// Step snapshot-source: one consistent, standalone copy of the chosen source, taken through SQLite so that rows
// living only in its -wal come along, counted and hashed. Everything later uses this file and its sha256. Its full
// integrity_check starts here and is awaited by stage-in-container (snapshot-check.ts).
import { mkdir } from 'node:fs/promises';
import { join as localJoin } from 'node:path';
import type { StepImpl } from '../runbook/engine.js';
import type { Deps } from './deps.js';
import { totalRows } from './choose-source.js';
import { requireFact } from './require-fact.js';
import { requireSnapshotIntegrity, startSnapshotCheck, stillChecking } from './snapshot-check.js';

export function snapshotPath(deps: Deps): string {
  return localJoin(deps.incident.dir, 'snapshot.db');
}

export const snapshotSource: StepImpl<Deps> = {
  kind: 'snapshot-source',
  async run(io, deps) {
    const source = requireFact(deps.facts.source, 'the source to restore from', 'choose-source');
    let readFrom = source.path;
    if (source.kind === 'backup') {
      const container = requireFact(deps.facts.container, 'the container', 'find-container');
      const folder = localJoin(deps.incident.dir, 'source-copy');
      await mkdir(folder, { recursive: true });
      const started = deps.clock.now();
      readFrom = await deps.runtime.copyOut(container.id, source.path, folder);
      io.command({ argv: ['docker', 'cp', `${container.name}:${source.path}`, folder], where: 'engine', exitCode: 0, durationMs: deps.clock.now() - started });
    }
    const dest = snapshotPath(deps);
    io.output(`backup API: ${readFrom} → ${dest}`);
    const snap = await deps.sqlite.snapshot(readFrom, dest);
    io.command({ argv: ['sqlite3', '-readonly', readFrom, `.backup ${dest}`], where: 'local', exitCode: 0, durationMs: snap.durationMs });

    // The full check starts now and runs beside the row counts and the sha256, then beside the upload; a dry-run,
    // whose verdict is whether a restore would succeed, waits for it here.
    startSnapshotCheck(deps, dest);
    const [stats, sha256] = await Promise.all([deps.sqlite.stats(dest), deps.files.sha256(dest)]).catch(async (error: unknown) => {
      // Counting rows of a damaged file fails too: the check's verdict says more.
      await requireSnapshotIntegrity(io, deps, dest, source.path);
      throw error;
    });
    const waiting = io.isDryRun ? stillChecking(deps) : undefined;
    if (waiting) io.output(waiting);
    const check = io.isDryRun ? await requireSnapshotIntegrity(io, deps, dest, source.path) : undefined;
    deps.facts.snapshot = { path: dest, sha256, bytes: snap.bytes, tables: stats.tables };
    const integrity = check ? 'integrity_check ok' : 'integrity_check under way (stage-in-container waits for it)';
    io.finding(`snapshot ${dest}: ${snap.bytes} bytes, sha256 ${sha256}, ${totalRows(stats.tables)} rows, ${integrity}`, { sha256, tables: stats.tables });
    return { summary: `${snap.bytes} bytes, ${totalRows(stats.tables)} rows, sha256 ${sha256.slice(0, 12)}…, ${integrity}`, data: { sha256, bytes: snap.bytes, tables: stats.tables } };
  },
  // The snapshot file must still be there with the sha256 the journal recorded.
  async reverify(io, deps, past) {
    const recorded = past.data as { sha256: string; bytes: number; tables: Record<string, number> };
    const path = snapshotPath(deps);
    if (!(await deps.files.stat(path))) return undefined;
    const sha256 = await deps.files.sha256(path);
    if (sha256 !== recorded.sha256) return undefined;
    deps.facts.snapshot = { path, sha256, bytes: recorded.bytes, tables: recorded.tables };
    return { summary: `${path} still has sha256 ${sha256.slice(0, 12)}…`, data: recorded };
  },
};
