// Step test-backups: every backup opened and integrity-checked, never judged by its size.
import { mkdtemp } from 'node:fs/promises';
import { join as localJoin } from 'node:path';
import type { StepImpl, StepIO } from '../runbook/engine.js';
import { RescueError, UsageError } from '../runbook/errors.js';
import type { Deps } from './deps.js';
import type { BackupReport } from './facts.js';
import { basename, dirname, globToRegExp, join } from './container-paths.js';
import { countRowsInContainer, execRecorded, integrityInContainer, isMissingBinary } from './in-container.js';
import { requireFact } from './require-fact.js';
import { runLimited } from './run-limited.js';

/** Backups are checked this many at a time: each check is one core on the server. */
export const BACKUP_CHECKS_AT_ONCE = 4;

export function backupsGlob(deps: Deps): string {
  return deps.options.backups ?? join(dirname(deps.options.db as string), 'backups', '*.db');
}

async function listMatches(io: StepIO, deps: Deps, containerId: string, glob: string): Promise<string[]> {
  const folder = dirname(glob);
  if (/[*?[]/.test(folder)) throw new UsageError(`--backups "${glob}": only the last part of the path may hold wildcards`, 'e.g. --backups "/data/backups/*.db"');
  const pattern = globToRegExp(basename(glob));
  if (!(await deps.runtime.statPath(containerId, folder))) return [];
  // NUL-separated: a file name may hold a newline. A find without -print0 falls back to lines.
  let separator = '\0';
  let result = await execRecorded(io, deps, containerId, ['find', folder, '-maxdepth', '1', '-type', 'f', '-print0']);
  if (!isMissingBinary(result) && result.exitCode !== 0) {
    separator = '\n';
    result = await execRecorded(io, deps, containerId, ['find', folder, '-maxdepth', '1', '-type', 'f']);
  }
  let names: string[];
  if (isMissingBinary(result)) {
    result = await execRecorded(io, deps, containerId, ['ls', '-1Ap', folder]);
    if (isMissingBinary(result)) throw new RescueError(`cannot list ${folder} in the container: it has neither find nor ls`, { hint: 'pass the backups one by one with --backups PATH' });
    names = result.stdout.split('\n').filter((name) => name !== '' && !name.endsWith('/'));
  } else {
    names = result.stdout.split(separator).filter((line) => line !== '').map((line) => basename(line));
  }
  if (result.exitCode !== 0) throw new RescueError(`cannot list ${folder} in the container: ${result.stderr.trim()}`);
  return names.filter((name) => pattern.test(name)).sort().map((name) => join(folder, name));
}

async function checkOne(io: StepIO, deps: Deps, containerId: string, path: string): Promise<BackupReport> {
  const stat = await deps.runtime.statPath(containerId, path);
  const size = stat?.size ?? 0;
  const mtime = stat?.mtime ?? '';
  if (deps.facts.hasSqlite3 !== false) {
    const inside = await integrityInContainer(io, deps, containerId, path, { immutable: true });
    if (inside) {
      const tables = inside.ok ? (await countRowsInContainer(io, deps, containerId, path, { immutable: true })) ?? undefined : undefined;
      return { path, size, mtime, ok: inside.ok, errors: inside.errors, errorCount: inside.errorCount, via: 'sqlite3 in the container', tables };
    }
    deps.facts.hasSqlite3 = false;
  }
  const folder = await mkdtemp(localJoin(deps.incident.dir, 'backup-copy-'));
  const local = await deps.runtime.copyOut(containerId, path, folder);
  const result = await deps.sqlite.check(local, 'full');
  const tables = result.ok ? (await deps.sqlite.stats(local)).tables : undefined;
  return { path, size, mtime, ok: result.ok, errors: result.errors, errorCount: result.errorCount, via: 'a copy checked locally', tables };
}

export const testBackups: StepImpl<Deps> = {
  kind: 'test-backups',
  async run(io, deps) {
    const container = requireFact(deps.facts.container, 'the container', 'find-container');
    const glob = backupsGlob(deps);
    const paths = await listMatches(io, deps, container.id, glob);
    if (paths.length === 0) {
      deps.facts.backups = [];
      io.finding(`no backup matches ${glob}`);
      return { summary: `no backup matches ${glob}`, data: [] };
    }
    let done = 0;
    io.progress({ done, total: paths.length, unit: 'files' });
    const reports = await runLimited(paths, BACKUP_CHECKS_AT_ONCE, async (path) => {
      const report = await checkOne(io, deps, container.id, path);
      done += 1;
      io.progress({ done, total: paths.length, unit: 'files' });
      io.output(`${report.ok ? 'ok     ' : 'CORRUPT'} ${path}  ${report.size} bytes  ${report.mtime}${report.ok ? '' : `  ${report.errors[0]}`}`);
      return report;
    });
    deps.facts.backups = reports;
    const healthy = reports.filter((report) => report.ok).length;
    io.finding(`${healthy} of ${reports.length} backups pass integrity_check`, reports.map(({ path, ok, size, mtime, errorCount }) => ({ path, ok, size, mtime, errorCount })));
    return { summary: `${healthy} of ${reports.length} backups healthy`, data: reports };
  },
  async reverify(io, deps, past) {
    deps.facts.backups = (past.data as BackupReport[] | undefined) ?? [];
    return { summary: past.summary, data: past.data };
  },
};
