// Step quarantine-and-swap: with the app stopped, the corrupted .db, -wal and -shm are renamed into a quarantine
// folder on the same filesystem (nothing is deleted), then the staged copy is renamed to the live name. Renames only:
// the live name never points at a partial file. A stopped container cannot exec, so a helper container from the
// app's own image, sharing its volumes, does the renames.
import type { StepImpl, StepIO } from '../runbook/engine.js';
import { RescueError } from '../runbook/errors.js';
import { shellLine } from '../runbook/template.js';
import type { Deps } from './deps.js';
import type { QuarantinedFile, SnapshotInfo } from './facts.js';
import type { PathStat } from '../ports/container-runtime.js';
import { HELPER_LABEL } from '../ports/container-runtime.js';
import { basename, dirname, join, quarantineDir, sidecars, stagedPath } from './container-paths.js';
import { execRecorded } from './in-container.js';
import { missingHelperBinaries, cannotTell } from './dry-run-checks.js';
import { writeQuarantineManifest } from './quarantine-manifest.js';
import { requireFact } from './require-fact.js';

async function mustRun(io: StepIO, deps: Deps, helperId: string, argv: string[], state: string): Promise<void> {
  const result = await execRecorded(io, deps, helperId, argv, 'helper');
  if (result.exitCode !== 0) {
    throw new RescueError(`${shellLine(argv)} failed (exit ${result.exitCode}): ${(result.stderr || result.stdout).trim()}`, { hint: state });
  }
}

interface SwapState {
  staged: PathStat | null;
  quarantined: QuarantinedFile[];
  /** The old database is in quarantine, no staged copy waits, and the live name holds a file of the snapshot's size. */
  isSwapped: boolean;
}

// Read from the volume itself (archive API: works with the app stopped), never from the journal.
export async function readSwapState(deps: Deps, containerId: string, stagedAt: string): Promise<SwapState> {
  const dbPath = deps.options.db as string;
  const quarantine = quarantineDir(dbPath, deps.incident.id);
  const snapshot = deps.facts.snapshot as SnapshotInfo;
  const staged = await deps.runtime.statPath(containerId, stagedAt);
  const quarantined: QuarantinedFile[] = [];
  const { wal, shm } = sidecars(dbPath);
  for (const from of [dbPath, wal, shm]) {
    const to = join(quarantine, basename(from));
    const stat = await deps.runtime.statPath(containerId, to);
    if (stat) quarantined.push({ from, to, size: stat.size, sha256: '' });
  }
  const live = await deps.runtime.statPath(containerId, dbPath);
  const isSwapped = quarantined.some((file) => file.from === dbPath) && !staged && live !== null && live.size >= snapshot.bytes;
  return { staged, quarantined, isSwapped };
}

function recordQuarantine(deps: Deps, quarantine: string, files: QuarantinedFile[]): void {
  deps.facts.quarantineDir = quarantine;
  deps.facts.quarantined = files;
}

// A helper left by a run killed mid-swap would keep the volume busy and confuse a reader: remove it first (all but
// `keep`, this run's own).
export async function removeStaleHelpers(io: StepIO, deps: Deps, keep?: string): Promise<void> {
  const stale = (await deps.runtime.listContainers()).filter((container) => container.labels[HELPER_LABEL] === deps.incident.id && container.id !== keep);
  for (const helper of stale) {
    await deps.runtime.removeHelper(helper.id);
    io.output(`removed the helper container ${helper.name} left by the interrupted run`);
  }
}

/** Starts the helper that does the renames (the app's image, its volumes, sleeping), recorded with its duration. */
export async function startSwapHelper(io: StepIO, deps: Deps): Promise<string> {
  const container = requireFact(deps.facts.container, 'the container', 'find-container');
  const started = deps.clock.now();
  const helperId = await deps.runtime.startHelper(container.id, deps.incident.id);
  io.command({ argv: ['docker', 'run', '-d', '--volumes-from', container.name, '--entrypoint', 'sleep', container.image, '86400'], where: 'engine', exitCode: 0, durationMs: deps.clock.now() - started });
  return helperId;
}

export function swapCommands(containerName: string, image: string, dbPath: string, incidentId: string): string[][] {
  const quarantine = quarantineDir(dbPath, incidentId);
  const { wal, shm } = sidecars(dbPath);
  const helper = ['docker', 'run', '--rm', '--volumes-from', containerName];
  return [
    [...helper, '--entrypoint', 'mkdir', image, '-p', quarantine],
    ...[dbPath, wal, shm].map((path) => [...helper, '--entrypoint', 'mv', image, path, `${quarantine}/`]),
    [...helper, '--entrypoint', 'mv', image, stagedPath(dbPath, incidentId), dbPath],
  ];
}

