// Step stage-in-container: the snapshot copied beside the live database under a name nobody opens, while the app
// still runs, then proven identical by sha256 inside the container. The archive API is not atomic, hence the
// temporary name; the rename to the live name happens in quarantine-and-swap.
import type { ExecResult, FileOwner } from '../ports/container-runtime.js';
import type { UploadResult } from '../ports/remote-host.js';
import type { Plan, Planned, StepIO } from '../runbook/engine.js';
import { describeError, RescueError } from '../runbook/errors.js';
import { hasTool, targetRef } from './check-live-db.js';
import { basename, dirname, join, quarantineDir, stagedPath } from './container-paths.js';
import type { Deps, Known, Remote } from './deps.js';
import type { SnapshotInfo, Target } from './facts.js';
import { helperName, helperRef, listIncidentHelpers, removalsOf, startHelperFor } from './helpers.js';
import { makeProgressMeter } from './progress-meter.js';
import {
  copyIn,
  execIn,
  execOnHost,
  freeBytesOnHost,
  hashThroughArchive,
  inspectContainer,
  removeHelper,
  statInContainer,
  uploadToHost,
  type ContainerRef,
} from './port-actions.js';
import { isSteady } from '../discovery/app-state.js';
import { withReadHelper } from './read-helper.js';
import { requireFact } from './require-fact.js';
import { requireSnapshotIntegrity } from './snapshot-source.js';
import { readSha256sum } from './sqlite-cli.js';
import type { StepKind } from './step-kind.js';
import { knownHelperName, knownRef, knownTarget } from './known-target.js';

/** Where the upload waits on the server, and how a helper sees it. */
const UPLOAD_MOUNT = '/rescue-upload';

interface StagePlan extends Plan<Deps> {
  staged: string;
  /** The action whose result is the staged file's sha256 (sha256sum, or a hash through the archive API). */
  hash: Planned<Deps, unknown>;
  /** Over SSH: the upload, whose result says how it went. */
  upload?: Planned<Deps, unknown>;
}

// The staged file gets the live database's owner and mode, so the app can write it after the swap.
async function probeLiveOwner(
  io: StepIO,
  deps: Deps,
  ref: ContainerRef,
  dbPath: string,
  where: 'container' | 'helper' = 'container',
): Promise<FileOwner | undefined> {
  if (!hasTool(deps, 'stat')) return undefined;
  const result = await io.perform(execIn(ref, ['stat', '-c', '%u %g %a', dbPath], { where }));
  const match = /^(\d+) (\d+) ([0-7]+)$/.exec(result.stdout.trim());
  return result.exitCode === 0 && match ? { uid: Number(match[1]), gid: Number(match[2]), mode: Number.parseInt(match[3], 8) } : undefined;
}

/** Bytes free in the filesystem holding `dir` in the container (df -Pk); undefined when df is missing or unparsable. */
export async function probeFreeBytes(
  io: StepIO,
  deps: Deps,
  ref: ContainerRef,
  dir: string,
  where: 'container' | 'helper' = 'container',
): Promise<number | undefined> {
  if (!hasTool(deps, 'df')) return undefined;
  const result = await io.perform(execIn(ref, ['df', '-Pk', dir], { where }));
  const fields = result.exitCode === 0 ? result.stdout.trim().split('\n').at(-1)?.trim().split(/\s+/) : undefined;
  const availableKb = fields ? Number(fields[3]) : Number.NaN;
  return Number.isFinite(availableKb) ? availableKb * 1024 : undefined;
}

export function cannotTell(io: StepIO, what: string): void {
  io.finding(`dry-run could not tell: ${what}`);
}

// Not enough space is refused before anything is copied; a dry-run says it and goes on, so it checks the rest too.
function requireSpace(io: StepIO, deps: Deps, where: string, free: number | undefined, needed: number, hint: string): void {
  if (free === undefined) {
    if (io.isDryRun) cannotTell(io, `the free space ${where} (no df there)`);
    return;
  }
  if (free >= needed) {
    if (io.isDryRun) io.finding(`free space ${where}: ${free} bytes, the snapshot needs ${needed}`);
    return;
  }
  const what = `not enough space ${where}: ${free} bytes free, the snapshot needs ${needed}`;
  if (!io.isDryRun) throw new RescueError(what, { kind: 'operator', hint });
  io.finding(`NOT ENOUGH SPACE: ${what}`);
  (deps.facts.dryRunBlockers ??= []).push(what);
}

/** The hash of a file in the container or helper as the image allows: sha256sum, else through the archive API. */
function hashAction(deps: Deps, ref: ContainerRef, path: string, where: 'container' | 'helper'): Planned<Deps, unknown> {
  return hasTool(deps, 'sha256sum') ? execIn(ref, ['sha256sum', path], { where }) : hashThroughArchive(ref, path);
}

