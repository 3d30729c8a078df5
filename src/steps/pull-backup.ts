// Step pull-backup (backup --to DIR): the backup, its .sha256 and its manifest copied to this machine as well, into
// a folder of this run's inside DIR, the copy's sha256 checked against the one taken in the container, then each file
// given its final name in DIR with a link that never replaces anything. A failure removes this run's folder and what
// it holds; nothing is ever left under a final name that is not complete and checked.
import { join } from 'node:path';
import type { Plan, Planned } from '../runbook/engine.js';
import { describeError, RescueError } from '../runbook/errors.js';
import { targetRef } from './check-live-db.js';
import type { Deps, Known } from './deps.js';
import { knownRef } from './known-target.js';
import { copyOut, hashLocal, makeLocalDir, removeLocalDir, removeLocalFile, renameLocalNoReplace, statLocal } from './port-actions.js';
import { requireFact } from './require-fact.js';
import type { StepKind } from './step-kind.js';

const SUFFIXES = ['', '.sha256', '.json'];

function scratchOf(to: string, incidentId: string): string {
  return join(to, `.sqlite-rescue-${incidentId}.partial`);
}

interface PullPlan extends Plan<Deps> {
  copies: Array<Planned<Deps>>;
  scratchDb?: string;
}

function actionsFor(known: Pick<Known, 'incident'>, ref: { id: string; name: string }, to: string, backupPath: string, name: string) {
  const scratch = scratchOf(to, known.incident.id);
  const copies = SUFFIXES.map((suffix) => copyOut(ref, `${backupPath}${suffix}`, scratch));
  const renames = SUFFIXES.map((suffix) => renameLocalNoReplace(join(scratch, `${name}${suffix}`), join(to, `${name}${suffix}`)));
  const cleanup = [...SUFFIXES.map((suffix) => removeLocalFile(join(scratch, `${name}${suffix}`))), removeLocalDir(scratch)];
  return { scratch, copies, actions: [makeLocalDir(scratch), ...copies, ...renames, removeLocalDir(scratch)], cleanup };
}

export const pullBackup: StepKind = {
  kind: 'pull-backup',
  mutates: true,
  declare: (known) => {
    // Outside a run (runbook print) the folder is a blank; in a run without --to, nothing is copied.
    const to = known.options.backup ? known.options.backup.to : '<DIR>';
    if (!to) return [];
    const taken = known.facts.backupTaken;
    return actionsFor(known, knownRef(known), to, taken?.path ?? '<backups>/<name>.db', taken?.name ?? '<name>.db').actions.map(
      (action) => action.decl,
    );
  },
  async plan(io, deps): Promise<PullPlan> {
    const to = deps.options.backup?.to;
    if (!to) return { summary: 'no --to: the backup stays beside the database only', actions: [], copies: [] };
    const target = requireFact(deps.facts.target, 'the target', 'find-backup-target');
    const taken = deps.facts.backupTaken;
    if (!taken) {
      // A dry-run took no backup: the plan shows its commands with the name left blank.
      const { actions, copies, cleanup } = actionsFor(deps, targetRef(target), to, '<backups>/<name>.db', '<name>.db');
      return { summary: `would copy the backup to ${to} and check its sha256`, actions, copies, cleanup };
    }
    for (const suffix of SUFFIXES) {
      const final = join(to, `${taken.name}${suffix}`);
      if (await io.perform(statLocal(final)))
        throw new RescueError(`${final} already exists on this machine`, {
          kind: 'operator',
          hint:
            `the backup is safe in the container at ${taken.path}; pick another --to, ` +
            'or move that file away and copy it by hand — nothing here was replaced',
        });
    }
    const { actions, copies, cleanup, scratch } = actionsFor(deps, targetRef(target), to, taken.path, taken.name);
    return {
      summary: `copy ${taken.path} to ${to}, check its sha256, then name it ${join(to, taken.name)}`,
      actions,
      copies,
      cleanup,
      scratchDb: join(scratch, taken.name),
    };
  },
  async apply(io, deps, plan) {
    const pull = plan as PullPlan;
    if (pull.actions.length === 0) return { summary: pull.summary };
    const taken = requireFact(deps.facts.backupTaken, 'the backup', 'take-backup');
    const to = deps.options.backup?.to as string;
    const lastCopy = pull.copies[pull.copies.length - 1];
    try {
      for (const action of pull.actions) {
        await io.perform(action);
        if (action !== lastCopy) continue;
        const sha256 = await io.perform(hashLocal(pull.scratchDb as string), 'verify');
        if (sha256 !== taken.sha256) {
          throw new RescueError(`the copy on this machine does not match the backup (sha256 ${sha256} ≠ ${taken.sha256})`, {
            hint: `the backup in the container is fine (${taken.path}); run the backup again to copy a new one`,
          });
        }
      }
    } catch (error) {
      for (const undo of pull.cleanup ?? [])
        await io.perform(undo, 'cleanup').catch((failure: unknown) => io.output(`could not clean up: ${describeError(failure).message}`));
      throw error;
    }
    const path = join(to, taken.name);
    deps.facts.backupPulled = { path, sha256: taken.sha256 };
    io.finding(`copied to ${path}: sha256 ${taken.sha256} matches the backup in the container`, deps.facts.backupPulled);
    return { summary: `copied to ${path} (sha256 checked)`, data: deps.facts.backupPulled };
  },
};
