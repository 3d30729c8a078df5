// The Docker engine as the runbook sees it: local socket today, a server over SSH tomorrow.
// Every method takes a container id (or a name the engine resolves) and never builds a shell string.

/** The label every helper container carries, with the incident id as its value. */
export const HELPER_LABEL = 'sqlite-rescue.helper';

export type ContainerStateName = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface ContainerSummary {
  id: string;
  /** Without the leading slash Docker puts on names. */
  name: string;
  /** The image reference the container was created from, e.g. `ghcr.io/acme/app:pr-12` or `app:3f2c1a`. */
  image: string;
  imageId: string;
  labels: Record<string, string>;
  state: ContainerStateName;
  /** Docker's human status, e.g. `Up 3 hours`. */
  status: string;
  /** ISO 8601. */
  createdAt: string;
  /** The mounts as the listing shows them (so a caller can see who shares a volume without inspecting each). */
  mounts?: Mount[];
}

export interface Mount {
  type: string;
  /** Host path of the volume or bind source. */
  source: string;
  /** Path inside the container. */
  destination: string;
  /** Volume name for named volumes. */
  name?: string;
  rw: boolean;
}

export type RestartPolicyName = 'no' | 'always' | 'unless-stopped' | 'on-failure';

export interface RestartPolicy {
  name: RestartPolicyName;
  /** Only meaningful for on-failure; 0 means "no limit" there and is what every other policy carries. */
  maximumRetryCount: number;
}

/** The Swarm task a container runs for, read from the labels Swarm puts on every task container. */
export interface SwarmTaskLabels {
  serviceId: string;
  serviceName: string;
  taskId: string;
}

export interface ContainerDetails extends ContainerSummary {
  /** ISO 8601, null when it never started. */
  startedAt: string | null;
  /** From the image's HEALTHCHECK; null when the container has none. */
  health: 'starting' | 'healthy' | 'unhealthy' | null;
  mounts: Mount[];
  /** Config.User, '' for the image default. */
  user: string;
  /** HostConfig.RestartPolicy; the engine's empty name (never set) reads as 'no', which is what it means. */
  restartPolicy: RestartPolicy;
  /** How many times the engine restarted it under its restart policy since it was last started by hand. */
  restartCount: number;
  /** Config.StopTimeout in seconds (`--stop-timeout`, Compose `stop_grace_period`); null when unset (docker's 10 s). */
  stopTimeout: number | null;
  /** Config.StopSignal (e.g. `SIGQUIT`); null when unset, and then `docker stop` sends SIGTERM. */
  stopSignal: string | null;
  /** State.Pid: PID 1 of the container as the engine's host numbers it; null when it is not running. */
  pid: number | null;
  /** Present when the container is a Swarm task (all three com.docker.swarm.* labels are there). */
  swarm: SwarmTaskLabels | null;
}

/** What PID 1 of a container does with SIGTERM, from SigCgt/SigIgn in its /proc status. */
export interface Pid1Signals {
  /** SigCgt has SIGTERM's bit (signal 15: mask 0x4000): PID 1 installed a handler, so `docker stop` ends it by asking. */
  catchesSigterm: boolean;
  /** SigIgn has it: PID 1 ignores SIGTERM outright. Neither: the default action, which the kernel drops for a PID 1. */
  ignoresSigterm: boolean;
  /** PID 1's argv from /proc/<pid>/cmdline; [] when the kernel shows none. */
  command: string[];
  /** Where it was read: an exec in the container, or the engine host's /proc for State.Pid. */
  via: 'exec' | 'engine-host';
}

export type Pid1SignalsReading = { known: true; signals: Pid1Signals } | { known: false; reason: string };

export type SwarmServiceMode = 'replicated' | 'global' | 'replicated-job' | 'global-job';

export type SwarmTaskState =
  | 'new'
  | 'allocated'
  | 'pending'
  | 'assigned'
  | 'accepted'
  | 'preparing'
  | 'ready'
  | 'starting'
  | 'running'
  | 'complete'
  | 'shutdown'
  | 'failed'
  | 'rejected'
  | 'remove'
  | 'orphaned';

export interface SwarmTask {
  id: string;
  /** Null until the node has created the task's container. */
  containerId: string | null;
  nodeId: string;
  /** Where the task is now. */
  state: SwarmTaskState;
  /**
   * Where Swarm wants it: 'running'; 'shutdown' once it ended or was replaced; 'remove' when scaled away (dockerd 20.10
   * then removes its container, and the task leaves the list).
   */
  desiredState: string;
  /** Replica slot of a replicated service; null for a global service. */
  slot: number | null;
}

