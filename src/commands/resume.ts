// `sqlite-rescue resume [DIR]`: continues an interrupted restore from its incident folder. The journal says which
// steps succeeded; each of those is proven again against the world (checksums, container state, the quarantine)
// before it counts, and the first step not proven done runs from its start.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PastStep } from '../runbook/engine.js';
import { UsageError } from '../runbook/errors.js';
import type { RunEvent } from '../runbook/events.js';
import type { RestoreResult, RunManifest } from './restore.js';
import type { TuiSession } from './tui-session.js';
import type { RestoreFlags } from './restore-flags.js';

export function readJournal(dir: string): RunEvent[] {
  const path = join(dir, 'events.ndjson');
  if (!existsSync(path))
    throw new UsageError(`${dir} has no events.ndjson: not an incident folder`, 'pass the folder a restore wrote its record to');
  // A kill can cut the last line short: everything before it is whole.
  return readFileSync(path, 'utf8')
    .split('\n')
    .flatMap((line) => {
      try {
        return line.trim() ? [JSON.parse(line) as RunEvent] : [];
      } catch {
        return [];
      }
    });
}

/** Steps whose latest attempt succeeded, with what they ended with. */
export function doneSteps(journal: readonly RunEvent[]): Map<string, PastStep> {
  const done = new Map<string, PastStep>();
  for (const event of journal) {
    if (event.type === 'step-started') done.delete(event.stepId);
    if (event.type === 'step-succeeded')
      done.set(event.stepId, { at: event.at, summary: event.summary.replace(/^verified after the interruption: /, ''), data: event.data });
  }
  return done;
}

function isUnfinished(dir: string): boolean {
  if (!existsSync(join(dir, 'run.json'))) return false;
  const last = readJournal(dir)
    .filter((event) => event.type === 'run-finished')
    .at(-1);
  return !last || (last.type === 'run-finished' && last.exitCode !== 0);
}

// Without DIR: the newest unfinished incident under ./incidents (for the same target when one is given).
export function findUnfinished(root = resolve('incidents'), target?: Pick<RestoreFlags, 'host' | 'container' | 'db'>): string | undefined {
  if (!existsSync(root)) return undefined;
  const isSameTarget = (dir: string) => {
    if (!target) return true;
    const { flags } = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as RunManifest;
    return flags.host === target.host && flags.container === target.container && flags.db === target.db;
  };
  return readdirSync(root)
    .sort()
    .reverse()
    .map((name) => join(root, name))
    .find((dir) => isUnfinished(dir) && isSameTarget(dir));
}

/** `session`: the screen the restore command already asked its questions on (the offer to resume), if any. */
export async function runResume(
  dirArg: string | undefined,
  opts: { yes: boolean; json: boolean; breakStaleLock?: boolean; session?: TuiSession },
): Promise<RestoreResult> {
  const dir = dirArg ? resolve(dirArg) : findUnfinished();
  if (!dir)
    throw new UsageError('no unfinished incident under ./incidents', 'pass the incident folder: sqlite-rescue resume incidents/<id>');
  if (!existsSync(join(dir, 'run.json')))
    throw new UsageError(
      `${dir} has no run.json: it is not the record of a restore that can be resumed (a dry-run, or not an incident folder)`,
    );
  const manifest = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as RunManifest;
  const journal = readJournal(dir);
  const last = journal.filter((event) => event.type === 'run-finished').at(-1);
  if (last?.type === 'run-finished' && last.exitCode === 0)
    throw new UsageError(`incident ${manifest.incidentId} already finished: ${last.headline}`, `its record is in ${dir}`);
  // Loaded here, not at the top: finding an unfinished incident must stay cheap for the restore command's first question.
  const { runRestore } = await import('./restore.js');
  return runRestore({
    flags: {
      ...manifest.flags,
      acceptNewHostKey: manifest.flags.acceptNewHostKey ?? false,
      dryRun: false,
      yes: opts.yes,
      json: opts.json,
      incidentDir: dir,
      breakStaleLock: opts.breakStaleLock,
    },
    resume: { incidentId: manifest.incidentId, incidentDir: dir, done: doneSteps(journal) },
    session: opts.session,
  });
}
