// What the damaged database still holds, made into candidates to restore (issue 13): `repaired` (REINDEX, or a rebuild
// from the table b-trees, when every table reads whole: loses nothing), `salvaged` (every readable row), `merged` (the
// healthy copy plus the salvage's rows it lacks, inserts only). Each is built on the local copy check-live-db took
// (the live file is never opened), proven by the inspector (integrity_check and foreign_key_check) before it is
// offered, and measured against the best salvage: how many rows the damaged database still holds that it lacks.
import type { Diagnosis, LossWindow } from '../ports/sqlite-inspector.js';
import type { StepIO } from '../runbook/engine.js';
import { describeError } from '../runbook/errors.js';
import { targetRef } from './check-live-db.js';
import type { Deps } from './deps.js';
import type { CandidateLoss, SourceCandidate } from './facts.js';
import { copyOut, lossWindowLocal, mergeLocal, repairLocal, salvageLocal } from './port-actions.js';
import type { DamageReport } from './services.js';

export interface RescueWanted {
  repaired: boolean;
  salvaged: boolean;
  /** Needs the salvage, and a healthy copy to merge it into. */
  merged: boolean;
}

export interface Rescue {
  damage?: DamageReport;
  candidates: SourceCandidate[];
  /** Why a candidate was not built, for the operator. */
  notes: string[];
  /** The best salvage's local path: what every candidate's loss is counted against. */
  reference?: string;
}

const total = (tables: Record<string, number>) => Object.values(tables).reduce((sum, count) => sum + count, 0);

function lossOf(window: LossWindow): CandidateLoss {
  return {
    totalMissing: window.totalMissing,
    perTable: Object.fromEntries(Object.entries(window.tables).map(([table, loss]) => [table, loss.missing])),
    reference: window.reference,
  };
}

/** "loses nothing", "lacks 1,234 rows it still holds (events 1,200, users 34)", "loss unknown (tags has no key)". */
export function describeLoss(loss: CandidateLoss | undefined): string {
  if (!loss) return 'loss not measured';
  const keyless = Object.entries(loss.perTable)
    .filter(([, missing]) => missing === null)
    .map(([table]) => table);
  const lacking = Object.entries(loss.perTable)
    .filter(([, missing]) => (missing ?? 0) > 0)
    .map(([table, missing]) => `${table} ${missing}`);
  const unknown = keyless.length > 0 ? `; not measured for ${keyless.join(', ')} (no stable key)` : '';
  if (loss.totalMissing === 0) return `loses nothing the damaged database still holds${unknown}`;
  return `lacks ${loss.totalMissing} rows the damaged database still holds (${lacking.join(', ')})${unknown}`;
}

// A healthy candidate as a local file: the local copy is one; a backup lives in the container and is copied out once.
async function localFileOf(io: StepIO, deps: Deps, candidate: SourceCandidate): Promise<string | undefined> {
  if (candidate.kind !== 'backup') return candidate.localPath ?? candidate.path;
  if (candidate.localPath) return candidate.localPath;
  const target = deps.facts.target;
  if (!target) return undefined;
  const folder = await deps.incidentFiles.makeScratchDir('backup-source-');
  candidate.localPath = await io.perform(copyOut(targetRef(target), candidate.path, folder));
  return candidate.localPath;
}

async function buildRepaired(io: StepIO, deps: Deps, damage: DamageReport, notes: string[]): Promise<SourceCandidate | undefined> {
  const dest = deps.incidentFiles.path('repaired.db');
  const repair = await io.perform(repairLocal(damage.copyPath, dest));
  if (!repair.ok) {
    notes.push(`no repair: ${repair.reason}`);
    return undefined;
  }
  const how = repair.method === 'reindex' ? 'REINDEX of a copy' : 'a rebuild from the table b-trees';
  return {
    id: 'repaired',
    kind: 'repaired',
    path: dest,
    localPath: dest,
    ok: true,
    mtime: damage.takenAt,
    size: 0,
    tables: repair.tables,
    errors: [],
    origin: `repaired by ${how}: every row of every table kept`,
    isIndexOnlyRepair: damage.diagnosis.isIndexOnly,
  };
}

async function buildSalvaged(io: StepIO, deps: Deps, damage: DamageReport, notes: string[]): Promise<SourceCandidate | undefined> {
  const dest = deps.incidentFiles.path('salvaged.db');
  io.waiting('the salvage: every readable row of every table, in key order around the damage', undefined, { isCancellable: true });
  try {
    const salvage = await io.perform(
      salvageLocal(damage.copyPath, dest, {
        signal: io.signal,
        onProgress: (progress) => io.progress({ done: progress.tablesDone, total: progress.tablesTotal, unit: 'files' }),
      }),
    );
    if (!salvage.dest || salvage.noRowsReadable) {
      notes.push(`no salvage: ${salvage.note ?? 'not one row could be read'}`);
      return undefined;
    }
    const tables = Object.fromEntries(Object.entries(salvage.tables).map(([table, read]) => [table, read.rowsRead - read.rowsRejected]));
    const skipped = Object.entries(salvage.tables).flatMap(([table, read]) =>
      (read.skipped?.length ?? 0) > 0 ? [`${table}: ${read.skipped?.length} range(s) unreadable`] : [],
    );
    const orphans = salvage.proof?.foreignKeyViolations ?? 0;
    const origin = `salvaged (${salvage.method === 'recover' ? 'sqlite3 .recover' : 'read table by table around the damage'}): ${total(tables)} rows${skipped.length > 0 ? `; ${skipped.join('; ')}` : ''}${orphans > 0 ? `; ${orphans} rows whose parent row was lost` : ''}`;
    return {
      id: 'salvaged',
      kind: 'salvaged',
      path: salvage.dest,
      localPath: salvage.dest,
      ok: true,
      mtime: damage.takenAt,
      size: 0,
      tables,
      errors: [],
      origin,
    };
  } catch (error) {
    if (io.signal.aborted) {
      notes.push('the salvage was stopped by the operator: no salvaged or merged candidate');
      return undefined;
    }
    notes.push(`no salvage: ${describeError(error).message}`);
    return undefined;
  } finally {
    io.waiting();
  }
}

