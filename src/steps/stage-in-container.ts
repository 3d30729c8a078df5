// Step stage-in-container: the snapshot copied beside the live database under a name nobody opens, while the app
// still runs, then proven identical by sha256 inside the container. The archive API is not atomic, hence the
// temporary name; the rename to the live name happens in quarantine-and-swap.
import type { FileOwner } from '../ports/container-runtime.js';
import type { StepImpl, StepIO } from '../runbook/engine.js';
import { describeError, RescueError } from '../runbook/errors.js';
import { shellLine } from '../runbook/template.js';
import type { Deps, Remote } from './deps.js';
import type { SnapshotInfo } from './facts.js';
import { basename, dirname, join, quarantineDir, stagedPath } from './container-paths.js';
import { execRecorded, sha256InContainer } from './in-container.js';
import { cannotTell, freeBytesInContainer } from './dry-run-checks.js';
import { makeProgressMeter } from './progress-meter.js';
import { requireFact } from './require-fact.js';
import { requireSnapshotIntegrity, startSnapshotCheck, stillChecking } from './snapshot-check.js';

// The staged file gets the live database's owner and mode, so the app can write it after the swap.
async function liveOwner(io: StepIO, deps: Deps, containerId: string, dbPath: string): Promise<FileOwner | undefined> {
  const result = await execRecorded(io, deps, containerId, ['stat', '-c', '%u %g %a', dbPath]);
  const match = /^(\d+) (\d+) ([0-7]+)$/.exec(result.stdout.trim());
  if (result.exitCode !== 0 || !match) return undefined;
  return { uid: Number(match[1]), gid: Number(match[2]), mode: Number.parseInt(match[3], 8) };
}

// Over SSH the snapshot travels once: uploaded to the server before any downtime, then copied into the volume on the
// server by a helper container that mounts the upload folder read-only, and proven by a sha256 computed there.
async function stageThroughServer(io: StepIO, deps: Deps, remote: Remote, containerId: string, staged: string): Promise<string> {
  const snapshot = deps.facts.snapshot as SnapshotInfo;
  const mkdir = await remote.host.exec(['mkdir', '-p', remote.stagingDir]);
  io.command({ argv: ['mkdir', '-p', remote.stagingDir], where: 'host', exitCode: mkdir.exitCode, durationMs: mkdir.durationMs });
  if (mkdir.exitCode !== 0) throw new RescueError(`cannot create ${remote.stagingDir} on the server: ${mkdir.stderr.trim()}`, { hint: 'check the SSH user may write there' });
  const free = await remote.host.freeBytes(remote.stagingDir);
  if (free < snapshot.bytes) {
    throw new RescueError(`not enough space on the server in ${remote.stagingDir}: ${free} bytes free, the snapshot needs ${snapshot.bytes}`, {
      kind: 'operator',
      hint: 'free space there (nothing was changed), then retry this step',
    });
  }
  const uploadPath = `${remote.stagingDir}/snapshot.db`;
  // Hashed once, on the server, after the copy into the volume: that one sha256 proves the upload and the copy.
  const upload = await remote.host.upload(snapshot.path, uploadPath, { onProgress: makeProgressMeter(deps.clock.now, io.progress), hash: false }).catch((error: unknown) => {
    throw new RescueError(describeError(error).message, {
      cause: error,
      hint: `the live database is unchanged and the app still runs; nothing complete-looking was left on the server. Upload again with \`sqlite-rescue resume ${deps.incident.dir}\``,
    });
  });
  io.command({ argv: ['scp', snapshot.path, `${remote.identity.spec}:${uploadPath}`], where: 'local', exitCode: 0, durationMs: upload.durationMs });

  const started = deps.clock.now();
  const helperId = await deps.runtime.startHelper(containerId, deps.incident.id, { readOnlyBinds: [{ hostPath: remote.stagingDir, containerPath: '/rescue-upload' }] });
  let onServer: string;
  try {
    const copy = await execRecorded(io, deps, helperId, ['cp', '/rescue-upload/snapshot.db', staged], 'helper');
    if (copy.exitCode !== 0) throw new RescueError(`copying the upload into the volume failed: ${(copy.stderr || copy.stdout).trim()}`, { hint: 'the live database is untouched; retry this step' });
    onServer = await sha256InContainer(io, deps, helperId, staged, 'helper');
  } finally {
    await deps.runtime.removeHelper(helperId).catch((error: Error) => io.output(`could not remove the helper container ${helperId}: ${error.message}`));
  }
  io.finding(`uploaded ${upload.bytes} bytes to ${remote.identity.user}@${remote.identity.host}:${uploadPath} in ${(upload.durationMs / 1000).toFixed(1)} s and copied beside the database in ${((deps.clock.now() - started) / 1000).toFixed(1)} s; sha256 on the server ${onServer}, here ${snapshot.sha256}`, { upload, sha256: onServer });
  return onServer;
}

