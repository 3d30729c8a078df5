// Step prune-backups (backup --keep N, default 28): the one deletion `backup` makes. Only backups this command made
// of this database (their manifest says so) are candidates, oldest first, so that N remain counting the new one; the
// newest healthy one never goes. Each backup is one declared `rm` naming its three files, nothing else.
import type { Plan, Planned } from '../runbook/engine.js';
import { RescueError } from '../runbook/errors.js';
import { choosePrunes, type OwnBackup } from '../backup/prune.js';
import type { ExecResult } from '../ports/container-runtime.js';
import type { BackupPlace } from './backup-facts.js';
import { backupHelperName, runnerFor, type Runner } from './backup-place.js';
import { targetRef } from './check-live-db.js';
import { join } from './container-paths.js';
import type { Deps, Known } from './deps.js';
import type { Target } from './facts.js';
import { knownTarget } from './known-target.js';
import { execIn, removeHelper, startHelperFromImage, toolImageReference } from './port-actions.js';
import { requireFact } from './require-fact.js';
import type { StepKind } from './step-kind.js';

export const DEFAULT_KEEP = 28;

export function removalOf(runner: Runner, dir: string, name: string): Planned<Deps, ExecResult> {
  const file = join(dir, name);
  return execIn(runner.ref, ['rm', '-f', '--', file, `${file}.sha256`, `${file}.json`], { where: runner.where, mutates: true });
}

function ownOf(place: BackupPlace): OwnBackup[] {
  return (place.folder?.own ?? []).map((entry) => ({
    name: entry.name,
    takenAt: entry.manifest.takenAt,
    isHealthy: entry.manifest.integrityCheck === 'ok',
  }));
}

async function helperActions(
  io: Parameters<NonNullable<StepKind['plan']>>[0],
  deps: Deps,
  target: Target,
): Promise<{ start: Planned<Deps>; stop: Planned<Deps> }> {
  const image = await io.perform(toolImageReference());
  const name = backupHelperName(target, deps.incident.id);
  return {
    start: startHelperFromImage(targetRef(target), image, { name, label: deps.incident.id, user: '0:0' }),
    stop: removeHelper(name),
  };
}

export const pruneBackups: StepKind = {
  kind: 'prune-backups',
  mutates: true,
  declare: (known: Known) => {
    const target = knownTarget(known);
    const place = known.facts.backupPlace;
    if (!place)
      return [
        removalOf(
          { ref: { id: target.containerId, name: target.containerName }, where: 'container', tools: [] },
          '<backups>',
          '<oldest backup of ours beyond --keep>',
        ).decl,
      ];
    const runner = runnerFor(place, target, known.incident.id);
    return [removalOf(runner, place.dir, '<oldest backup of ours beyond --keep>').decl];
  },
  async plan(io, deps): Promise<Plan<Deps>> {
    const target = requireFact(deps.facts.target, 'the target', 'find-backup-target');
    const place = requireFact(deps.facts.backupPlace, 'where backups go', 'find-backup-target');
    const keep = deps.options.backup?.keep ?? DEFAULT_KEEP;
    if (!place.folder) return { summary: `nothing pruned: ${place.dir} could not be listed (no shell in the image)`, actions: [] };
    const taken = deps.facts.backupTaken;
    const newest: OwnBackup = taken
      ? { name: taken.name, takenAt: taken.takenAt, isHealthy: true }
      : { name: '<the new backup>', takenAt: new Date(deps.clock.now()).toISOString(), isHealthy: true };
    const prunes = choosePrunes(ownOf(place), newest, keep);
    const total = place.folder.own.length + 1;
    if (prunes.length === 0)
      return { summary: `nothing to prune: ${total} backup${total === 1 ? '' : 's'} of ours, --keep ${keep}`, actions: [] };
    const runner = runnerFor(place, target, deps.incident.id);
    const removals = prunes.map((backup) => removalOf(runner, place.dir, backup.name));
    const names = prunes.map((backup) => backup.name).join(', ');
    if (place.way === 'container')
      return { summary: `remove the ${prunes.length} oldest of ${total} backups of ours (--keep ${keep}): ${names}`, actions: removals };
    const helper = await helperActions(io, deps, target);
    return {
      summary: `remove the ${prunes.length} oldest of ${total} backups of ours (--keep ${keep}), from a helper: ${names}`,
      actions: [helper.start, ...removals, helper.stop],
      cleanup: [helper.stop],
    };
  },
  async apply(io, deps, plan) {
    if (plan.actions.length === 0) return { summary: plan.summary };
    const target = requireFact(deps.facts.target, 'the target', 'find-backup-target');
    await io.confirm(`${plan.summary}. Type ${target.appName} to confirm.`, target.appName);
    let removed = 0;
    try {
      for (const action of plan.actions) {
        const result = await io.perform(action);
        if (action.decl.kind !== 'argv') continue;
        const exec = result as ExecResult;
        if (exec.exitCode !== 0)
          throw new RescueError(`${action.decl.argv.join(' ')} failed (exit ${exec.exitCode}): ${(exec.stderr || exec.stdout).trim()}`, {
            hint: 'the new backup is in place; older ones stay until the next run prunes them',
          });
        removed += 1;
        io.output(`removed ${action.decl.argv.slice(3).join(' ')}`);
      }
    } catch (error) {
      for (const undo of plan.cleanup ?? []) await io.perform(undo, 'cleanup').catch(() => undefined);
      throw error;
    }
    return {
      summary: `removed the ${removed} oldest backups of ours`,
      data: {
        removed: plan.actions.flatMap((action) =>
          action.decl.kind === 'argv' && action.decl.argv[0] === 'rm' ? [action.decl.argv[3]] : [],
        ),
      },
    };
  },
};