function readHash(result: unknown): string | undefined {
  return typeof result === 'string' ? result : readSha256sum(result as ExecResult);
}

// Over SSH the snapshot travels once: uploaded to the server before any downtime, then copied into the volume on the
// server by a helper container that mounts the upload folder read-only, and proven by a sha256 computed there.
function throughServer(io: StepIO, deps: Deps, remote: Remote, target: Target, snapshot: SnapshotInfo, staged: string) {
  const uploadPath = `${remote.stagingDir}/snapshot.db`;
  const helper = helperRef(helperName(target, deps.incident.id, 'stage'));
  const hash = hashAction(deps, helper, staged, 'helper');
  const upload = uploadToHost(snapshot.path, uploadPath, remote.identity.spec, {
    onProgress: makeProgressMeter(deps.clock.now, io.progress),
  });
  const actions: Array<Planned<Deps>> = [
    execOnHost(['mkdir', '-p', remote.stagingDir], { mutates: true }),
    upload as Planned<Deps>,
    startHelperFor(target, deps.incident.id, 'stage', [{ hostPath: remote.stagingDir, containerPath: UPLOAD_MOUNT }]),
    execIn(helper, ['cp', `${UPLOAD_MOUNT}/snapshot.db`, staged], { where: 'helper', mutates: true }),
    hash,
    removeHelper(helper.name),
  ];
  return { actions, hash, upload: upload as Planned<Deps>, cleanup: [removeHelper(helper.name)] };
}

// Local engine: in through the archive API with the live file's owner, then hashed inside the container.
function throughEngine(io: StepIO, deps: Deps, target: Target, snapshot: SnapshotInfo, staged: string, owner: FileOwner | undefined) {
  const ref = targetRef(target);
  const hash = hashAction(deps, ref, staged, 'container');
  const copy = copyIn(ref, snapshot.path, dirname(staged), basename(staged), {
    ...(owner ? { owner } : {}),
    onProgress: makeProgressMeter(deps.clock.now, io.progress),
  });
  return { actions: [copy, hash], hash, cleanup: [] };
}

// The app does not run steadily (a crash loop, or exited): a stage helper from its image, on its volumes, takes the copy
// through the archive API and hashes it. Nothing of it depends on the app's own container running.
function throughHelper(io: StepIO, deps: Deps, target: Target, snapshot: SnapshotInfo, staged: string, owner: FileOwner | undefined) {
  const helper = helperRef(helperName(target, deps.incident.id, 'stage'));
  const hash = hashAction(deps, helper, staged, 'helper');
  const copy = copyIn(helper, snapshot.path, dirname(staged), basename(staged), {
    ...(owner ? { owner } : {}),
    onProgress: makeProgressMeter(deps.clock.now, io.progress),
  });
  const actions: Array<Planned<Deps>> = [
    startHelperFor(target, deps.incident.id, 'stage'),
    copy as Planned<Deps>,
    hash,
    removeHelper(helper.name),
  ];
  return { actions, hash, cleanup: [removeHelper(helper.name)] };
}

interface Probed {
  free: number | undefined;
  owner: FileOwner | undefined;
}

// df and stat run where a process can: in the app when it runs steadily, else in a read-only helper from its image.
async function probeVolume(io: StepIO, deps: Deps, target: Target, isDown: boolean, withOwner: boolean): Promise<Probed> {
  const dir = dirname(stagedPath(target.dbPath, deps.incident.id));
  const probe = async (ref: ContainerRef, where: 'container' | 'helper'): Promise<Probed> => ({
    free: await probeFreeBytes(io, deps, ref, dir, where),
    owner: withOwner ? await probeLiveOwner(io, deps, ref, target.dbPath, where) : undefined,
  });
  if (!isDown) return probe(targetRef(target), 'container');
  io.output(`${target.containerName} does not run steadily: free space and the live file's owner are read in a read-only helper`);
  return (await withReadHelper(io, deps, target, (helper) => probe(helper, 'helper'))) ?? { free: undefined, owner: undefined };
}

// The staged copy of a snapshot that failed its check is this run's own file under a name nobody reads: it goes, so
// that a source known to be bad is not left looking ready beside the live database.
async function removeStaged(io: StepIO, deps: Deps, target: Target, staged: string): Promise<void> {
  const removed = await io
    .perform(execIn(targetRef(target), ['rm', '-f', staged], { mutates: true }), 'cleanup')
    .catch((error: Error) => ({ exitCode: -1, stderr: error.message, stdout: '' }));
  if (removed.exitCode === 0) io.output(`removed the staged copy ${staged}: its snapshot failed integrity_check`);
  else
    io.output(
      `could not remove the staged copy ${staged} (${(removed.stderr || removed.stdout).trim()}): remove it by hand; it is not the live database`,
    );
}

