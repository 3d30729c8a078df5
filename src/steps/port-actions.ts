// Every call a step makes to the world, as a declared action (see runbook/actions.ts): the declaration the views
// show and the call the run makes come from the same constructor, so they cannot disagree. An API call is named as
// the call, with the CLI equivalent an operator could type beside it.
import type { Planned } from '../runbook/engine.js';
import type {
  ExecResult,
  FileOwner,
  HelperSpec,
  PathStat,
  Pid1SignalsReading,
  ProgressFn,
  RestartPolicy,
  ServiceGoal,
  SwarmService,
} from '../ports/container-runtime.js';
import type { LocalFileStat } from '../ports/local-files.js';
import type { UploadResult } from '../ports/remote-host.js';
import type {
  CheckMode,
  DbStats,
  Diagnosis,
  IntegrityResult,
  LossWindow,
  MergeResult,
  RepairResult,
  SalvageOptions,
  SalvageResult,
  SnapshotResult,
} from '../ports/sqlite-inspector.js';
import { HELPER_LABEL } from '../ports/container-runtime.js';
import { ContainerNotFoundError } from '../runbook/errors.js';
import type { Deps } from './deps.js';

type Action<T> = Planned<Deps, T>;

/** A container as an action names it: by id for the API, by name for the operator. */
export interface ContainerRef {
  id: string;
  name: string;
}

interface ExecOptions {
  where?: 'container' | 'helper';
  mutates?: boolean;
  when?: string;
  timeoutMs?: number;
}

/** argv in a running container or helper. A non-zero exit resolves (the result says it); a missing binary is 126/127. */
export function execIn(ref: ContainerRef, argv: string[], opts: ExecOptions = {}): Action<ExecResult> {
  return {
    decl: {
      kind: 'argv',
      where: opts.where ?? 'container',
      container: ref.name,
      argv,
      mutates: opts.mutates ?? false,
      ...(opts.when ? { when: opts.when } : {}),
    },
    perform: (deps) => deps.runtime.exec(ref.id, argv, { timeoutMs: opts.timeoutMs }),
    exitCodeOf: (result) => result.exitCode,
  };
}

/** argv on the SSH server. */
export function execOnHost(argv: string[], opts: { mutates?: boolean } = {}): Action<ExecResult> {
  return {
    decl: { kind: 'argv', where: 'host', argv, mutates: opts.mutates ?? false },
    perform: (deps) => requireRemote(deps).host.exec(argv),
    exitCodeOf: (result) => result.exitCode,
  };
}

/** Free bytes for an unprivileged writer in the server's filesystem holding `dir` (the adapter runs exactly this df). */
export function freeBytesOnHost(dir: string): Action<number> {
  return {
    decl: { kind: 'argv', where: 'host', argv: ['df', '-Pk', dir], mutates: false },
    perform: (deps) => requireRemote(deps).host.freeBytes(dir),
  };
}

export function pingEngine(): Action<void> {
  return {
    decl: { kind: 'call', where: 'engine', call: 'GET /_ping', cli: ['docker', 'version'], mutates: false },
    perform: (deps) => deps.runtime.ping(),
  };
}

export function listContainers(): Action<Awaited<ReturnType<Deps['runtime']['listContainers']>>> {
  return {
    decl: { kind: 'call', where: 'engine', call: 'GET /containers/json?all=1', cli: ['docker', 'ps', '-a'], mutates: false },
    perform: (deps) => deps.runtime.listContainers(),
  };
}

export function inspectContainer(ref: ContainerRef): Action<Awaited<ReturnType<Deps['runtime']['inspect']>>> {
  return {
    decl: { kind: 'call', where: 'engine', call: `GET /containers/${ref.id}/json`, cli: ['docker', 'inspect', ref.name], mutates: false },
    perform: (deps) => deps.runtime.inspect(ref.id),
  };
}

