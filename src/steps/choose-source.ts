// Step choose-source: which healthy copy to restore from. The operator's --local copy is checked read-only here
// (never opened for writing: that would delete its -wal); the backups were checked by test-backups. Copies are
// ranked by the rows they hold, not by their modification time, so a stale-but-valid copy is visible.
import { isAbsolute, join as localJoin } from 'node:path';
import { discoverLocalCopies } from '../discovery/index.js';
import type { StepIO } from '../runbook/engine.js';
import { RescueError, UsageError } from '../runbook/errors.js';
import { isHealthy } from './checks.js';
import type { Deps } from './deps.js';
import type { SourceCandidate } from './facts.js';
import { checkLocal, countRowsLocal, statLocal } from './port-actions.js';
import { buildRescue, describeLoss, type RescueWanted } from './rescue-candidates.js';
import type { StepKind } from './step-kind.js';

export const NO_SOURCE_OPTIONS =
  'Options: pass --local with a healthy copy; look for older off-site copies; or salvage what is readable with `sqlite3 corrupt.db .recover | sqlite3 salvaged.db` and restore from that';

export function totalRows(tables: Record<string, number>): number {
  return Object.values(tables).reduce((sum, count) => sum + count, 0);
}

const KIND_WORDS: Record<SourceCandidate['kind'], string> = {
  local: 'local copy',
  backup: 'backup',
  repaired: 'repaired',
  salvaged: 'salvaged',
  merged: 'merged',
};

export function describeSource(source: SourceCandidate): string {
  const rows =
    Object.entries(source.tables)
      .map(([table, count]) => `${table}=${count}`)
      .join(' ') || 'no tables';
  if (source.origin) return `${KIND_WORDS[source.kind]}: ${rows}; ${describeLoss(source.loss)}`;
  const loss = source.loss ? `; ${describeLoss(source.loss)}` : '';
  return `${KIND_WORDS[source.kind]} ${source.path}  ${source.size} bytes  modified ${source.mtime}  ${source.ok ? rows : `CORRUPT: ${source.errors[0]}`}${loss}`;
}

// What to build from the damaged database: at the terminal everything (the operator sees every loss before choosing);
// under --yes only the lossless repair; --source builds what it names.
function rescueWanted(io: StepIO, deps: Deps): RescueWanted {
  const source = deps.options.source;
  if (source) return { repaired: source === 'repaired', salvaged: source === 'salvaged', merged: source === 'merged' };
  return io.isInteractive ? { repaired: true, salvaged: true, merged: true } : { repaired: true, salvaged: false, merged: false };
}

// Least loss first; at equal loss a repair, then the merge, before the rest. The loss counts rows the damaged database
// still holds; the merge also holds every row of the healthy copy (it only adds to it), while a salvage lacks those on
// destroyed pages: a drill answered with Enter restored the salvage and lost 802 of the copy's 2800 rows. Candidates
// whose loss was not measured keep the order rankSources gave them, after the measured ones.
export function orderByLoss(candidates: SourceCandidate[]): SourceCandidate[] {
  const measured = candidates.filter((candidate) => candidate.loss);
  const rest = candidates.filter((candidate) => !candidate.loss);
  const rank = (candidate: SourceCandidate) => (candidate.kind === 'repaired' ? 0 : candidate.kind === 'merged' ? 1 : 2);
  return [...measured.sort((a, b) => (a.loss?.totalMissing ?? 0) - (b.loss?.totalMissing ?? 0) || rank(a) - rank(b)), ...rest];
}

// --yes without --source: the repair when it loses nothing, else the healthy copy (the local one first); never a
// salvage or a merge, which may hold rows the app had deleted.
// --yes takes a repair only when the damage was in indexes alone, every table intact: lossless by construction. A repair
// of table damage whose b-trees still read without an error is offered, and preselected when it loses least, but a
// person decides it: a wrong child pointer can leave a subtree out of the walk without any error.
function automaticChoice(candidates: SourceCandidate[]): SourceCandidate | undefined {
  return (
    candidates.find((candidate) => candidate.kind === 'repaired' && candidate.isIndexOnlyRepair === true) ??
    candidates.find((candidate) => candidate.kind === 'local') ??
    candidates.find((candidate) => candidate.kind === 'backup')
  );
}