async function buildMerged(
  io: StepIO,
  deps: Deps,
  salvaged: SourceCandidate,
  healthy: SourceCandidate,
  notes: string[],
): Promise<SourceCandidate | undefined> {
  const base = await localFileOf(io, deps, healthy);
  if (!base) return undefined;
  const dest = deps.incidentFiles.path('merged.db');
  try {
    const merge = await io.perform(mergeLocal(base, salvaged.path, dest));
    const tables = Object.fromEntries(
      Object.entries(merge.tables).map(([table, merged]) => [table, merged.rowsFromHealthy + merged.rowsAdded]),
    );
    const conflicts = Object.entries(merge.tables)
      .filter(([, merged]) => merged.conflicts > 0)
      .map(([table, merged]) => `${table}: ${merged.conflicts} kept as the healthy copy has them`);
    const left = Object.entries(merge.tables)
      .filter(([, merged]) => merged.leftAsHealthy)
      .map(([table, merged]) => `${table} left as it is (${merged.leftAsHealthy})`);
    const origin = `merged: ${healthy.kind === 'local' ? 'the local copy' : `the backup ${healthy.path}`} plus ${merge.totalAdded} rows only the salvage has${conflicts.length > 0 ? `; conflicts ${conflicts.join(', ')}` : ''}${left.length > 0 ? `; ${left.join('; ')}` : ''}`;
    return {
      id: 'merged',
      kind: 'merged',
      path: dest,
      localPath: dest,
      ok: true,
      mtime: salvaged.mtime,
      size: 0,
      tables,
      errors: [],
      origin,
      mergedFrom: {
        base: healthy.id,
        perTable: Object.fromEntries(
          Object.entries(merge.tables).map(([table, merged]) => [
            table,
            { fromHealthy: merged.rowsFromHealthy, fromSalvage: merged.rowsAdded },
          ]),
        ),
      },
    };
  } catch (error) {
    notes.push(`no merge: ${describeError(error).message}`);
    return undefined;
  }
}

/** Builds what is wanted from the damaged copy and measures every candidate's loss against the best salvage. */
export async function buildRescue(io: StepIO, deps: Deps, wanted: RescueWanted, healthy: SourceCandidate[]): Promise<Rescue> {
  const notes: string[] = [];
  const damage = await deps.services.damage.result().catch((error: unknown) => {
    notes.push(`the damage could not be diagnosed: ${describeError(error).message}`);
    return undefined;
  });
  if (!damage) return { candidates: [], notes };
  io.finding(`damage: ${damage.diagnosis.summary}`, { diagnosis: summarize(damage.diagnosis) });
  const candidates: SourceCandidate[] = [];
  const repaired =
    wanted.repaired && (damage.diagnosis.isIndexOnly || damage.diagnosis.tablesReadWhole)
      ? await buildRepaired(io, deps, damage, notes)
      : undefined;
  if (wanted.repaired && !repaired && !damage.diagnosis.isIndexOnly && !damage.diagnosis.tablesReadWhole)
    notes.push(
      `no repair: ${damage.diagnosis.damagedTables.length > 0 ? `table(s) ${damage.diagnosis.damagedTables.join(', ')} damaged` : 'the damage is not in indexes only'}, so a repair would lose rows`,
    );
  if (repaired) candidates.push(repaired);
  const salvaged = wanted.salvaged || wanted.merged ? await buildSalvaged(io, deps, damage, notes) : undefined;
  if (salvaged && wanted.salvaged) candidates.push(salvaged);
  const base = healthy.find((candidate) => candidate.kind === 'local') ?? healthy[0];
  if (salvaged && wanted.merged) {
    if (!base) notes.push('no merge: there is no healthy copy to merge the salvage into');
    else {
      const merged = await buildMerged(io, deps, salvaged, base, notes);
      if (merged) candidates.push(merged);
    }
  }
  // The best salvage is what the damaged database still holds: a repair when there is one (it keeps every row), else
  // the salvage. Each candidate's loss is counted against it, healthy copies included.
  const reference = repaired?.path ?? salvaged?.path;
  if (reference) {
    for (const candidate of [...candidates, ...healthy.slice(0, 3)]) {
      const file = await localFileOf(io, deps, candidate);
      if (file) candidate.loss = lossOf(await io.perform(lossWindowLocal(file, reference)));
    }
  }
  return { damage, candidates, notes, reference };
}

function summarize(diagnosis: Diagnosis) {
  return {
    summary: diagnosis.summary,
    damagedTables: diagnosis.damagedTables,
    damagedIndexes: diagnosis.damagedIndexes,
    isIndexOnly: diagnosis.isIndexOnly,
    errorCount: diagnosis.errorCount,
  };
}