/** Stat through the archive API: works on a stopped container, needs no binary in the image. null when absent. */
export function statInContainer(ref: ContainerRef, path: string): Action<PathStat | null> {
  return {
    decl: {
      kind: 'call',
      where: 'engine',
      call: `HEAD /containers/${ref.id}/archive?path=${path}`,
      cli: ['docker', 'exec', ref.name, 'ls', '-ld', path],
      mutates: false,
    },
    perform: (deps) => deps.runtime.statPath(ref.id, path),
  };
}

/** One file out through the archive API into a local folder; resolves with the local path. */
export function copyOut(ref: ContainerRef, path: string, localDir: string): Action<string> {
  return {
    decl: {
      kind: 'call',
      where: 'engine',
      call: `GET /containers/${ref.id}/archive?path=${path}`,
      cli: ['docker', 'cp', `${ref.name}:${path}`, localDir],
      mutates: false,
    },
    perform: (deps) => deps.runtime.copyOut(ref.id, path, localDir),
  };
}

/** sha256 of a file in the container, streamed out through the archive API and hashed on this machine. */
export function hashThroughArchive(ref: ContainerRef, path: string): Action<string> {
  return {
    decl: {
      kind: 'call',
      where: 'engine',
      call: `GET /containers/${ref.id}/archive?path=${path}, hashed here as it streams`,
      cli: ['docker', 'cp', `${ref.name}:${path}`, '-'],
      mutates: false,
    },
    perform: (deps) => deps.runtime.sha256(ref.id, path),
  };
}

/** A local file streamed in through the archive API under `dir/name` (not atomic: a name nobody reads). */
export function copyIn(
  ref: ContainerRef,
  localPath: string,
  dir: string,
  name: string,
  opts: { owner?: FileOwner; onProgress?: ProgressFn } = {},
): Action<void> {
  return {
    decl: {
      kind: 'call',
      where: 'engine',
      call: `PUT /containers/${ref.id}/archive?path=${dir}`,
      cli: ['docker', 'cp', localPath, `${ref.name}:${dir.replace(/\/$/, '')}/${name}`],
      mutates: true,
    },
    perform: (deps) => deps.runtime.copyIn(ref.id, localPath, dir, name, opts),
  };
}

export function stopContainer(ref: ContainerRef, timeoutSec: number): Action<void> {
  return {
    decl: {
      kind: 'call',
      where: 'engine',
      call: `POST /containers/${ref.id}/stop?t=${timeoutSec}`,
      cli: ['docker', 'stop', '-t', String(timeoutSec), ref.name],
      mutates: true,
    },
    perform: (deps) => deps.runtime.stop(ref.id, timeoutSec),
  };
}

export function startContainer(ref: ContainerRef): Action<void> {
  return {
    decl: { kind: 'call', where: 'engine', call: `POST /containers/${ref.id}/start`, cli: ['docker', 'start', ref.name], mutates: true },
    perform: (deps) => deps.runtime.start(ref.id),
  };
}

/** The sleeping helper from the target's image, on its volumes, under the name the step chose. */
export function startHelper(target: ContainerRef & { image: string }, spec: HelperSpec): Action<string> {
  const binds = (spec.readOnlyBinds ?? []).flatMap((bind) => ['-v', `${bind.hostPath}:${bind.containerPath}:ro`]);
  const cli = [
    'docker',
    'run',
    '-d',
    '--name',
    spec.name,
    '--label',
    `${HELPER_LABEL}=${spec.label}`,
    '--volumes-from',
    target.name,
    '--network',
    'none',
    ...binds,
    '--entrypoint',
    'sleep',
    target.image,
    '86400',
  ];
  return {
    decl: {
      kind: 'call',
      where: 'engine',
      call: `POST /containers/create?name=${spec.name}, POST /containers/${spec.name}/start`,
      cli,
      mutates: true,
    },
    perform: (deps) => deps.runtime.startHelper(target.id, spec),
  };
}

export function removeHelper(name: string): Action<void> {
  return {
    decl: { kind: 'call', where: 'engine', call: `DELETE /containers/${name}?force=1`, cli: ['docker', 'rm', '-f', name], mutates: true },
    perform: (deps) => deps.runtime.removeHelper(name),
  };
}