// SQLite could not even open the copy read-only. A hot -journal (a writer died mid-transaction in rollback-journal
// mode) is the common case: the file is only consistent once SQLite rolls the journal back, which is a write to the
// operator's file — not done here.
function unreadableLocal(path: string, error: unknown): RescueError {
  const message = error instanceof Error ? error.message : String(error);
  if (/SQLITE_READONLY_ROLLBACK/.test(message)) {
    return new UsageError(
      `--local ${path}: a hot journal ${path}-journal lies beside it (a writer stopped mid-transaction), so the file is not consistent until SQLite rolls that journal back, which a read-only open will not do`,
      `copy ${path} and ${path}-journal together into a new folder, open the copy once with \`sqlite3 COPY.db 'PRAGMA integrity_check;'\` (that rolls the journal back), then pass --local COPY.db; nothing was changed`,
    );
  }
  return new RescueError(`--local ${path}: SQLite cannot open it read-only: ${message}`, {
    kind: 'operator',
    hint: 'check the file and its folder (a read-only folder needs the -shm to exist already), or pass another copy; nothing was changed',
  });
}

export async function inspectLocal(io: StepIO, path: string): Promise<SourceCandidate> {
  const stat = await io.perform(statLocal(path)).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`--local ${path}: cannot read it (${error.code ?? error.message})`, 'check the path and its permissions');
  });
  if (!stat) throw new UsageError(`--local ${path}: no such file`, 'pass the path of your healthy copy of the database');
  if (!stat.isFile) throw new UsageError(`--local ${path}: not a regular file`, 'pass the path of the .db file itself');
  const wal = await io.perform(statLocal(`${path}-wal`));
  // quick_check to triage: the snapshot taken from the chosen copy gets the full integrity_check before it is used.
  const check = await io.perform(checkLocal(path, 'quick')).catch((error: unknown) => {
    throw unreadableLocal(path, error);
  });
  const tables = check.ok ? (await io.perform(countRowsLocal(path))).tables : {};
  const mtime = [stat.mtime, wal?.mtime]
    .filter((time): time is string => Boolean(time))
    .sort()
    .at(-1) as string;
  return { id: 'local', kind: 'local', path, ok: check.ok, mtime, size: stat.size + (wal?.size ?? 0), tables, errors: check.errors };
}

// Freshest first, judged by the data: a copy holding more rows has seen more writes, whatever its mtime says (a
// backup copied without its -wal is new on disk but old inside). The newest modification time breaks ties.
export function rankSources(sources: SourceCandidate[]): SourceCandidate[] {
  return [...sources].sort((a, b) => {
    if (a.ok !== b.ok) return a.ok ? -1 : 1;
    const byRows = totalRows(b.tables) - totalRows(a.tables);
    return byRows !== 0 ? byRows : Date.parse(b.mtime) - Date.parse(a.mtime);
  });
}

const SQLITE_MAGIC = 'SQLite format 3\0';

// A path typed at the question: what is wrong with it, said so the operator can type another; undefined when usable.
async function problemWithTyped(deps: Deps, path: string): Promise<string | undefined> {
  const stat = await deps.files.stat(path).catch((error: NodeJS.ErrnoException) => ({ error: error.code ?? error.message }));
  if (stat === null) return `${path}: no such file`;
  if ('error' in stat) return `${path}: cannot read it (${stat.error})`;
  if (!stat.isFile) return `${path}: not a regular file (pass the .db file itself)`;
  const head = await deps.files.readBytes(path, 0, 16).catch(() => Buffer.alloc(0));
  if (head.toString('latin1') !== SQLITE_MAGIC) return `${path}: not a SQLite database (its first bytes are not "SQLite format 3")`;
  return undefined;
}

