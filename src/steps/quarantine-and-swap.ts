// Step quarantine-and-swap: with the app stopped, the corrupted .db, -wal and -shm are renamed into a quarantine
// folder on the same filesystem (nothing is deleted), then the staged copy is renamed to the live name. Renames only:
// the live name never points at a partial file. A stopped container cannot exec, so a helper container from the
// app's own image, sharing its volumes, does the renames.
import type { StepImpl, StepIO } from '../runbook/engine.js';
import { RescueError } from '../runbook/errors.js';
import { shellLine } from '../runbook/template.js';
import type { Deps } from './deps.js';
import type { QuarantinedFile } from './facts.js';
import { basename, join, quarantineDir, sidecars, stagedPath } from './container-paths.js';
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
    await io.confirm(`Move ${dbPath} and its -wal/-shm into ${quarantine} and put the snapshot in its place? Type the container name to confirm.`, container.name);

    const stagedStat = await deps.runtime.statPath(container.id, staged);
    if (!stagedStat || stagedStat.size !== snapshot.bytes) {
      throw new RescueError(`the staged copy ${staged} is ${stagedStat ? `${stagedStat.size} bytes, not ${snapshot.bytes}` : 'gone'}`, {
        hint: `nothing was moved; the app is stopped: run stage-in-container again, or start the app with docker start ${container.name}`,
      });
    }

    const helperId = await deps.runtime.startHelper(container.id, deps.incident.id);
    io.command({ argv: ['docker', 'run', '-d', '--volumes-from', container.name, '--entrypoint', 'sleep', container.image, '86400'], where: 'engine', exitCode: 0, durationMs: 0 });
    try {
      await mustRun(io, deps, helperId, ['mkdir', '-p', quarantine], `nothing was moved; the app is stopped: docker start ${container.name} to bring it back as it was`);
      const { wal, shm } = sidecars(dbPath);
      const moved: QuarantinedFile[] = [];
      for (const path of [dbPath, wal, shm]) {
        const stat = await deps.runtime.statPath(helperId, path);
        if (!stat) continue;
        const to = join(quarantine, basename(path));
        const state = moved.length === 0
          ? `nothing was moved; the app is stopped: docker start ${container.name} to bring it back as it was`
          : `${moved.map((file) => file.from).join(', ')} already moved to ${quarantine}; move them back before starting the app, or resume`;
        await mustRun(io, deps, helperId, ['mv', path, to], state);
        moved.push({ from: path, to, size: stat.size, sha256: '' });
        deps.facts.quarantineDir = quarantine;
        deps.facts.quarantined = moved;
        await writeQuarantineManifest(deps);
        io.output(`moved ${path} → ${to} (${stat.size} bytes)`);
      }

      const leftovers = [];
      for (const path of [wal, shm]) if (await deps.runtime.statPath(helperId, path)) leftovers.push(path);
      if (leftovers.length > 0) throw new RescueError(`${leftovers.join(', ')} still beside the database after the move`, { hint: `the app is stopped and the staged copy is not in place; inspect ${quarantine}` });

      await mustRun(io, deps, helperId, ['mv', staged, dbPath], `the corrupted files are in ${quarantine} and ${dbPath} is missing: run mv ${staged} ${dbPath} in a helper, or resume`);
      const live = await deps.runtime.statPath(helperId, dbPath);
      if (!live || live.size !== snapshot.bytes) {
        throw new RescueError(`${dbPath} is ${live ? `${live.size} bytes, not ${snapshot.bytes}` : 'missing'} after the rename`, { hint: `the corrupted files are in ${quarantine}; the app is stopped` });
      }
      deps.facts.swapped = true;
      io.finding(`quarantined ${moved.map((file) => basename(file.from)).join(', ')} in ${quarantine}; ${dbPath} is now the snapshot (${snapshot.bytes} bytes)`);
      return { summary: `moved ${moved.length} file(s) to ${quarantine}; snapshot renamed to ${dbPath}`, data: { quarantine, moved } };
    } finally {
      await deps.runtime.removeHelper(helperId).catch((error: Error) => io.output(`could not remove the helper container ${helperId}: ${error.message}`));
    }
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