/** SFTP to `remotePath.partial`, renamed when complete (see RemoteHost.upload). */
export function uploadToHost(
  localPath: string,
  remotePath: string,
  hostSpec: string,
  opts: { onProgress?: ProgressFn } = {},
): Action<UploadResult> {
  return {
    decl: {
      kind: 'call',
      where: 'local',
      call: `SFTP put ${localPath} → ${remotePath}.partial, then rename to ${remotePath}`,
      cli: ['scp', localPath, `${hostSpec}:${remotePath}`],
      mutates: true,
    },
    perform: (deps) => requireRemote(deps).host.upload(localPath, remotePath, { onProgress: opts.onProgress, hash: false }),
  };
}

export function checkLocal(path: string, mode: CheckMode, opts: { when?: string } = {}): Action<IntegrityResult> {
  const pragma = mode === 'quick' ? 'quick_check' : 'integrity_check';
  return {
    decl: {
      kind: 'call',
      where: 'local',
      call: `better-sqlite3, read-only: PRAGMA ${pragma} on ${path}`,
      cli: ['sqlite3', '-readonly', path, `PRAGMA ${pragma};`],
      mutates: false,
      ...(opts.when ? { when: opts.when } : {}),
    },
    perform: (deps) => deps.sqlite.check(path, mode),
  };
}

export function countRowsLocal(path: string): Action<DbStats> {
  return {
    decl: {
      kind: 'call',
      where: 'local',
      call: `better-sqlite3, read-only: count(*) of every table in ${path}`,
      cli: ['sqlite3', '-readonly', path, 'SELECT count(*) FROM <table>;'],
      mutates: false,
    },
    perform: (deps) => deps.sqlite.stats(path),
  };
}

/** The backup API in one step: a consistent standalone copy, WAL content included; `src` opened read-only. */
export function snapshotLocal(src: string, dest: string): Action<SnapshotResult> {
  return {
    decl: {
      kind: 'call',
      where: 'local',
      call: `better-sqlite3 backup API, one step: ${src} → ${dest}`,
      cli: ['sqlite3', '-readonly', src, `.backup ${dest}`],
      mutates: false,
    },
    perform: (deps) => deps.sqlite.snapshot(src, dest),
  };
}

export function statLocal(path: string): Action<LocalFileStat | null> {
  return {
    decl: { kind: 'call', where: 'local', call: `stat ${path}`, cli: ['stat', path], mutates: false },
    perform: (deps) => deps.files.stat(path),
  };
}

export function hashLocal(path: string): Action<string> {
  return {
    decl: { kind: 'call', where: 'local', call: `sha256 of ${path}, streamed`, cli: ['sha256sum', path], mutates: false },
    perform: (deps) => deps.files.sha256(path),
  };
}

function requireRemote(deps: Deps): NonNullable<Deps['remote']> {
  if (!deps.remote) throw new Error('an action on the SSH server was performed without --host');
  return deps.remote;
}

// ---- rescue of what the damaged database still holds (issue 13); all on local copies, never the live file ----

export function diagnoseLocal(path: string, reportedLines?: string[]): Action<Diagnosis> {
  return {
    decl: {
      kind: 'call',
      where: 'local',
      call: `better-sqlite3, read-only: integrity_check of ${path}, each error mapped to its table or index`,
      cli: ['sqlite3', '-readonly', path, 'PRAGMA integrity_check;'],
      mutates: false,
    },
    perform: (deps) => deps.sqlite.diagnose(path, reportedLines ? { reportedLines } : undefined),
  };
}

export function repairLocal(src: string, dest: string): Action<RepairResult> {
  return {
    decl: {
      kind: 'call',
      where: 'local',
      call: `better-sqlite3: REINDEX on a copy of ${src}, else a rebuild from its table b-trees, into ${dest}`,
      cli: ['sqlite3', dest, '.read <schema, then INSERT … SELECT * FROM src.<table> NOT INDEXED>'],
      mutates: false,
    },
    perform: (deps) => deps.sqlite.repair(src, dest),
  };
}