// No --local: at the terminal, ask for a path (Tab completes it, empty means none), offering the SQLite files in the
// working directory and its data/ folders whose tables are production's, newest first. --yes takes none.
async function askForLocal(io: StepIO, deps: Deps): Promise<string | undefined> {
  if (!io.isInteractive || !deps.options.cwd) return undefined;
  const found = await discoverLocalCopies(deps.files, deps.options.cwd, deps.facts.liveTables ?? null);
  const suggestions = found.matches.map((copy) => ({
    value: copy.path,
    label: `${copy.path}  ${copy.size} bytes  changed ${copy.lastWrite}`,
    hint: copy.wal ? 'with its -wal' : undefined,
  }));
  let message =
    suggestions.length > 0
      ? `Is there a healthy copy of the database on this machine? ${suggestions.length} with production's tables found here; type a path, or leave it empty for none`
      : 'Is there a healthy copy of the database on this machine? Type its path (Tab completes), or leave it empty for none';
  for (;;) {
    const answer = await io.ask({ kind: 'path', message, suggestions, isEmptyAllowed: true }, { kind: 'path', value: '' });
    const typed = answer.kind === 'path' ? answer.value.trim() : '';
    if (typed === '') return undefined;
    const path = resolveLocal(deps.options.cwd, typed);
    const problem = await problemWithTyped(deps, path);
    if (!problem) return path;
    io.output(problem);
    message = `${problem}. Type another path, or leave it empty for none`;
  }
}

function resolveLocal(cwd: string, typed: string): string {
  return isAbsolute(typed) ? typed : localJoin(cwd, typed);
}

async function gatherCandidates(io: StepIO, deps: Deps, local: string | undefined): Promise<SourceCandidate[]> {
  const candidates: SourceCandidate[] = [];
  if (local) candidates.push(await inspectLocal(io, local));
  for (const backup of deps.facts.backups ?? []) {
    if (!isHealthy(backup.verdict)) continue;
    candidates.push({
      id: `backup:${backup.path}`,
      kind: 'backup',
      path: backup.path,
      ok: true,
      mtime: backup.mtime,
      size: backup.size,
      tables: backup.tables ?? {},
      errors: [],
    });
  }
  return rankSources(candidates);
}

