// Step scan-engine (`sqlite-rescue scan`): every container on the engine, every SQLite database on its mounts (found
// by header, one exec per container), each live database's quick_check and its newest backup's integrity_check, a few
// execs per container however many databases it holds (check-loop.ts), a few containers at a time. Where the image
// has no sqlite3 (or the container is not running) a small file is checked on a copy here instead. It reads only.
import { backupsOf, healthOf, problemsOf, splitLiveAndBackups, type ScanRow } from '../backup/scan.js';
import { formatDuration } from '../backup/duration.js';
import { discoverDatabases } from '../discovery/index.js';
import type { FoundDatabase } from '../discovery/types.js';
import { HELPER_LABEL, type ContainerDetails } from '../ports/container-runtime.js';
import type { StepIO } from '../runbook/engine.js';
import { describeError } from '../runbook/errors.js';
import { checkInLoop } from './check-loop.js';
import { fromInspector, type CheckVerdict } from './checks.js';
import { sidecars } from './container-paths.js';
import type { Deps } from './deps.js';
import { checkLocal, copyOut, inspectContainer, listContainers, pingEngine } from './port-actions.js';
import { rankContainers, type RankedContainer } from './rank-containers.js';
import { runLimited } from './run-limited.js';
import { checkInContainer, immutableUri } from './sqlite-cli.js';
import type { StepKind } from './step-kind.js';

/** Containers scanned at once. */
export const CONTAINERS_AT_ONCE = 3;
/** Check execs at once in one container (each one core on the server). */
export const CHECKS_AT_ONCE = 4;
/** Without sqlite3 in the image, files up to this size are checked on a copy here; larger ones are said unchecked. */
export const COPY_CHECK_LIMIT = 256 * 1024 * 1024;

interface Verdicts {
  live: Array<CheckVerdict | null>;
  backups: Array<CheckVerdict | null>;
}

async function checkOnCopy(
  io: StepIO,
  deps: Deps,
  ref: { id: string; name: string },
  db: FoundDatabase,
  mode: 'quick' | 'full',
): Promise<CheckVerdict | string> {
  if ((db.size ?? 0) + (db.wal?.size ?? 0) > COPY_CHECK_LIMIT)
    return `not checked: no sqlite3 to run in ${ref.name}, and ${db.path} is too large to copy for a scan`;
  const folder = await deps.incidentFiles.makeScratchDir('scan-');
  const local = await io.perform(copyOut(ref, db.path, folder));
  if (db.wal) await io.perform(copyOut(ref, sidecars(db.path).wal, folder));
  return fromInspector(await io.perform(checkLocal(local, mode)), true);
}

async function checkContainer(
  io: StepIO,
  deps: Deps,
  details: ContainerDetails,
  live: FoundDatabase[],
  newest: FoundDatabase[],
): Promise<Verdicts> {
  const ref = { id: details.id, name: details.name };
  if (details.state !== 'running') return { live: live.map(() => null), backups: newest.map(() => null) };
  const options = { concurrency: CHECKS_AT_ONCE, timeoutMs: 30 * 60_000 };
  const liveVerdicts = await checkInLoop(
    io,
    deps,
    ref,
    live.map((db) => ({ path: db.path, open: db.wal ? db.path : immutableUri(db.path) })),
    'quick_check',
    options,
  );
  const backupVerdicts = await checkInLoop(
    io,
    deps,
    ref,
    newest.map((db) => ({ path: db.path, open: immutableUri(db.path) })),
    'integrity_check',
    options,
  );
  return { live: liveVerdicts, backups: backupVerdicts };
}

function ageOf(db: FoundDatabase, nowMs: number): number | null {
  const at = Math.max(Date.parse(db.mtime ?? '') || 0, Date.parse(db.wal?.mtime ?? '') || 0);
  return at === 0 ? null : nowMs - at;
}