export function salvageLocal(src: string, dest: string, opts: SalvageOptions = {}): Action<SalvageResult> {
  return {
    decl: {
      kind: 'call',
      where: 'local',
      call: `better-sqlite3: every readable row of ${src}, table by table in key order around the damage, into ${dest}`,
      cli: ['sqlite3', src, '.recover'],
      mutates: false,
    },
    perform: (deps) => deps.sqlite.salvage(src, dest, opts),
  };
}

export function mergeLocal(healthy: string, salvaged: string, dest: string): Action<MergeResult> {
  return {
    decl: {
      kind: 'call',
      where: 'local',
      call: `better-sqlite3: ${healthy} plus the rows of ${salvaged} it lacks, by key (inserts only), into ${dest}`,
      cli: [
        'sqlite3',
        dest,
        `ATTACH '${salvaged}' AS s; INSERT INTO <table> SELECT * FROM s.<table> WHERE <key> NOT IN (SELECT <key> FROM <table>);`,
      ],
      mutates: false,
    },
    perform: (deps) => deps.sqlite.merge(healthy, salvaged, dest),
  };
}

export function lossWindowLocal(candidate: string, reference: string): Action<LossWindow> {
  return {
    decl: {
      kind: 'call',
      where: 'local',
      call: `better-sqlite3, read-only: rows of ${reference} whose key ${candidate} lacks, per table`,
      cli: ['sqlite3', '-readonly', candidate, `ATTACH '${reference}' AS r; SELECT count(*) FROM r.<table> WHERE NOT EXISTS (…);`],
      mutates: false,
    },
    perform: (deps) => deps.sqlite.lossWindow(candidate, reference),
  };
}

// ---- backup: the sqlite3 tool image, its helper, and the files `--to` writes on this machine ----

export function inspectImage(ref: string): Action<boolean> {
  return {
    decl: { kind: 'call', where: 'engine', call: `GET /images/${ref}/json`, cli: ['docker', 'image', 'inspect', ref], mutates: false },
    perform: (deps) => deps.runtime.hasImage(ref),
  };
}

/** The sqlite3 tool image (ports/tool-image.ts) imported into the engine under `ref`. */
export function importToolImage(ref: string): Action<void> {
  const [repo, tag] = ref.split(/:(?=[^/:]+$)/);
  return {
    decl: {
      kind: 'call',
      where: 'engine',
      call: `POST /images/create?fromSrc=-&repo=${repo}&tag=${tag ?? 'latest'}, this machine's busybox and sqlite3 as its root`,
      cli: ['docker', 'import', '-', ref],
      mutates: true,
    },
    perform: async (deps) => {
      if (!deps.toolImage) throw new Error('the sqlite3 tool image was imported without a ToolImage');
      await deps.runtime.importImage(ref, deps.toolImage.rootfs(), deps.toolImage.changes());
    },
  };
}

/** A helper from another image than the target's (the tool image) on the target's volumes, as `user`. */
export function startHelperFromImage(
  target: ContainerRef,
  image: string,
  spec: Omit<HelperSpec, 'image'> & { user: string },
): Action<string> {
  const volumes = spec.readOnlyVolumes ? `${target.name}:ro` : target.name;
  const cli = [
    'docker',
    'run',
    '-d',
    '--name',
    spec.name,
    '--label',
    `${HELPER_LABEL}=${spec.label}`,
    '--volumes-from',
    volumes,
    '--network',
    'none',
    '--user',
    spec.user,
    '--entrypoint',
    'sleep',
    image,
    '86400',
  ];
  return {
    decl: {
      kind: 'call',
      where: 'engine',
      call: `POST /containers/create?name=${spec.name} (image ${image}), POST /containers/${spec.name}/start`,
      cli,
      mutates: true,
    },
    perform: (deps) => deps.runtime.startHelper(target.id, { ...spec, image }),
  };
}

export function makeLocalDir(path: string): Action<void> {
  return {
    decl: { kind: 'call', where: 'local', call: `mkdir -p ${path}`, cli: ['mkdir', '-p', path], mutates: true },
    perform: (deps) => deps.files.ensureDir(path),
  };
}