// Local engine: in through the archive API with the live file's owner, then hashed inside the container.
async function stageThroughEngine(io: StepIO, deps: Deps, containerId: string, dbPath: string, staged: string): Promise<string> {
  const snapshot = deps.facts.snapshot as SnapshotInfo;
  const owner = await liveOwner(io, deps, containerId, dbPath);
  if (!owner) io.output('could not read the live file\'s owner (no stat in the image): the staged file keeps the archive defaults');
  const started = deps.clock.now();
  const meter = makeProgressMeter(deps.clock.now, io.progress);
  await deps.runtime.copyIn(containerId, snapshot.path, dirname(staged), basename(staged), { owner, onProgress: meter });
  io.command({ argv: ['docker', 'cp', snapshot.path, `${deps.facts.container?.name ?? containerId}:${staged}`], where: 'engine', exitCode: 0, durationMs: deps.clock.now() - started });
  return sha256InContainer(io, deps, containerId, staged);
}

// The staged copy of a snapshot that failed its check is this run's own file under a name nobody reads: it goes, so
// that a source known to be bad is not left looking ready beside the live database.
async function removeStaged(io: StepIO, deps: Deps, containerId: string, staged: string): Promise<void> {
  const removed = await execRecorded(io, deps, containerId, ['rm', '-f', staged]).catch((error: Error) => ({ exitCode: -1, stderr: error.message, stdout: '' }));
  if (removed.exitCode === 0) io.output(`removed the staged copy ${staged}: its snapshot failed integrity_check`);
  else io.output(`could not remove the staged copy ${staged} (${(removed.stderr || removed.stdout).trim()}): remove it by hand; it is not the live database`);
}