export const chooseSource: StepKind = {
  kind: 'choose-source',
  mutates: false,
  declare: (known) => {
    const local = known.options.local ?? '<local>';
    return [checkLocal(local, 'quick').decl, countRowsLocal(local).decl];
  },
  async run(io, deps) {
    const local = deps.options.local ?? (await askForLocal(io, deps));
    const ranked = await gatherCandidates(io, deps, local);
    for (const source of ranked) io.output(describeSource(source));
    const healthy = ranked.filter((source) => source.ok);
    const rescue =
      deps.facts.live?.verdict === 'corrupt' ? await buildRescue(io, deps, rescueWanted(io, deps), healthy) : { candidates: [], notes: [] };
    for (const note of rescue.notes) io.output(note);
    for (const candidate of rescue.candidates) io.output(`${describeSource(candidate)} — ${candidate.origin}`);
    const offered = orderByLoss([...rescue.candidates, ...healthy]);
    deps.facts.sources = [...offered, ...ranked.filter((source) => !source.ok)];

    if (offered.length === 0) {
      const localCandidate = ranked.find((source) => source.kind === 'local');
      const message = `no healthy source: ${localCandidate ? `the local copy is corrupt (${localCandidate.errors[0]}) and ` : 'no --local copy was given and '}no backup passes integrity_check`;
      io.finding(`${message}; ${NO_SOURCE_OPTIONS}`);
      // A dry-run's job is to say whether a recovery would succeed: here it would not, and that is its answer.
      if (io.isDryRun) {
        deps.facts.noSourceReason = message;
        return { summary: message, data: { noSourceReason: message }, end: { exitCode: 1, headline: message } };
      }
      throw new RescueError(message, { hint: `nothing was changed. ${NO_SOURCE_OPTIONS}` });
    }
    const named = deps.options.source;
    const wanted = named ? offered.find((candidate) => candidate.id === named) : undefined;
    if (named && !wanted) {
      const keyword = ({ repaired: 'repair', salvaged: 'salvage', merged: 'merge' } as Record<string, string | undefined>)[named];
      const why =
        (keyword && rescue.notes.find((note) => note.includes(keyword))) ||
        `no such candidate: ${offered.map((candidate) => candidate.id).join(', ')} were offered`;
      throw new RescueError(`--source ${named}: cannot restore from it: ${why}`, {
        kind: 'operator',
        exitCode: 2,
        hint: `nothing was changed; pass --source with one of: ${offered.map((candidate) => candidate.id).join(', ')}`,
      });
    }
    // With losses measured, the least loss is preselected; without, the healthy copy --yes would take.
    const preferred =
      wanted ?? (io.isInteractive && offered.some((candidate) => candidate.loss) ? offered[0] : automaticChoice(offered)) ?? offered[0];
    const answer = named
      ? { kind: 'select' as const, value: preferred.id }
      : await io.ask(
          {
            kind: 'select',
            message:
              rescue.candidates.length > 0
                ? 'Restore from which copy? (least loss first: rows the damaged database still holds that each lacks)'
                : 'Restore from which copy? (healthy copies, most rows first)',
            options: offered.map((source) => ({ value: source.id, label: describeSource(source), hint: source.origin })),
            initialIndex: Math.max(0, offered.indexOf(preferred)),
          },
          { kind: 'select', value: preferred.id },
        );
    const chosen = offered.find((source) => answer.kind === 'select' && source.id === answer.value) ?? preferred;
    deps.facts.source = chosen;
    const newer = offered.filter(
      (source) => source !== chosen && !source.loss && !chosen.loss && totalRows(source.tables) > totalRows(chosen.tables),
    );
    if (newer.length > 0) io.finding(`note: ${newer.map((source) => source.path).join(', ')} hold(s) more rows than the chosen source`);
    io.finding(`source: ${describeSource(chosen)}`);
    io.finding(
      `data loss: restoring the ${KIND_WORDS[chosen.kind]}${chosen.kind === 'backup' || chosen.kind === 'local' ? ` ${chosen.path}` : ''} ${describeLoss(chosen.loss)}`,
      {
        dataLoss: {
          chosen: chosen.id,
          loss: chosen.loss ?? null,
          mergedFrom: chosen.mergedFrom ?? null,
          candidates: offered.map((candidate) => ({ id: candidate.id, tables: candidate.tables, loss: candidate.loss ?? null })),
        },
      },
    );
    const verdict = chosen.loss
      ? {
          tone: chosen.loss.totalMissing === 0 ? ('good' as const) : ('warn' as const),
          label: chosen.loss.totalMissing === 0 ? `${chosen.kind}: loses nothing` : `${chosen.kind}: ${chosen.loss.totalMissing} rows lost`,
        }
      : undefined;
    const label =
      chosen.kind === 'backup' || chosen.kind === 'local' ? `${KIND_WORDS[chosen.kind]} ${chosen.path}` : KIND_WORDS[chosen.kind];
    return { summary: `${label} (${totalRows(chosen.tables)} rows)`, ...(verdict ? { verdict } : {}), data: chosen };
  },
  // The operator's choice stands when the copy chosen is still there and healthy, looked at again now: the local copy
  // is checked again; a backup must be among those test-backups just found healthy.
  async reverify(io, deps, past) {
    const chosen = past.data as SourceCandidate | undefined;
    if (!chosen?.id) return undefined;
    if (chosen.kind === 'backup') {
      const now = (await gatherCandidates(io, deps, undefined)).find((source) => source.id === chosen.id);
      if (!now?.ok) return undefined;
      deps.facts.source = now;
      return { summary: past.summary, data: now };
    }
    // A local file: the operator's copy, or a candidate this run built in the incident folder.
    const now = await inspectLocal(io, chosen.path).catch(() => undefined);
    if (!now?.ok) return undefined;
    deps.facts.source = { ...chosen, ok: true, mtime: now.mtime, size: now.size, tables: now.tables };
    return { summary: past.summary, data: deps.facts.source };
  },
};