/** A new name for a local file that never replaces one: link, fsync the folder, unlink (LocalFiles.renameNoReplace). */
export function renameLocalNoReplace(from: string, to: string): Action<void> {
  return {
    decl: {
      kind: 'call',
      where: 'local',
      call: `link ${from} → ${to} (fails if it exists), then unlink ${from}`,
      cli: ['mv', '-n', from, to],
      mutates: true,
    },
    perform: (deps) => deps.files.renameNoReplace(from, to),
  };
}

export function removeLocalFile(path: string): Action<void> {
  return {
    decl: { kind: 'call', where: 'local', call: `unlink ${path}`, cli: ['rm', '-f', path], mutates: true },
    perform: (deps) => deps.files.removeFile(path),
  };
}

export function removeLocalDir(path: string): Action<void> {
  return {
    decl: { kind: 'call', where: 'local', call: `rmdir ${path}`, cli: ['rmdir', path], mutates: true },
    perform: (deps) => deps.files.removeEmptyDir(path),
  };
}

/** The first bytes of one file through the archive API, the rest of it never read (works in any image, any state). */
export function readHead(ref: ContainerRef, path: string, bytes = 100): Action<Buffer | null> {
  return {
    decl: {
      kind: 'call',
      where: 'engine',
      call: `GET /containers/${ref.id}/archive?path=${path}, first ${bytes} bytes kept, the rest not read`,
      cli: ['docker', 'cp', `${ref.name}:${path}`, '-'],
      mutates: false,
    },
    perform: async (deps) => {
      const walk = await deps.runtime.walkArchive(ref.id, path, {
        headBytes: bytes,
        maxBytes: 256 * 1024,
        maxEntries: 1,
        timeoutMs: 15_000,
      });
      const entry = walk?.entries[0];
      return entry && entry.type === 'file' ? entry.head : null;
    },
  };
}

/** The sqlite3 tool image's reference: a hash of this machine's busybox, sqlite3 and their libraries (ports/tool-image.ts). */
export function toolImageReference(): Action<string> {
  return {
    decl: {
      kind: 'call',
      where: 'local',
      call: "sha256 of this machine's busybox, sqlite3 and their libraries: the tool image's tag",
      cli: ['sha256sum', '/bin/busybox', '/usr/bin/sqlite3'],
      mutates: false,
    },
    perform: async (deps) => {
      if (!deps.toolImage) throw new Error('no ToolImage in this run');
      return deps.toolImage.reference();
    },
  };
}

// ---- real apps (issue 12): restart policies, PID 1's signals, Swarm services, read-only helpers ----

/** `docker update --restart` as the CLI spells the policy (`on-failure:5` carries its retry limit). */
export function restartFlag(policy: RestartPolicy): string {
  return policy.name === 'on-failure' && policy.maximumRetryCount > 0 ? `on-failure:${policy.maximumRetryCount}` : policy.name;
}

export function setRestartPolicy(ref: ContainerRef, policy: RestartPolicy): Action<void> {
  const body = `{"RestartPolicy":{"Name":"${policy.name}","MaximumRetryCount":${policy.maximumRetryCount}}}`;
  return {
    decl: {
      kind: 'call',
      where: 'engine',
      call: `POST /containers/${ref.id}/update ${body}`,
      cli: ['docker', 'update', '--restart', restartFlag(policy), ref.name],
      mutates: true,
    },
    perform: (deps) => deps.runtime.setRestartPolicy(ref.id, policy),
  };
}

/** Whether PID 1 catches SIGTERM: `cat /proc/1/status` in the container, else the engine host's /proc (never a change). */
export function readPid1Signals(ref: ContainerRef): Action<Pid1SignalsReading> {
  return {
    decl: {
      kind: 'call',
      where: 'engine',
      call: `read SigCgt of PID 1 in ${ref.name} (exec cat /proc/1/status, else /proc/<State.Pid>/status on the engine's host)`,
      cli: ['docker', 'exec', ref.name, 'cat', '/proc/1/status'],
      mutates: false,
    },
    perform: (deps) => deps.runtime.readPid1Signals(ref.id),
  };
}