export interface SwarmService {
  id: string;
  name: string;
  mode: SwarmServiceMode;
  /** Replicas asked for (Spec.Mode.Replicated.Replicas); null for every other mode. */
  replicas: number | null;
  /** Every task the manager still lists: current ones and the ended ones it keeps (up to its task history limit). */
  tasks: SwarmTask[];
}

/** What waitForService waits for: no task left that runs or may start, or exactly `count` running tasks. */
export type ServiceGoal = { kind: 'no-tasks' } | { kind: 'running'; count: number };

export interface ExecResult {
  argv: string[];
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface PathStat {
  name: string;
  size: number;
  /** Unix permission bits plus type bits as Docker reports them. */
  mode: number;
  /** ISO 8601 modification time. */
  mtime: string;
  isDirectory: boolean;
  /** Set when the path is a symbolic link (not followed): what it points at. */
  linkTarget?: string;
}

export interface FileOwner {
  uid: number;
  gid: number;
  /** Permission bits, e.g. 0o644. */
  mode: number;
}

export interface HelperSpec {
  /** The container name to give it: chosen by the step, so its commands can name it before it exists. */
  name: string;
  /** The value of its `sqlite-rescue.helper` label: the incident id. */
  label: string;
  readOnlyBinds?: Array<{ hostPath: string; containerPath: string }>;
  /** The target's volumes mounted read-only (`--volumes-from ID:ro`): a helper that only reads cannot change them. */
  readOnlyVolumes?: boolean;
  /** Another image than the target's (the sqlite3 tool image, for an app image without sqlite3). */
  image?: string;
  /** `uid:gid` to run as instead of the target's own user (a tool image knows no user names of the app's). */
  user?: string;
}

/** Bytes moved so far out of a known total. */
export type ProgressFn = (doneBytes: number, totalBytes: number) => void;

export interface ContainerRuntime {
  /** Where the engine is, for humans: `local Docker engine (/var/run/docker.sock)`. */
  describe(): string;

  /** Resolves when the engine answers; throws RuntimeUnavailableError with a hint otherwise. */
  ping(): Promise<void>;

  /** All containers, running or not. */
  listContainers(): Promise<ContainerSummary[]>;

  /** Throws ContainerNotFoundError when the id or name matches nothing. */
  inspect(idOrName: string): Promise<ContainerDetails>;

  /**
   * Runs argv in a running container (Tty off, stdout and stderr demultiplexed) and resolves with the
   * exit code read after the output ends. Never rejects for a non-zero exit; a missing binary is exit 126/127.
   * Rejects when the container is not running or the engine fails, or after timeoutMs (default 10 min).
   */
  exec(id: string, argv: string[], opts?: { timeoutMs?: number }): Promise<ExecResult>;

  /** Stat through the archive API (works on stopped containers, needs no binary in the image); null when absent. */
  statPath(id: string, path: string): Promise<PathStat | null>;

  /**
   * Copies one regular file out of the container (archive API, streamed, works on stopped containers) into
   * localDir under its base name, and returns the local path. Only that one regular file is written: any other
   * tar entry, link or path that would leave localDir is refused.
   */
  copyOut(id: string, path: string, localDir: string): Promise<string>;

  /** Streams the file at `path` in the container through `consume` without storing it (archive API). */
  readFile(id: string, path: string, consume: (chunk: Buffer) => void): Promise<number>;

  /** sha256 hex of the file at `path`, streamed out through the archive API and hashed here (works on stopped containers). */
  sha256(id: string, path: string): Promise<string>;

  /**
   * Streams a local file into containerDir/name through the archive API (never holding it in memory). Not atomic:
   * the target name must be one nobody reads. The file gets `owner` when given.
   */
  copyIn(
    id: string,
    localPath: string,
    containerDir: string,
    name: string,
    opts?: { owner?: FileOwner; onProgress?: ProgressFn },
  ): Promise<void>;

  /** Idempotent: stopping a stopped container resolves. */
  stop(id: string, timeoutSec: number): Promise<void>;

  /** Idempotent: starting a running container resolves. */
  start(id: string): Promise<void>;

  /**
   * Starts a helper container named `name` from the target's own image that shares the target's volumes
   * (VolumesFrom), runs as the target's user with no network, kept alive by `sleep` so exec works while the target is
   * stopped; it may be addressed by that name afterwards. Labelled `sqlite-rescue.helper=<label>`. `readOnlyBinds`
   * mount folders of the engine's host read-only (a file uploaded to the server is copied in from there). Throws
   * HelperUnavailableError when the image cannot run it (no `sleep`); rejects when the name is taken.
   */
  startHelper(targetId: string, opts: HelperSpec): Promise<string>;

  /** Removes a helper container made by startHelper (only those: refuses anything without the label). Idempotent. */
  removeHelper(helperId: string): Promise<void>;

