// Step verify-backups (`sqlite-rescue verify`): every backup of the database — this command's own and every other
// SQLite file discovery finds on the mounts — opened read-only and immutable and checked with the full
// integrity_check (quick_check misses index damage), a backup with its own -wal checked with it too (a -wal of another
// generation tears it), its schema compared with production's and its rows counted, its age taken from its manifest or
// its file. The verdict (backup/verdict.ts) names each backup and what is wrong with it. It reads only.
import { judgeBackups, type BackupCheck } from '../backup/verdict.js';
import { formatDuration } from '../backup/duration.js';
import { discoverDatabases, selectBackups, type BackupCandidate } from '../discovery/index.js';
import type { StepIO } from '../runbook/engine.js';
import { describeError } from '../runbook/errors.js';
import type { BackupManifest } from '../backup/manifest.js';
import { readSchemaAndCounts, SCHEMA_SQL, schemaDiff, sha256Many, tablesOf, type SchemaAndCounts } from './backup-inspect.js';
import { targetRef } from './check-live-db.js';
import { checkInLoop } from './check-loop.js';
import { fromInspector, type CheckVerdict } from './checks.js';
import { basename, dirname, globToRegExp, join, sidecars } from './container-paths.js';
import type { Deps } from './deps.js';
import type { Target } from './facts.js';
import { knownRef, knownTarget } from './known-target.js';
import { checkLocal, copyOut, countRowsLocal, execIn, hashLocal } from './port-actions.js';
import { requireFact } from './require-fact.js';
import { checkInContainer, immutableUri } from './sqlite-cli.js';
import type { StepKind } from './step-kind.js';
import { BACKUP_CHECKS_AT_ONCE } from './test-backups.js';

function matchesGlob(glob: string | undefined, path: string): boolean {
  if (!glob) return true;
  return dirname(path) === dirname(glob) && globToRegExp(basename(glob)).test(basename(path));
}

async function candidatesOf(io: StepIO, deps: Deps, target: Target): Promise<BackupCandidate[]> {
  const found =
    deps.facts.backupsFound ??
    selectBackups(
      await discoverDatabases(deps.runtime, target.containerId, { perform: io.perform, allowHelper: false, now: () => deps.clock.now() }),
      target.dbPath,
    );
  for (const note of found.notes) io.output(`discovery: ${note}`);
  for (const stop of found.stoppedEarly) io.output(`discovery stopped early: ${stop.detail}`);
  const leftovers = found.backups.filter((backup) => backup.path.endsWith('.partial'));
  for (const leftover of leftovers)
    io.output(`${leftover.path} is what an interrupted backup left under its temporary name: not a backup (safe to remove)`);
  return found.backups.filter((backup) => !backup.path.endsWith('.partial') && matchesGlob(deps.options.backups, backup.path));
}

function ownManifests(deps: Deps): Map<string, BackupManifest> {
  const place = deps.facts.backupPlace;
  return new Map((place?.folder?.own ?? []).map((entry) => [join(place?.dir ?? '', entry.name), entry.manifest]));
}

// On a copy here: the file alone, and with its -wal beside it when it has one (in a folder of its own each).
async function checkOnCopies(
  io: StepIO,
  deps: Deps,
  target: Target,
  backup: BackupCandidate,
): Promise<{ alone: CheckVerdict; withWal?: CheckVerdict; tables?: Record<string, number>; sha256: string }> {
  const ref = targetRef(target);
  const alone = await io.perform(copyOut(ref, backup.path, await deps.incidentFiles.makeScratchDir('verify-')));
  const verdict = fromInspector(await io.perform(checkLocal(alone, 'full')), true);
  const tables = verdict.verdict === 'ok' ? (await io.perform(countRowsLocal(alone)).catch(() => undefined))?.tables : undefined;
  const sha256 = await io.perform(hashLocal(alone));
  if (!backup.wal) return { alone: verdict, tables, sha256 };
  const folder = await deps.incidentFiles.makeScratchDir('verify-wal-');
  const paired = await io.perform(copyOut(ref, backup.path, folder));
  await io.perform(copyOut(ref, sidecars(backup.path).wal, folder));
  const withWal = fromInspector(await io.perform(checkLocal(paired, 'full')), true);
  return { alone: verdict, withWal, tables, sha256 };
}

interface Inside {
  verdicts: Array<CheckVerdict | null>;
  withWal: Map<string, CheckVerdict>;
}

async function checkInside(io: StepIO, deps: Deps, target: Target, backups: BackupCandidate[]): Promise<Inside> {
  const ref = targetRef(target);
  const verdicts = await checkInLoop(
    io,
    deps,
    ref,
    backups.map((backup) => ({ path: backup.path, open: immutableUri(backup.path) })),
    'integrity_check',
    { concurrency: BACKUP_CHECKS_AT_ONCE, timeoutMs: 60 * 60_000 },
  );
  const withWal = new Map<string, CheckVerdict>();
  // A -wal beside a backup is read only on a copy: opening it in place would write a -shm beside the backup.
  for (const backup of backups.filter((entry, index) => entry.wal && verdicts[index])) {
    withWal.set(backup.path, (await checkOnCopies(io, deps, target, backup)).withWal as CheckVerdict);
  }
  return { verdicts, withWal };
}