function declareStage(known: Known) {
  const ref = knownRef(known);
  const db = knownTarget(known).dbPath;
  const staged = stagedPath(db, known.incident.id);
  const snapshot = known.facts.snapshot?.path ?? '<snapshot>';
  if (!known.remote) return [copyIn(ref, snapshot, dirname(staged), basename(staged)).decl, execIn(ref, ['sha256sum', staged]).decl];
  const helper = knownHelperName(known, 'stage');
  return [
    execOnHost(['mkdir', '-p', known.remote.stagingDir], { mutates: true }).decl,
    uploadToHost(snapshot, `${known.remote.stagingDir}/snapshot.db`, known.remote.identity.spec).decl,
    execIn(helperRef(helper), ['cp', `${UPLOAD_MOUNT}/snapshot.db`, staged], { where: 'helper', mutates: true }).decl,
    execIn(helperRef(helper), ['sha256sum', staged], { where: 'helper' }).decl,
  ];
}

export const stageInContainer: StepKind = {
  kind: 'stage-in-container',
  mutates: true,
  declare: declareStage,
  async plan(io, deps): Promise<StagePlan> {
    const target = requireFact(deps.facts.target, 'the target', 'find-container');
    const snapshot = requireFact(deps.facts.snapshot, 'the snapshot', 'snapshot-source');
    const staged = stagedPath(target.dbPath, deps.incident.id);
    const ref = targetRef(target);
    const onVolume = 'free space on that volume (nothing was changed), then retry this step';
    const isDown = !isSteady(await io.perform(inspectContainer(ref)), deps.clock.now());
    const probed = await probeVolume(io, deps, target, isDown, !deps.remote);
    requireSpace(io, deps, `beside ${target.dbPath} in ${target.containerName}`, probed.free, snapshot.bytes, onVolume);
    if (deps.remote) {
      const root = `/${deps.remote.stagingDir.split('/')[1] ?? ''}`;
      requireSpace(
        io,
        deps,
        `on the server in ${root}`,
        await io.perform(freeBytesOnHost(root)),
        snapshot.bytes,
        `free space in ${root} on the server (nothing was changed), then retry this step`,
      );
      // A stage helper left by an interrupted run holds the name this run's helper needs.
      const stale = removalsOf(
        (await listIncidentHelpers(io, deps.incident.id)).filter((helper) => helper.name === helperName(target, deps.incident.id, 'stage')),
      );
      const route = throughServer(io, deps, deps.remote, target, snapshot, staged);
      if (io.isDryRun) cannotTell(io, 'whether the upload, the copy into the volume and its sha256 check succeed (nothing was copied)');
      return {
        summary: `upload ${snapshot.path} (${snapshot.bytes} bytes) to ${deps.remote.identity.spec}, copy it to ${target.containerName}:${staged} and check its sha256`,
        actions: [...stale, ...route.actions],
        cleanup: route.cleanup,
        staged,
        hash: route.hash,
        upload: route.upload,
      };
    }
    const { owner } = probed;
    if (!owner) io.output("could not read the live file's owner (no stat in the image): the staged file keeps the archive defaults");
    if (isDown) {
      // A stage helper an interrupted run left behind holds the name this run's helper needs.
      const stale = removalsOf(
        (await listIncidentHelpers(io, deps.incident.id)).filter((helper) => helper.name === helperName(target, deps.incident.id, 'stage')),
      );
      const route = throughHelper(io, deps, target, snapshot, staged, owner);
      if (io.isDryRun) cannotTell(io, 'whether the copy into the volume and its sha256 check succeed (nothing was copied)');
      const summary =
        `copy ${snapshot.path} (${snapshot.bytes} bytes) through a helper onto the volume of ${target.containerName} as ` +
        `${staged} and check its sha256`;
      return { summary, actions: [...stale, ...route.actions], cleanup: route.cleanup, staged, hash: route.hash };
    }
    const route = throughEngine(io, deps, target, snapshot, staged, owner);
    if (io.isDryRun) cannotTell(io, 'whether the copy into the container and its sha256 check succeed (nothing was copied)');
    return {
      summary: `copy ${snapshot.path} (${snapshot.bytes} bytes) to ${target.containerName}:${staged} and check its sha256`,
      actions: route.actions,
      cleanup: route.cleanup,
      staged,
      hash: route.hash,
    };
  },
  async apply(io, deps, plan) {
    const { staged, hash, upload } = plan as StagePlan;
    const target = requireFact(deps.facts.target, 'the target', 'find-container');
    const snapshot = requireFact(deps.facts.snapshot, 'the snapshot', 'snapshot-source');
    await io.confirm(`Copy the snapshot into ${target.containerName} as ${staged}? Type ${target.appName} to confirm.`, target.appName);
    // The snapshot's integrity_check (started by snapshot-source, the slowest check of the run; started here in a
    // resumed run) goes on while the copy travels under its temporary name; the step succeeds, and the swap may
    // follow, only once it has passed. A failed copy is reported at once; the check goes on for the retry.
    deps.services.snapshotCheck.start(snapshot.path);
    let inside: string | undefined;
    let uploaded: UploadResult | undefined;
    let uploadedAt = 0;
    let copiedMs = 0;
    try {
      for (const action of plan.actions) {
        const result = await io.perform(action);
        if (action.decl.kind === 'argv' && action.decl.mutates && (result as ExecResult).exitCode !== 0) {
          const failed = result as ExecResult;
          throw new RescueError(
            `${action.decl.argv.join(' ')} failed (exit ${failed.exitCode}): ${(failed.stderr || failed.stdout).trim()}`,
            { hint: 'the live database is untouched; retry this step' },
          );
        }
        if (action === hash) {
          inside = readHash(result);
          copiedMs = deps.clock.now() - uploadedAt;
        }
        if (action === upload) {
          uploaded = result as UploadResult;
          uploadedAt = deps.clock.now();
        }
      }
    } catch (error) {
      for (const undo of plan.cleanup ?? [])
        await io.perform(undo, 'cleanup').catch((failure: unknown) => io.output(`could not undo: ${describeError(failure).message}`));
      if (deps.remote && !(error instanceof RescueError && error.kind === 'operator')) {
        throw new RescueError(describeError(error).message, {
          cause: error,
          hint: `the live database is unchanged and the app still runs; nothing complete-looking was left beside it. Try again with \`sqlite-rescue resume ${deps.incident.dir}\``,
        });
      }
      throw error;
    }
    deps.facts.stagedPath = staged;
    if (inside !== snapshot.sha256) {
      throw new RescueError(
        `the staged copy in ${target.containerName} does not match the snapshot (sha256 ${inside ?? 'unreadable'} ≠ ${snapshot.sha256})`,
        {
          hint: 'retry this step (the copy starts over); the live database has not been touched',
        },
      );
    }
    const waiting = deps.services.snapshotCheck.waiting();
    if (waiting) io.output(`the copy is in place and verified; ${waiting}`);
    try {
      await requireSnapshotIntegrity(deps, snapshot.path, deps.facts.source?.path ?? snapshot.path);
    } catch (error) {
      deps.facts.stagedPath = undefined;
      await removeStaged(io, deps, target, staged);
      throw error;
    }
    if (uploaded && deps.remote) {
      const { identity } = deps.remote;
      io.finding(
        `uploaded ${uploaded.bytes} bytes to ${identity.user}@${identity.host}:${uploaded.remotePath} in ${(uploaded.durationMs / 1000).toFixed(1)} s and copied beside the database in ${(copiedMs / 1000).toFixed(1)} s; sha256 on the server ${inside}, here ${snapshot.sha256}`,
        { upload: uploaded, sha256: inside },
      );
    }
    io.finding(`staged ${staged} in ${target.containerName}: sha256 matches (${inside})`);
    return { summary: `staged ${staged} (${snapshot.bytes} bytes, sha256 verified in the container)`, data: { staged, sha256: inside } };
  },
  // The staged copy is in place with the snapshot's sha256, or it was already renamed to the live name by the swap.
  async reverify(io, deps, past) {
    const target = requireFact(deps.facts.target, 'the target', 'find-container');
    const snapshot = requireFact(deps.facts.snapshot, 'the snapshot', 'snapshot-source');
    const staged = stagedPath(target.dbPath, deps.incident.id);
    const ref = targetRef(target);
    const present = await io.perform(statInContainer(ref, staged));
    if (present) {
      if (present.size !== snapshot.bytes) return undefined;
      // Through the archive API: it works whether or not the app runs, and needs nothing in the image.
      if ((await io.perform(hashThroughArchive(ref, staged))) !== snapshot.sha256) return undefined;
      deps.facts.stagedPath = staged;
      return { summary: `${staged} still matches the snapshot`, data: past.data };
    }
    const quarantined = await io.perform(
      statInContainer(ref, join(quarantineDir(target.dbPath, deps.incident.id), basename(target.dbPath))),
    );
    if (!quarantined) return undefined;
    deps.facts.stagedPath = staged;
    return { summary: 'the staged copy was already moved into place by the swap', data: past.data };
  },
};