/** Resolves false when there was nothing to signal: the container had stopped, or Swarm had already removed it. */
export function killContainer(ref: ContainerRef, signal: string, opts: { when?: string } = {}): Action<boolean> {
  return {
    decl: {
      kind: 'call',
      where: 'engine',
      call: `POST /containers/${ref.id}/kill?signal=${signal}`,
      cli: ['docker', 'kill', '--signal', signal, ref.name],
      mutates: true,
      ...(opts.when ? { when: opts.when } : {}),
    },
    perform: (deps) =>
      deps.runtime.kill(ref.id, signal).catch((error: unknown) => {
        if (error instanceof ContainerNotFoundError) return false;
        throw error;
      }),
  };
}

export function readSwarmNodeId(): Action<string | null> {
  return {
    decl: {
      kind: 'call',
      where: 'engine',
      call: 'GET /info (Swarm.NodeID)',
      cli: ['docker', 'info', '--format', '{{.Swarm.NodeID}}'],
      mutates: false,
    },
    perform: (deps) => deps.runtime.swarmNodeId(),
  };
}

export function inspectService(service: string): Action<SwarmService> {
  return {
    decl: {
      kind: 'call',
      where: 'engine',
      call: `GET /services/${service}, GET /tasks?filters={"service":["${service}"]}`,
      cli: ['docker', 'service', 'ps', service],
      mutates: false,
    },
    perform: (deps) => deps.runtime.inspectService(service),
  };
}

/** The service update carries the version just read: a service changed meanwhile is refused, never overwritten. */
export function scaleService(service: string, replicas: number): Action<void> {
  return {
    decl: {
      kind: 'call',
      where: 'engine',
      call: `POST /services/${service}/update (Mode.Replicated.Replicas=${replicas})`,
      cli: ['docker', 'service', 'scale', `${service}=${replicas}`],
      mutates: true,
    },
    perform: (deps) => deps.runtime.scaleService(service, replicas),
  };
}

export function waitForService(service: string, goal: ServiceGoal, timeoutMs: number): Action<SwarmService> {
  const what = goal.kind === 'no-tasks' ? 'no task left and no container of it running here' : `${goal.count} task(s) running`;
  return {
    decl: {
      kind: 'call',
      where: 'engine',
      call: `GET /tasks?filters={"service":["${service}"]} until ${what} (at most ${Math.round(timeoutMs / 1000)} s)`,
      cli: ['docker', 'service', 'ps', service],
      mutates: false,
    },
    perform: (deps) => deps.runtime.waitForService(service, goal, timeoutMs),
  };
}

/**
 * A helper that only reads: the target's volumes mounted read-only, no network, removed by removeReadHelper once its
 * reads are done. It cannot change what it looks at, so it may run where nothing may change (a read-only step, a plan).
 */
export function startReadHelper(target: ContainerRef & { image: string }, name: string, label: string): Action<string> {
  const cli = [
    'docker',
    'run',
    '-d',
    '--name',
    name,
    '--label',
    `${HELPER_LABEL}=${label}`,
    '--volumes-from',
    `${target.name}:ro`,
    '--network',
    'none',
    '--entrypoint',
    'sleep',
    target.image,
    '86400',
  ];
  return {
    decl: {
      kind: 'call',
      where: 'engine',
      call: `POST /containers/create?name=${name} (VolumesFrom ${target.name}:ro), POST /containers/${name}/start`,
      cli,
      mutates: false,
    },
    perform: (deps) => deps.runtime.startHelper(target.id, { name, label, readOnlyVolumes: true }),
  };
}

/** Removes a read-only helper (idempotent: none of that name resolves); the adapter refuses anything it did not make. */
export function removeReadHelper(name: string): Action<void> {
  return {
    decl: {
      kind: 'call',
      where: 'engine',
      call: `DELETE /containers/${name}?force=1 (a read-only helper)`,
      cli: ['docker', 'rm', '-f', name],
      mutates: false,
    },
    perform: (deps) => deps.runtime.removeHelper(name),
  };
}
