// Step choose-source: the healthy copy to restore from — the local copy or a backup — with enough facts beside
// each (row counts, mtime, size) that a stale-but-valid copy is visible.
import type { StepImpl, StepIO } from '../runbook/engine.js';
import { RescueError, UsageError } from '../runbook/errors.js';
import type { Deps } from './deps.js';
import type { SourceCandidate } from './facts.js';

export const NO_SOURCE_OPTIONS =
  'Options: pass --local with a healthy copy; look for older off-site copies; or salvage what is readable with `sqlite3 corrupt.db .recover | sqlite3 salvaged.db` and restore from that';

export function totalRows(tables: Record<string, number>): number {
  return Object.values(tables).reduce((sum, count) => sum + count, 0);
}

function describeSource(source: SourceCandidate): string {
  const rows = Object.entries(source.tables).map(([table, count]) => `${table}=${count}`).join(' ') || 'no tables';
  return `${source.kind === 'local' ? 'local copy' : 'backup'} ${source.path}  ${source.size} bytes  modified ${source.mtime}  ${source.ok ? rows : `CORRUPT: ${source.errors[0]}`}`;
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

async function inspectLocal(io: StepIO, deps: Deps, path: string): Promise<SourceCandidate> {
  const stat = await deps.files.stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`--local ${path}: cannot read it (${error.code ?? error.message})`, 'check the path and its permissions');
  });
  if (!stat) throw new UsageError(`--local ${path}: no such file`, 'pass the path of your healthy copy of the database');
  if (!stat.isFile) throw new UsageError(`--local ${path}: not a regular file`, 'pass the path of the .db file itself');
  const wal = await deps.files.stat(`${path}-wal`);
  const started = deps.clock.now();
  // quick_check to triage: the snapshot taken from the chosen copy gets the full integrity_check before it is used.
  const check = await deps.sqlite.check(path, 'quick').catch((error: unknown) => {
    throw unreadableLocal(path, error);
  });
  io.command({ argv: ['sqlite3', '-readonly', path, 'PRAGMA quick_check;'], where: 'local', exitCode: check.ok ? 0 : 1, durationMs: deps.clock.now() - started });
  const tables = check.ok ? (await deps.sqlite.stats(path)).tables : {};
  const mtime = [stat.mtime, wal?.mtime].filter((time): time is string => Boolean(time)).sort().at(-1) as string;
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

export const chooseSource: StepImpl<Deps> = {
  kind: 'choose-source',
  async run(io, deps) {
    const candidates: SourceCandidate[] = [];
    if (deps.options.local) candidates.push(await inspectLocal(io, deps, deps.options.local));
    for (const backup of deps.facts.backups ?? []) {
      if (!backup.ok) continue;
      candidates.push({ id: `backup:${backup.path}`, kind: 'backup', path: backup.path, ok: true, mtime: backup.mtime, size: backup.size, tables: backup.tables ?? {}, errors: [] });
    }
    const ranked = rankSources(candidates);
    deps.facts.sources = ranked;
    for (const source of ranked) io.output(describeSource(source));

    const healthy = ranked.filter((source) => source.ok);
    if (healthy.length === 0) {
      const local = ranked.find((source) => source.kind === 'local');
      const message = `no healthy source: ${local ? `the local copy is corrupt (${local.errors[0]}) and ` : 'no --local copy was given and '}no backup passes integrity_check`;
      io.finding(`${message}; ${NO_SOURCE_OPTIONS}`);
      // A dry-run's job is to say whether a recovery would succeed: here it would not, and that is its answer.
      if (io.isDryRun) return { summary: message, end: { exitCode: 4, headline: `dry-run: the live database is CORRUPT and a recovery would NOT succeed: ${message}; nothing was changed` } };
      throw new RescueError(message, { hint: `nothing was changed. ${NO_SOURCE_OPTIONS}` });
    }
    const local = healthy.find((source) => source.kind === 'local');
    const preferred = local && deps.options.local ? local : healthy[0];
    const answer = await io.ask(
      {
        kind: 'select',
        message: 'Restore from which copy? (healthy copies, most rows first)',
        options: healthy.map((source) => ({ value: source.id, label: describeSource(source) })),
        initialIndex: Math.max(0, healthy.indexOf(preferred)),
      },
      { kind: 'select', value: preferred.id },
    );
    const chosen = healthy.find((source) => answer.kind === 'select' && source.id === answer.value) ?? preferred;
    deps.facts.source = chosen;
    const newer = healthy.filter((source) => source !== chosen && totalRows(source.tables) > totalRows(chosen.tables));
    if (newer.length > 0) io.finding(`note: ${newer.map((source) => source.path).join(', ')} hold(s) more rows than the chosen source`);
    io.finding(`source: ${describeSource(chosen)}`);
    return { summary: `${chosen.kind === 'local' ? 'local copy' : 'backup'} ${chosen.path} (${totalRows(chosen.tables)} rows)`, data: chosen };
  },
  // The choice stands; the snapshot taken from it is what gets re-verified.
  async reverify(io, deps, past) {
    deps.facts.source = past.data as SourceCandidate;
    return { summary: past.summary, data: past.data };
  },
};