// Identical contents have identical sizes: only files that share a size with another are hashed.
async function hashesOf(io: StepIO, target: Target, backups: BackupCandidate[], hasSha256sum: boolean): Promise<Map<string, string>> {
  const sizes = new Map<number, number>();
  for (const backup of backups) if (backup.size !== null) sizes.set(backup.size, (sizes.get(backup.size) ?? 0) + 1);
  const shared = backups.filter((backup) => backup.size !== null && (sizes.get(backup.size) ?? 0) > 1).map((backup) => backup.path);
  if (shared.length === 0) return new Map();
  if (hasSha256sum) {
    const hashed = await sha256Many(io, targetRef(target), shared);
    if (hashed) return hashed;
  }
  return new Map();
}

function ageOf(backup: BackupCandidate, manifest: BackupManifest | undefined): Pick<BackupCheck, 'takenAt' | 'ageFrom'> {
  if (manifest) return { takenAt: manifest.takenAt, ageFrom: 'manifest' };
  return backup.mtime ? { takenAt: backup.mtime, ageFrom: 'mtime' } : { takenAt: null, ageFrom: 'unknown' };
}

function describeLine(path: string, problems: string[], notes: string[]): string {
  return problems.length === 0 ? `ok       ${path}  ${notes.join('; ')}` : `PROBLEM  ${path}  ${problems.join('; ')}`;
}

export const verifyBackups: StepKind = {
  kind: 'verify-backups',
  mutates: false,
  declare: (known) => [
    checkInContainer(knownRef(known), '<backup>', 'integrity_check', { immutable: true, when: 'for every backup found' }).decl,
    execIn(knownRef(known), ['sqlite3', '-readonly', '-json', knownTarget(known).dbPath, SCHEMA_SQL]).decl,
  ],
  async run(io, deps) {
    const target = requireFact(deps.facts.target, 'the target', 'find-backup-target');
    const maxAgeMs = deps.options.backup?.maxAgeMs ?? 6 * 3_600_000;
    const backups = await candidatesOf(io, deps, target);
    const manifests = ownManifests(deps);
    const tools = deps.facts.imageTools ?? [];
    const hasSqlite = tools.includes('sqlite3');
    const ref = targetRef(target);

    const production: SchemaAndCounts | null = hasSqlite ? await readSchemaAndCounts(io, deps, ref, target.dbPath) : null;
    if (!production)
      io.output(`no sqlite3 in ${target.containerName}: each backup is checked on a copy here, and schemas are not compared`);
    const inside = hasSqlite
      ? await checkInside(io, deps, target, backups)
      : { verdicts: backups.map(() => null), withWal: new Map<string, CheckVerdict>() };
    const hashes = await hashesOf(io, target, backups, tools.includes('sha256sum'));

    const checks: BackupCheck[] = [];
    for (const [index, backup] of backups.entries()) {
      const manifest = manifests.get(backup.path);
      const check: BackupCheck = {
        path: backup.path,
        size: backup.size,
        ...ageOf(backup, manifest),
        journalMode: backup.journalMode,
        hasWal: backup.wal !== null,
        verdict: inside.verdicts[index] ?? null,
        ...(manifest ? { manifest } : {}),
      };
      try {
        if (!check.verdict) {
          const copied = await checkOnCopies(io, deps, target, backup);
          Object.assign(check, {
            verdict: copied.alone,
            sha256: copied.sha256,
            ...(copied.withWal ? { withWal: copied.withWal } : {}),
            ...(copied.tables ? { tables: copied.tables } : {}),
          });
        } else {
          const withWal = inside.withWal.get(backup.path);
          if (withWal) check.withWal = withWal;
          if (check.verdict.verdict === 'ok' && production) {
            const read = await readSchemaAndCounts(io, deps, ref, immutableUri(backup.path), tablesOf(production.schema));
            if (read) {
              check.schemaDiff = schemaDiff(production.schema, read.schema);
              if (read.counts) check.tables = read.counts;
            }
          }
        }
      } catch (error) {
        check.verdict = null;
        check.unchecked = describeError(error).message;
      }
      const hash = hashes.get(backup.path);
      if (hash) check.sha256 = hash;
      checks.push(check);
    }

    const judgement = judgeBackups(checks, {
      nowMs: deps.clock.now(),
      maxAgeMs,
      production: { path: target.dbPath, ...(production?.counts ? { tables: production.counts } : {}) },
    });
    deps.facts.verifyJudgement = judgement;
    for (const backup of judgement.backups) {
      io.output(describeLine(backup.path, backup.problems, backup.notes));
      if (backup.problems.length > 0) io.finding(`${backup.path}: ${backup.problems.join('; ')}`, backup);
    }
    for (const trap of judgement.traps) io.finding(`TRAP: ${trap}`, { trap });
    const healthy = judgement.backups.filter((backup) => backup.isHealthy).length;
    const label = `${healthy} of ${judgement.backups.length} healthy`;
    const data = { judgement, maxAge: formatDuration(maxAgeMs) };
    if (judgement.exitCode !== 0)
      return {
        summary: judgement.headline,
        verdict: { tone: healthy === 0 ? 'bad' : 'warn', label },
        data,
        end: { exitCode: 1, headline: judgement.headline },
      };
    return { summary: judgement.headline, verdict: { tone: 'good', label }, data };
  },
};