export const quarantineAndSwap: StepImpl<Deps> = {
  kind: 'quarantine-and-swap',
  async run(io, deps) {
    const container = requireFact(deps.facts.container, 'the container', 'find-container');
    const staged = requireFact(deps.facts.stagedPath, 'the staged copy', 'stage-in-container');
    const snapshot = requireFact(deps.facts.snapshot, 'the snapshot', 'snapshot-source');
    const dbPath = deps.options.db as string;
    const quarantine = quarantineDir(dbPath, deps.incident.id);
    // stop-app started the helper before the stop; a resumed run (or one whose helper died) starts one now, and
    // that start is downtime, so its real duration goes into the record. Whatever happens here, it is removed.
    const ready = deps.facts.swapHelperId;
    let helperId = ready && (await deps.runtime.inspect(ready).catch(() => undefined))?.state === 'running' ? ready : undefined;
    deps.facts.swapHelperId = undefined;
    try {
      await io.confirm(`Move ${dbPath} and its -wal/-shm into ${quarantine} and put the snapshot in its place? Type the container name to confirm.`, container.name);
      // Read through the archive API first (works with the app stopped): an interrupted run may have done part of this.
      const before = await readSwapState(deps, container.id, staged);
      if (before.isSwapped) {
        recordQuarantine(deps, quarantine, before.quarantined);
        await writeQuarantineManifest(deps);
        deps.facts.swapped = true;
        return { summary: `already swapped before the interruption: ${dbPath} is the snapshot, old files in ${quarantine}`, data: { quarantine, moved: before.quarantined } };
      }
      if (!before.staged || before.staged.size !== snapshot.bytes) {
        throw new RescueError(`the staged copy ${staged} is ${before.staged ? `${before.staged.size} bytes, not ${snapshot.bytes}` : 'gone'}`, {
          hint: before.quarantined.length === 0
            ? `nothing was moved; the app is stopped: run stage-in-container again, or start the app with docker start ${container.name}`
            : `${before.quarantined.map((file) => file.from).join(', ')} are in ${quarantine}; the app is stopped: stage the snapshot again (retry stage-in-container) before going on`,
        });
      }

      await removeStaleHelpers(io, deps, helperId);
      helperId ??= await startSwapHelper(io, deps);
      await mustRun(io, deps, helperId, ['mkdir', '-p', quarantine], `nothing was moved; the app is stopped: docker start ${container.name} to bring it back as it was`);
      const { wal, shm } = sidecars(dbPath);
      const moved = [...before.quarantined];
      if (moved.length > 0) recordQuarantine(deps, quarantine, moved);
      for (const path of [dbPath, wal, shm]) {
        const to = join(quarantine, basename(path));
        // Moved before an interruption: never move a second file over it.
        if (moved.some((file) => file.to === to)) continue;
        const stat = await deps.runtime.statPath(helperId, path);
        if (!stat) continue;
        const state = moved.length === 0
          ? `nothing was moved; the app is stopped: docker start ${container.name} to bring it back as it was`
          : `${moved.map((file) => file.from).join(', ')} already moved to ${quarantine}; the app is stopped: run \`sqlite-rescue resume\` to finish`;
        await mustRun(io, deps, helperId, ['mv', path, to], state);
        moved.push({ from: path, to, size: stat.size, sha256: '' });
        recordQuarantine(deps, quarantine, moved);
        await writeQuarantineManifest(deps);
        io.output(`moved ${path} → ${to} (${stat.size} bytes)`);
      }

      const leftovers = [];
      for (const path of [dbPath, wal, shm]) if (await deps.runtime.statPath(helperId, path)) leftovers.push(path);
      if (leftovers.length > 0) {
        throw new RescueError(`${leftovers.join(', ')} still beside the database although ${quarantine} holds its namesake`, {
          hint: `the app is stopped and the staged copy is not in place; something else wrote there: look at ${dirname(dbPath)} and ${quarantine} before going on`,
        });
      }

      await mustRun(io, deps, helperId, ['mv', staged, dbPath], `the corrupted files are in ${quarantine} and ${dbPath} is missing; the app is stopped: run \`sqlite-rescue resume\` to finish`);
      const live = await deps.runtime.statPath(helperId, dbPath);
      if (!live || live.size !== snapshot.bytes) {
        throw new RescueError(`${dbPath} is ${live ? `${live.size} bytes, not ${snapshot.bytes}` : 'missing'} after the rename`, { hint: `the corrupted files are in ${quarantine}; the app is stopped` });
      }
      deps.facts.swapped = true;
      io.finding(`quarantined ${moved.map((file) => basename(file.from)).join(', ')} in ${quarantine}; ${dbPath} is now the snapshot (${snapshot.bytes} bytes)`);
      return { summary: `moved ${moved.length} file(s) to ${quarantine}; snapshot renamed to ${dbPath}`, data: { quarantine, moved } };
    } finally {
      if (helperId) await deps.runtime.removeHelper(helperId).catch((error: Error) => io.output(`could not remove the helper container ${helperId}: ${error.message}`));
    }
  },
  // Done when the quarantine holds the old database, no staged copy waits, and the live file is the snapshot's size.
  async reverify(io, deps, past) {
    const container = requireFact(deps.facts.container, 'the container', 'find-container');
    const quarantine = quarantineDir(deps.options.db as string, deps.incident.id);
    const state = await readSwapState(deps, container.id, stagedPath(deps.options.db as string, deps.incident.id));
    if (!state.isSwapped) return undefined;
    await removeStaleHelpers(io, deps);
    deps.facts.swapHelperId = undefined;
    recordQuarantine(deps, quarantine, state.quarantined);
    deps.facts.swapped = true;
    return { summary: `${deps.options.db} is the snapshot; ${state.quarantined.length} old file(s) in ${quarantine}`, data: past.data };
  },
  async plan(io, deps) {
    const container = requireFact(deps.facts.container, 'the container', 'find-container');
    const missing = await missingHelperBinaries(io, deps, container.id);
    if (missing.length > 0) io.finding(`THE SWAP WOULD FAIL: the image ${container.image} lacks ${missing.join(', ')}, which the helper container runs`);
    else io.finding(`the image ${container.image} has sleep, mkdir and mv: the swap helper can run`);
    cannotTell(io, 'whether the renames succeed at that moment (permissions, a file held by another process)');
    const commands = swapCommands(container.name, container.image, deps.options.db as string, deps.incident.id).map(shellLine);
    return { summary: `would move the live files into ${quarantineDir(deps.options.db as string, deps.incident.id)} and rename the staged copy to ${deps.options.db}`, commands };
  },
};
