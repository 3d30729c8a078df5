// Step check-live-db: is the live database corrupt? Inside the container when it has sqlite3, else on a copy.
import { mkdtemp } from 'node:fs/promises';
import { join as localJoin } from 'node:path';
import { describeErrorCount } from '../ports/sqlite-inspector.js';
import type { StepImpl, StepIO } from '../runbook/engine.js';
import { RescueError } from '../runbook/errors.js';
import type { Deps } from './deps.js';
import type { LiveCheck } from './facts.js';
import { checkInContainer, triageInContainer } from './in-container.js';
import { sidecars } from './container-paths.js';
import { requireFact } from './require-fact.js';

/**
 * 'triage' decides "corrupt or not" at the least cost: quick_check, then integrity_check only if quick_check passes.
 * 'full' always runs integrity_check (the final proof after a restore).
 */
export type LiveCheckDepth = 'triage' | 'full';

// Without sqlite3 in the image: copy the .db and its -wal out through the archive API and check them here.
// Such a copy is not a consistent snapshot while the app writes, so a failure is reported as "seen on a copy".
async function checkOnCopy(io: StepIO, deps: Deps, containerId: string, dbPath: string, depth: LiveCheckDepth): Promise<LiveCheck> {
  const folder = await mkdtemp(localJoin(deps.incident.dir, 'live-copy-'));
  const started = deps.clock.now();
  const local = await deps.runtime.copyOut(containerId, dbPath, folder);
  const wal = sidecars(dbPath).wal;
  if (await deps.runtime.statPath(containerId, wal)) await deps.runtime.copyOut(containerId, wal, folder);
  io.command({ argv: ['docker', 'cp', `${containerId}:${dbPath}`, folder], where: 'engine', exitCode: 0, durationMs: deps.clock.now() - started });
  let result = depth === 'triage' ? await deps.sqlite.check(local, 'quick') : undefined;
  if (!result || result.ok) result = await deps.sqlite.check(local, 'full');
  return { ok: result.ok, check: result.check, errors: result.errors, errorCount: result.errorCount, via: 'a copy checked locally' };
}

export async function checkLiveDatabase(io: StepIO, deps: Deps, containerId: string, dbPath: string, depth: LiveCheckDepth): Promise<LiveCheck> {
  // With no -wal beside it, nobody has the database open in WAL mode: an immutable read sees all of it and, unlike a
  // plain read-only open, creates no -wal/-shm. With a -wal, only a normal read-only open sees its frames.
  const hasWal = (await deps.runtime.statPath(containerId, sidecars(dbPath).wal)) !== null;
  const opts = { immutable: !hasWal };
  const inside = depth === 'triage' ? await triageInContainer(io, deps, containerId, dbPath, opts) : await checkInContainer(io, deps, containerId, dbPath, { ...opts, check: 'integrity_check' });
  deps.facts.hasSqlite3 = inside !== null;
  if (inside) return { ...inside, via: 'sqlite3 in the container' };
  io.output('no sqlite3 in the image: checking a copy of the database on this machine');
  return checkOnCopy(io, deps, containerId, dbPath, depth);
}

export const checkLiveDb: StepImpl<Deps> = {
  kind: 'check-live-db',
  async run(io, deps) {
    const container = requireFact(deps.facts.container, 'the container', 'find-container');
    const dbPath = deps.options.db as string;
    const present = await deps.runtime.statPath(container.id, dbPath);
    if (!present) {
      throw new RescueError(`${dbPath} does not exist in ${container.name}`, { kind: 'operator', exitCode: 2, hint: `list the folder with: docker exec ${container.name} ls -la ${dbPath.replace(/\/[^/]*$/, '') || '/'}` });
    }
    if (present.isDirectory) throw new RescueError(`${dbPath} in ${container.name} is a directory, not a database file`, { kind: 'operator', exitCode: 2, hint: 'pass --db with the path of the .db file itself' });
    // Resolved inside the container (never on the host), but its -wal/-shm live beside the target and a swap would
    // replace the link, not the file the app reads: the real path is asked for instead.
    if (present.linkTarget) {
      const real = present.linkTarget.startsWith('/') ? present.linkTarget : `${dbPath.replace(/\/[^/]*$/, '')}/${present.linkTarget}`;
      throw new RescueError(`${dbPath} in ${container.name} is a symbolic link to ${present.linkTarget}, not the database file itself`, { kind: 'operator', exitCode: 2, hint: `pass the path of the file it points to (e.g. --db ${real}) if that is the database — nothing was changed` });
    }

    const live = await checkLiveDatabase(io, deps, container.id, dbPath, 'triage');
    deps.facts.live = live;
    for (const error of live.errors.slice(0, 5)) io.output(error);
    if (live.ok) {
      io.finding(`the live database ${dbPath} passes integrity_check (${live.via})`);
      const answer = await io.ask(
        { kind: 'yes-no', message: 'The live database is healthy: there is nothing to recover. Go on with the restore anyway?', defaultYes: false },
        { kind: 'yes-no', yes: false },
      );
      if (answer.kind === 'yes-no' && !answer.yes) {
        return { summary: 'healthy: integrity_check says ok', end: { exitCode: 0, headline: `nothing to recover: ${dbPath} in ${container.name} is healthy` } };
      }
      return { summary: 'healthy, restoring anyway at the operator\'s request', data: live };
    }
    const summary = `CORRUPT: ${describeErrorCount(live.errorCount)} (${live.check}, ${live.via}); first: ${live.errors[0]}`;
    io.finding(`the live database ${dbPath} is corrupt: ${live.check} found ${describeErrorCount(live.errorCount)}, first: ${live.errors[0]}${live.check === 'quick_check' ? ' (integrity_check, slower, would decide nothing more)' : ''}`, { errors: live.errors, check: live.check });
    return { summary, data: live };
  },
  // What the live database was before the restore is history: the file may have been swapped since.
  async reverify(io, deps, past) {
    const live = past.data as LiveCheck | undefined;
    if (!live) return undefined;
    deps.facts.live = live;
    deps.facts.hasSqlite3 = live.via === 'sqlite3 in the container';
    return { summary: past.summary, data: live };
  },
};