export const stageInContainer: StepImpl<Deps> = {
  kind: 'stage-in-container',
  async run(io, deps) {
    const container = requireFact(deps.facts.container, 'the container', 'find-container');
    const snapshot = requireFact(deps.facts.snapshot, 'the snapshot', 'snapshot-source');
    const dbPath = deps.options.db as string;
    const staged = stagedPath(dbPath, deps.incident.id);
    await io.confirm(`Copy the snapshot into ${container.name} as ${staged}? Type the container name to confirm.`, container.name);

    const free = await freeBytesInContainer(io, deps, container.id, dirname(staged));
    if (free !== undefined && free < snapshot.bytes) {
      throw new RescueError(`not enough space beside ${dbPath} in ${container.name}: ${free} bytes free, the snapshot needs ${snapshot.bytes}`, {
        kind: 'operator',
        hint: 'free space on that volume (nothing was changed), then retry this step',
      });
    }
    // The snapshot's integrity_check (started by snapshot-source, the slowest check of the run; started here in a
    // resumed run) goes on while the copy travels under its temporary name; the step succeeds, and the swap may
    // follow, only once it has passed. A failed copy is reported at once; the check goes on for the retry.
    if (deps.facts.snapshotCheck?.path !== snapshot.path) startSnapshotCheck(deps, snapshot.path);
    const inside = deps.remote ? await stageThroughServer(io, deps, deps.remote, container.id, staged) : await stageThroughEngine(io, deps, container.id, dbPath, staged);
    deps.facts.stagedPath = staged;
    if (inside !== snapshot.sha256) {
      throw new RescueError(`the staged copy in ${container.name} does not match the snapshot (sha256 ${inside} ≠ ${snapshot.sha256})`, {
        hint: 'retry this step (the copy starts over); the live database has not been touched',
      });
    }
    const waiting = stillChecking(deps);
    if (waiting) io.output(`the copy is in place and verified; ${waiting}`);
    try {
      await requireSnapshotIntegrity(io, deps, snapshot.path, deps.facts.source?.path ?? snapshot.path);
    } catch (error) {
      deps.facts.stagedPath = undefined;
      await removeStaged(io, deps, container.id, staged);
      throw error;
    }
    io.finding(`staged ${staged} in ${container.name}: sha256 matches (${inside})`);
    return { summary: `staged ${staged} (${snapshot.bytes} bytes, sha256 verified in the container)`, data: { staged, sha256: inside } };
  },
  // The staged copy is in place with the snapshot's sha256, or it was already renamed to the live name by the swap.
  async reverify(io, deps, past) {
    const container = requireFact(deps.facts.container, 'the container', 'find-container');
    const snapshot = requireFact(deps.facts.snapshot, 'the snapshot', 'snapshot-source');
    const staged = stagedPath(deps.options.db as string, deps.incident.id);
    const present = await deps.runtime.statPath(container.id, staged);
    if (present) {
      if (present.size !== snapshot.bytes) return undefined;
      const helperId = container.state === 'running' ? container.id : await deps.runtime.startHelper(container.id, deps.incident.id);
      try {
        if ((await sha256InContainer(io, deps, helperId, staged)) !== snapshot.sha256) return undefined;
      } finally {
        if (helperId !== container.id) await deps.runtime.removeHelper(helperId);
      }
      deps.facts.stagedPath = staged;
      return { summary: `${staged} still matches the snapshot`, data: past.data };
    }
    const quarantined = await deps.runtime.statPath(container.id, join(quarantineDir(deps.options.db as string, deps.incident.id), basename(deps.options.db as string)));
    if (!quarantined) return undefined;
    deps.facts.stagedPath = staged;
    return { summary: 'the staged copy was already moved into place by the swap', data: past.data };
  },
  async plan(io, deps) {
    const container = requireFact(deps.facts.container, 'the container', 'find-container');
    const snapshot = requireFact(deps.facts.snapshot, 'the snapshot', 'snapshot-source');
    const staged = stagedPath(deps.options.db as string, deps.incident.id);
    const free = await freeBytesInContainer(io, deps, container.id, dirname(staged));
    if (free === undefined) cannotTell(io, `the free space beside ${deps.options.db} (no df in the image)`);
    else if (free < snapshot.bytes) {
      io.finding(`NOT ENOUGH SPACE: ${free} bytes free beside ${deps.options.db}, the snapshot needs ${snapshot.bytes}`);
      (deps.facts.dryRunBlockers ??= []).push(`not enough space beside ${deps.options.db} (${free} bytes free, ${snapshot.bytes} needed)`);
    }
    else io.finding(`free space beside ${deps.options.db}: ${free} bytes, the snapshot needs ${snapshot.bytes}`);
    cannotTell(io, 'whether the copy into the container and its sha256 check succeed (nothing was copied)');
    return {
      summary: `would copy ${snapshot.path} (${snapshot.bytes} bytes) to ${container.name}:${staged} and check its sha256`,
      commands: [shellLine(['docker', 'cp', snapshot.path, `${container.name}:${staged}`]), shellLine(['docker', 'exec', container.name, 'sha256sum', staged])],
    };
  },
};