async function scanContainer(io: StepIO, deps: Deps, entry: RankedContainer, maxAgeMs: number): Promise<ScanRow[]> {
  const details = await io.perform(inspectContainer({ id: entry.container.id, name: entry.container.name }));
  const found = await discoverDatabases(deps.runtime, details, { perform: io.perform, allowHelper: false, now: () => deps.clock.now() });
  const split = splitLiveAndBackups(found.databases);
  const owners = backupsOf(split.live, split.backups);
  // A backup that belongs to no database here is still a SQLite file to report: checked like a live one.
  const live = [...split.live, ...owners.orphans];
  const orphans = new Set(owners.orphans.map((db) => db.path));
  const newestOf = live.map((db) => owners.get(db.path)?.[0]);
  const newest = newestOf.filter((db): db is FoundDatabase => db !== undefined);
  const verdicts = await checkContainer(io, deps, details, live, newest);
  const ref = { id: details.id, name: details.name };
  const why = details.state !== 'running' ? `${details.name} is ${details.state}` : `no sqlite3 in ${details.name}`;
  const settle = async (verdict: CheckVerdict | null, db: FoundDatabase, mode: 'quick' | 'full') => {
    if (verdict) return verdict;
    try {
      return await checkOnCopy(io, deps, ref, db, mode);
    } catch (error) {
      return `not checked: ${why}, and a copy could not be checked (${describeError(error).message})`;
    }
  };
  const liveVerdicts = await runLimited(live, 2, (db, index) => settle(verdicts.live[index], db, 'quick'));
  const backupVerdicts = await runLimited(newest, 2, (db, index) => settle(verdicts.backups[index], db, 'full'));
  const nowMs = deps.clock.now();
  return live.map((db, index) => {
    const live = liveVerdicts[index];
    const backup = newestOf[index];
    const backupVerdict = backup ? backupVerdicts[newest.indexOf(backup)] : undefined;
    const detailOf = (verdict: CheckVerdict | string) => (typeof verdict === 'string' ? verdict : verdict.errors[0]);
    const row: Omit<ScanRow, 'problems'> = {
      ...(orphans.has(db.path) ? { isOrphanBackup: true } : {}),
      container: details.name,
      role: entry.role,
      state: details.state,
      path: db.path,
      size: db.size,
      journalMode: db.journalMode,
      health: typeof live === 'string' ? 'not checked' : healthOf(live),
      ...(detailOf(live) ? { detail: detailOf(live) } : {}),
      onCopy: typeof live !== 'string' && live.onCopy,
      backupCount: owners.get(db.path)?.length ?? 0,
      ...(backup && backupVerdict !== undefined
        ? {
            newestBackup: {
              path: backup.path,
              ageMs: ageOf(backup, nowMs),
              health: typeof backupVerdict === 'string' ? 'not checked' : healthOf(backupVerdict),
              ...(detailOf(backupVerdict) ? { detail: detailOf(backupVerdict) } : {}),
            },
          }
        : {}),
    };
    return { ...row, problems: problemsOf(row, maxAgeMs) };
  });
}

export const scanEngine: StepKind = {
  kind: 'scan-engine',
  mutates: false,
  declare: () => [
    listContainers().decl,
    {
      kind: 'argv',
      where: 'container',
      container: '<each running container>',
      argv: ['sh', '-c', '<the discovery walk>', 'sh', '<mark>', '<mounts>…'],
      mutates: false,
    },
    checkInContainer({ id: '{id}', name: '<each running container>' }, '<each database>', 'quick_check', {
      immutable: false,
      when: 'a few databases per exec',
    }).decl,
  ],
  async run(io, deps) {
    const maxAgeMs = deps.options.backup?.maxAgeMs ?? 6 * 3_600_000;
    await io.perform(pingEngine());
    const all = (await io.perform(listContainers())).filter((container) => !(HELPER_LABEL in container.labels));
    const ranked = rankContainers(all);
    let done = 0;
    io.progress({ done, total: ranked.length, unit: 'files' });
    const perContainer = await runLimited(ranked, CONTAINERS_AT_ONCE, async (entry) => {
      const rows = await scanContainer(io, deps, entry, maxAgeMs).catch((error: unknown) => {
        io.output(`${entry.container.name}: could not be scanned (${describeError(error).message})`);
        return [] as ScanRow[];
      });
      done += 1;
      io.progress({ done, total: ranked.length, unit: 'files' });
      return rows;
    });
    const rows = perContainer.flat();
    deps.facts.scanRows = rows;
    for (const row of rows)
      io.finding(`${row.container}:${row.path} ${row.health}${row.problems.length > 0 ? ` — ${row.problems.join('; ')}` : ''}`, row);
    const bad = rows.filter((row) => row.problems.length > 0);
    const corrupt = rows.filter((row) => row.health === 'corrupt').length;
    const headline =
      `${rows.length} databases in ${ranked.length} containers: ${corrupt} corrupt, ` +
      `${bad.length} with a problem (--max-age ${formatDuration(maxAgeMs)})`;
    const verdict = {
      tone: bad.length === 0 ? 'good' : corrupt > 0 ? 'bad' : 'warn',
      label: `${bad.length} of ${rows.length} with a problem`,
    } as const;
    if (bad.length > 0) return { summary: headline, verdict, data: { rows }, end: { exitCode: 1, headline } };
    return { summary: headline, verdict, data: { rows } };
  },
};