  /**
   * `docker update --restart`: the policy takes effect at once, on a running or a stopped container, and is what the
   * engine applies when it next starts (a daemon restart included). Idempotent. Throws ContainerNotFoundError.
   * Measured on dockerd 20.10: a container that is `restarting` still gets the restart already scheduled (stop it to
   * cancel that); a Swarm task container has no policy ('no') and must keep none — with `always`, a crashed task is
   * restarted by the engine while Swarm starts its replacement: two writers on one volume.
   */
  setRestartPolicy(id: string, policy: RestartPolicy): Promise<void>;

  /**
   * Whether PID 1 catches SIGTERM, and its command line. Read by an exec of `cat` in the running container, else from
   * the engine host's /proc for State.Pid when the adapter can read it (a local engine, or the server over SSH) and
   * that process is proven to be the container's (its cgroup names the container id). Never changes anything;
   * `known: false` with the reason when neither works (not running, no cat, engine host unreadable).
   */
  readPid1Signals(id: string): Promise<Pid1SignalsReading>;

  /**
   * Sends `signal` (e.g. 'SIGKILL', 'SIGTERM') to the container's PID 1. Resolves true when the engine delivered it,
   * false when the container was not running (nothing to signal). Throws ContainerNotFoundError.
   */
  kill(id: string, signal: string): Promise<boolean>;

  /** This engine's own Swarm node id; null when the engine is not an active member of a swarm. */
  swarmNodeId(): Promise<string | null>;

  /**
   * A Swarm service and its tasks. Throws a RescueError (exit 2, with a hint) when no service has that id or name, or
   * when this engine is not a manager of the swarm (a worker node cannot see services).
   */
  inspectService(serviceIdOrName: string): Promise<SwarmService>;

  /**
   * `docker service scale`: sets Spec.Mode.Replicated.Replicas to `replicas` through a service update carrying the
   * version index just read, so a service changed meanwhile by someone else is refused by the engine (and this
   * throws), never overwritten. Refuses every mode but 'replicated'. Resolves once the manager accepted the update;
   * the tasks converge afterwards (see waitForService).
   */
  scaleService(serviceIdOrName: string, replicas: number): Promise<void>;

  /**
   * Polls the service until `goal` holds, and resolves with it as last seen. 'no-tasks': no task is in a state that
   * runs or may start, and no container of the service runs on this engine (so the volume is free). 'running':
   * exactly `count` tasks are alive, each running with desired state running (none on its way up or down). Throws a
   * RescueError naming the tasks still in the way after timeoutMs.
   */
  waitForService(serviceIdOrName: string, goal: ServiceGoal, timeoutMs: number): Promise<SwarmService>;
  // ---- discovery ----

  /**
   * Walks `path` (a folder or a file) through the archive API: reads each tar entry's header and the first
   * `headBytes` of each regular file, and discards the rest as it streams past, never storing a file. Ends the request
   * as soon as a bound is reached and says which. Read-only; works on stopped, restarting and shell-less containers.
   * null when the path does not exist; throws ContainerNotFoundError for an unknown container.
   */
  walkArchive(id: string, path: string, limits: ArchiveWalkLimits): Promise<ArchiveWalk | null>;

  // ---- images (backup's sqlite3 tool image) ----

  /** Whether the engine has an image by this reference. */
  hasImage(ref: string): Promise<boolean>;

  /**
   * `docker import` of a root filesystem tar stream as `ref`, with Dockerfile-style changes (CMD, ENV, LABEL).
   * Rejects with the engine's message when the import fails.
   */
  importImage(ref: string, rootfs: NodeJS.ReadableStream, changes: string[]): Promise<void>;
}

// ---- discovery (walkArchive) ----

export interface ArchiveEntry {
  /** Absolute path inside the container. */
  path: string;
  type: 'file' | 'directory' | 'symlink' | 'other';
  /** Bytes of a regular file as the tar header says; 0 for anything else. */
  size: number;
  /** ISO 8601. */
  mtime: string;
  /** The first bytes of a regular file (at most headBytes; fewer when the file is shorter); empty otherwise. */
  head: Buffer;
}

export interface ArchiveWalkLimits {
  /** Bytes kept from the start of each regular file. */
  headBytes: number;
  /** Tar bytes read from the engine before the walk stops (the archive carries whole files). */
  maxBytes: number;
  /** Entries read before the walk stops. */
  maxEntries: number;
  /** Wall time before the walk stops. */
  timeoutMs: number;
}

export interface ArchiveWalk {
  /** In archive order (the engine walks each folder in name order, a folder before what it holds). */
  entries: ArchiveEntry[];
  /** Tar bytes read from the engine. */
  bytesRead: number;
  /** Set when a bound ended the walk before the archive did; `after` is the last path read. */
  stoppedEarly?: { reason: 'bytes' | 'entries' | 'time'; after?: string };
}
