// An in-memory Docker engine: containers with names, labels, state and mounts; one filesystem per volume (shared by
// every container that mounts it, helpers included) plus each container's own layer. exec understands exactly the
// argv the steps send and throws on anything else, so a test cannot pass on a command nobody modelled. Every call is
// recorded: tests assert the exact argv run (lazydocker style).
import { join as localJoin } from 'node:path';
import { posix } from 'node:path';
import type {
  ArchiveEntry,
  ArchiveWalk,
  ArchiveWalkLimits,
  ContainerDetails,
  ContainerRuntime,
  ContainerStateName,
  ContainerSummary,
  ExecResult,
  FileOwner,
  HelperSpec,
  Mount,
  PathStat,
  Pid1SignalsReading,
  ProgressFn,
  RestartPolicy,
  ServiceGoal,
  SwarmService,
} from '../../src/ports/container-runtime.js';
import { ContainerNotFoundError, HelperUnavailableError, RescueError } from '../../src/runbook/errors.js';
import type { FakeClock } from './fake-clock.js';
import { checkRows, readFakeDb } from './fake-db.js';
import { CHECK_LOOP } from '../../src/steps/test-backups.js';
import { PROBE_SCRIPT } from '../../src/steps/image-tools.js';
import { sha256Of, type FakeLocalFiles } from './fake-local-files.js';
import { HEAD_BYTES, WALK_BATCH, WALK_SCRIPT } from '../../src/discovery/walk-script.js';
import { FakeSwarm } from './fake-swarm.js';

export interface FakeFile {
  content: Buffer;
  mtime: string;
  uid: number;
  gid: number;
  /** Permission bits, e.g. 0o644. */
  mode: number;
}

export interface ContainerSpec {
  name: string;
  image?: string;
  labels?: Record<string, string>;
  state?: ContainerStateName;
  createdAt?: string;
  startedAt?: string | null;
  health?: ContainerDetails['health'];
  /** `volume` names a named volume; `bind` a host folder. Two containers naming the same one share its files. */
  mounts?: Array<{ destination: string; volume?: string; bind?: string }>;
  /** The app exits right after `start` (a crash on boot). */
  exitsOnStart?: boolean;
  /**
   * The app checks this database at start and exits when it is not healthy (a fake db with error rows, or no database
   * at all): with a restart policy it crash-loops until the file is replaced by a healthy one.
   */
  exitsWhileCorrupt?: string;
  /** PID 1 catches SIGTERM and takes this long to exit (a flush, a drain); default at once. */
  sigtermExitMs?: number;
  /** Default `no`. */
  restartPolicy?: RestartPolicy;
  restartCount?: number;
  /** Config.StopTimeout; default unset (null). */
  stopTimeout?: number | null;
  stopSignal?: string | null;
  /** What readPid1Signals answers while it runs; default: PID 1 `/app/run.sh` catches SIGTERM, read by exec. */
  pid1?: Pid1SignalsReading;
}

const DEFAULT_PID1: Pid1SignalsReading = {
  known: true,
  signals: { catchesSigterm: true, ignoresSigterm: false, command: ['/bin/sh', '/app/run.sh'], via: 'exec' },
};

interface FakeContainer {
  summary: ContainerSummary;
  startedAt: string | null;
  health: ContainerDetails['health'];
  mounts: Mount[];
  exitsOnStart: boolean;
  exitsWhileCorrupt?: string;
  sigtermExitMs: number;
  restartPolicy: RestartPolicy;
  restartCount: number;
  stopTimeout: number | null;
  stopSignal: string | null;
  pid1: Pid1SignalsReading;
  /** Stopped by stop() or kill() (not by a crash): what `unless-stopped` remembers across a daemon restart. */
  stoppedByHand: boolean;
}

interface Store {
  files: Map<string, FakeFile>;
  dirs: Set<string>;
}

export interface RuntimeCall {
  method: keyof ContainerRuntime;
  args: unknown[];
}

type ExecAnswer = Omit<ExecResult, 'argv' | 'durationMs'>;
type CannedAnswer = ExecAnswer | ((argv: string[]) => ExecAnswer);

/** The exact SQL countRowsInContainer sends to list tables. */
export const LIST_TABLES_SQL = "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name;";
const COUNT_PART = /^SELECT '((?:[^']|'')*)' AS name, count\(\*\) AS n FROM "((?:[^"]|"")*)"$/;
const DEFAULT_IMAGE = 'ghcr.io/acme/app:latest';
const HELPER_LABEL = 'sqlite-rescue.helper';

export class FakeContainerRuntime implements ContainerRuntime {
  readonly calls: RuntimeCall[] = [];
  private readonly containers = new Map<string, FakeContainer>();
  private readonly stores = new Map<string, Store>();
  private readonly missingBinaries = new Set<string>();
  private readonly execFailures: Array<{ matches: (argv: string[]) => boolean; answer: CannedAnswer }> = [];
  /** Per container id: pid → the paths that process holds open (discovery reads them from /proc/<pid>/fd). */
  private readonly openFiles = new Map<string, Map<number, string[]>>();
  /** Container ids whose processes' fd folders an exec may not read (the app runs as another user). */
  private readonly fdsDenied = new Set<string>();
  /** What `df -Pk` reports as available, in bytes, for every filesystem. */
  freeBytes = 10 * 1024 ** 3;
  /** Swarm services whose tasks are containers here (addService); swarm.nodeId is this engine's node. */
  readonly swarm = new FakeSwarm({
    addTaskContainer: (spec) =>
      this.addContainer({
        ...spec,
        restartPolicy: { name: 'no', maximumRetryCount: 0 },
        startedAt: new Date(this.clock.now()).toISOString(),
      }),
    removeTaskContainer: (id) => {
      this.containers.delete(id);
      this.stores.delete(`layer:${id}`);
    },
    isRunning: (id) => this.containers.get(id)?.summary.state === 'running',
    now: () => this.clock.now(),
    onAdvance: (listener) => this.clock.onAdvance(listener),
  });
  /** Images the engine has, by reference (importImage adds one). */
  readonly images = new Set<string>();

  constructor(
    private readonly clock: FakeClock,
    private readonly disk: FakeLocalFiles,
  ) {}

  // ---- building the world (tests) ----

  addContainer(spec: ContainerSpec): string {
    const id = sha256Of(`container:${spec.name}`);
    const state = spec.state ?? 'running';
    const createdAt = spec.createdAt ?? '2024-12-01T00:00:00.000Z';
    const mounts = (spec.mounts ?? []).map(({ destination, volume, bind }): Mount =>
      volume !== undefined
        ? { type: 'volume', name: volume, source: `/var/lib/docker/volumes/${volume}/_data`, destination, rw: true }
        : { type: 'bind', source: bind ?? destination, destination, rw: true },
    );
    this.containers.set(id, {
      summary: {
        id,
        name: spec.name,
        image: spec.image ?? DEFAULT_IMAGE,
        imageId: sha256Of(`image:${spec.image ?? DEFAULT_IMAGE}`),
        labels: spec.labels ?? {},
        state,
        status: statusOf(state),
        createdAt,
      },
      startedAt: spec.startedAt === undefined ? (state === 'created' ? null : createdAt) : spec.startedAt,
      health: spec.health ?? null,
      mounts,
      exitsOnStart: spec.exitsOnStart ?? false,
      ...(spec.exitsWhileCorrupt ? { exitsWhileCorrupt: spec.exitsWhileCorrupt } : {}),
      sigtermExitMs: spec.sigtermExitMs ?? 0,
      restartPolicy: spec.restartPolicy ?? { name: 'no', maximumRetryCount: 0 },
      restartCount: spec.restartCount ?? 0,
      stopTimeout: spec.stopTimeout ?? null,
      stopSignal: spec.stopSignal ?? null,
      pid1: spec.pid1 ?? DEFAULT_PID1,
      stoppedByHand: false,
    });
    return id;
  }

  /** A Swarm service with its tasks running here now; returns the service id. */
  addService(spec: Parameters<FakeSwarm['addService']>[0]): string {
    return this.swarm.addService(spec);
  }

  /**
   * The Docker daemon restarts, without live-restore (dockerd 20.10, measured on a private daemon): every running
   * container is stopped, helpers included; then `always` starts every container, hand-stopped ones too,
   * `unless-stopped` those not stopped by hand, `on-failure` those that were crash-looping (the app exits 0 on the
   * daemon's SIGTERM), `no` none. A revived app that exits at start loops again. Swarm tasks are Swarm's (not modelled).
   */
  restartDaemon(): void {
    for (const entry of this.containers.values()) {
      if (entry.summary.labels['com.docker.swarm.task.id'] !== undefined) continue;
      const wasRunning = entry.summary.state === 'running' || entry.summary.state === 'restarting';
      const policy = entry.restartPolicy.name;
      const revives =
        policy === 'always' ||
        (policy === 'unless-stopped' && !entry.stoppedByHand) ||
        (policy === 'on-failure' && entry.summary.state === 'restarting');
      if (revives) {
        entry.startedAt = new Date(this.clock.now()).toISOString();
        this.setState(entry, this.crashesOnStart(entry) ? 'restarting' : 'running');
      } else if (wasRunning) {
        this.setState(entry, 'exited');
      }
    }
  }

  /** The app crashes and its restart policy starts it again at once: running, a new start time, one more restart. */
  crashAndRestart(container: string): void {
    const entry = this.find(container);
    entry.restartCount += 1;
    entry.startedAt = new Date(this.clock.now()).toISOString();
    this.setState(entry, 'running');
  }

  /** The health check's verdict from now on. */
  setHealth(container: string, health: ContainerDetails['health']): void {
    this.find(container).health = health;
  }

  restartPolicyOf(container: string): RestartPolicy {
    return { ...this.find(container).restartPolicy };
  }

  putFile(container: string, path: string, content: Buffer | string, opts: Partial<Omit<FakeFile, 'content'>> = {}): void {
    const { store, key } = this.resolve(this.find(container), path);
    store.files.set(key, {
      content: Buffer.from(content),
      mtime: opts.mtime ?? '2025-01-01T01:00:00.000Z',
      uid: opts.uid ?? 1000,
      gid: opts.gid ?? 1000,
      mode: opts.mode ?? 0o644,
    });
  }

  /** A file on the engine's host, at `hostPath`: what a bind mount of its folder shows (the SSH server's uploads). */
  putHostFile(hostPath: string, content: Buffer): void {
    const folder = posix.dirname(hostPath);
    const id = `bind:${folder}`;
    if (!this.stores.has(id)) this.stores.set(id, { files: new Map(), dirs: new Set(['/']) });
    (this.stores.get(id) as Store).files.set(`/${posix.basename(hostPath)}`, {
      content,
      mtime: new Date(this.clock.now()).toISOString(),
      uid: 0,
      gid: 0,
      mode: 0o644,
    });
  }

  /** Test setup only: the steps themselves can never delete (there is no rm in exec). */
  deleteFile(container: string, path: string): void {
    const { store, key } = this.resolve(this.find(container), path);
    store.files.delete(key);
  }

  fileAt(container: string, path: string): FakeFile | undefined {
    const { store, key } = this.resolve(this.find(container), path);
    return store.files.get(key);
  }

  /** Absolute paths of every file the container sees under `dir`, sorted. */
  listFiles(container: string, dir = '/'): string[] {
    const entry = this.find(container);
    const paths: string[] = [];
    for (const [storeId, store] of this.stores) {
      const mount = entry.mounts.find((candidate) => storeKey(candidate) === storeId);
      const prefix = mount ? mount.destination : storeId === `layer:${entry.summary.id}` ? '' : undefined;
      if (prefix === undefined) continue;
      for (const key of store.files.keys()) paths.push(posix.join(prefix || '/', key));
    }
    return paths.filter((path) => dir === '/' || path.startsWith(`${dir.replace(/\/$/, '')}/`)).sort();
  }

  /** The image has no such binary: exec answers 127 as Docker does. */
  /** Whether the image lacks `name` (withoutBinary). */
  lacks(name: string): boolean {
    return this.missingBinaries.has(name);
  }

  withoutBinary(name: string): void {
    this.missingBinaries.add(name);
  }

  /** Process `pid` of the container (the app) holds `paths` open, as /proc/<pid>/fd would show. */
  holdOpen(container: string, pid: number, ...paths: string[]): void {
    const id = this.find(container).summary.id;
    const table = this.openFiles.get(id) ?? new Map<number, string[]>();
    table.set(pid, [...(table.get(pid) ?? []), ...paths]);
    this.openFiles.set(id, table);
  }

  /** An exec in this container may not read its processes' fd folders. */
  denyFds(container: string): void {
    this.fdsDenied.add(this.find(container).summary.id);
  }

  /** `answer` may be computed from the argv (to echo a mark the command was given). */
  failExec(matches: (argv: string[]) => boolean, answer: CannedAnswer): void {
    this.execFailures.push({ matches, answer });
  }

  /** While `container` runs, every tick of the clock appends a byte to `path`: an app that writes. */
  appWritesTo(container: string, path: string): void {
    this.clock.onAdvance((now) => {
      const entry = this.find(container);
      if (entry.summary.state !== 'running') return;
      const existing = this.fileAt(container, path);
      this.putFile(container, path, Buffer.concat([existing?.content ?? Buffer.alloc(0), Buffer.from('w')]), {
        mtime: new Date(now).toISOString(),
      });
    });
  }

  execArgvs(): string[][] {
    return this.calls.filter((call) => call.method === 'exec').map((call) => call.args[1] as string[]);
  }

  state(container: string): ContainerStateName {
    return this.find(container).summary.state;
  }

  // ---- the port ----

  describe(): string {
    return 'fake Docker engine';
  }

  async ping(): Promise<void> {
    this.calls.push({ method: 'ping', args: [] });
  }

  async listContainers(): Promise<ContainerSummary[]> {
    this.calls.push({ method: 'listContainers', args: [] });
    return [...this.containers.values()].map((entry) => ({ ...entry.summary, mounts: entry.mounts.map((mount) => ({ ...mount })) }));
  }

  async inspect(idOrName: string): Promise<ContainerDetails> {
    this.calls.push({ method: 'inspect', args: [idOrName] });
    const entry = this.find(idOrName);
    const labels = entry.summary.labels;
    const swarm =
      labels['com.docker.swarm.task.id'] === undefined
        ? null
        : {
            serviceId: labels['com.docker.swarm.service.id'],
            serviceName: labels['com.docker.swarm.service.name'],
            taskId: labels['com.docker.swarm.task.id'],
          };
    return {
      ...entry.summary,
      startedAt: entry.startedAt,
      health: entry.health,
      mounts: entry.mounts.map((mount) => ({ ...mount })),
      user: '',
      restartPolicy: { ...entry.restartPolicy },
      restartCount: entry.restartCount,
      stopTimeout: entry.stopTimeout,
      stopSignal: entry.stopSignal,
      pid: entry.summary.state === 'running' ? 4242 : null,
      swarm,
    };
  }

  async exec(id: string, argv: string[]): Promise<ExecResult> {
    this.calls.push({ method: 'exec', args: [id, [...argv]] });
    const entry = this.find(id);
    if (entry.summary.state !== 'running') throw new RescueError(`container ${entry.summary.name} is not running`);
    const failure = this.execFailures.find((candidate) => candidate.matches(argv));
    const answer = failure ? (typeof failure.answer === 'function' ? failure.answer(argv) : failure.answer) : this.answerExec(entry, argv);
    return { argv, durationMs: 5, ...answer };
  }

  async statPath(id: string, path: string): Promise<PathStat | null> {
    this.calls.push({ method: 'statPath', args: [id, path] });
    const { store, key } = this.resolve(this.find(id), path);
    const file = store.files.get(key);
    if (file) return { name: posix.basename(path), size: file.content.length, mode: file.mode, mtime: file.mtime, isDirectory: false };
    if (isDir(store, key))
      return { name: posix.basename(path), size: 4096, mode: 2 ** 31 + 0o755, mtime: '2025-01-01T00:00:00.000Z', isDirectory: true };
    return null;
  }

  async copyOut(id: string, path: string, localDir: string): Promise<string> {
    this.calls.push({ method: 'copyOut', args: [id, path, localDir] });
    const file = this.mustRead(id, path);
    const local = localJoin(localDir, posix.basename(path));
    this.disk.put(local, file.content, file.mtime);
    return local;
  }

  async readFile(id: string, path: string, consume: (chunk: Buffer) => void): Promise<number> {
    this.calls.push({ method: 'readFile', args: [id, path] });
    const file = this.mustRead(id, path);
    consume(file.content);
    return file.content.length;
  }

  async copyIn(
    id: string,
    localPath: string,
    containerDir: string,
    name: string,
    opts: { owner?: FileOwner; onProgress?: ProgressFn } = {},
  ): Promise<void> {
    this.calls.push({ method: 'copyIn', args: [id, localPath, containerDir, name, opts.owner] });
    const entry = this.find(id);
    const { store, key } = this.resolve(entry, containerDir);
    if (!isDir(store, key)) throw new RescueError(`no such file or directory in ${id}: ${containerDir}`, { kind: 'operator', exitCode: 2 });
    const content = this.disk.read(localPath);
    opts.onProgress?.(Math.floor(content.length / 2), content.length);
    opts.onProgress?.(content.length, content.length);
    const owner = opts.owner ?? { uid: 0, gid: 0, mode: 0o644 };
    this.putFile(id, posix.join(containerDir, name), content, { ...owner, mtime: new Date(this.clock.now()).toISOString() });
  }

  async stop(id: string, timeoutSec: number): Promise<void> {
    this.calls.push({ method: 'stop', args: [id, timeoutSec] });
    const entry = this.find(id);
    // docker stop waits out the whole timeout for a PID 1 that does not catch SIGTERM, then kills it; one that catches
    // it takes its own time, at most the timeout.
    const isDeaf = entry.pid1.known && !entry.pid1.signals.catchesSigterm;
    const waitMs = isDeaf ? timeoutSec * 1000 : Math.min(entry.sigtermExitMs, timeoutSec * 1000);
    if (entry.summary.state === 'running' && waitMs > 0) this.clock.advance(waitMs);
    this.stopByHand(entry);
  }

  async start(id: string): Promise<void> {
    this.calls.push({ method: 'start', args: [id] });
    const entry = this.find(id);
    if (entry.summary.state === 'running') return;
    entry.startedAt = new Date(this.clock.now()).toISOString();
    entry.stoppedByHand = false;
    // A start by hand resets the engine's restart count (measured on dockerd 20.10: 6 → 0).
    entry.restartCount = 0;
    this.setState(entry, this.crashesOnStart(entry) ? 'exited' : 'running');
  }

  async startHelper(targetId: string, spec: HelperSpec): Promise<string> {
    this.calls.push({ method: 'startHelper', args: [targetId, spec] });
    const target = this.find(targetId);
    if (this.missingBinaries.has('sleep')) throw new HelperUnavailableError(`the image ${target.summary.image} has no sleep`);
    const { name, label } = spec;
    if ([...this.containers.values()].some((entry) => entry.summary.name === name))
      throw new RescueError(`the container name "${name}" is already in use`);
    const id = sha256Of(`container:${name}`);
    this.containers.set(id, {
      summary: {
        ...target.summary,
        id,
        name,
        image: spec.image ?? target.summary.image,
        labels: { [HELPER_LABEL]: label },
        state: 'running',
        status: statusOf('running'),
      },
      startedAt: new Date(this.clock.now()).toISOString(),
      health: null,
      mounts: [
        ...target.mounts.map((mount) => ({ ...mount, rw: mount.rw && !spec.readOnlyVolumes })),
        ...(spec.readOnlyBinds ?? []).map((bind): Mount => ({
          type: 'bind',
          source: bind.hostPath,
          destination: bind.containerPath,
          rw: false,
        })),
      ],
      exitsOnStart: false,
      sigtermExitMs: 0,
      restartPolicy: { name: 'no', maximumRetryCount: 0 },
      restartCount: 0,
      stopTimeout: null,
      stopSignal: null,
      pid1: { known: true, signals: { catchesSigterm: false, ignoresSigterm: false, command: ['sleep', '86400'], via: 'exec' } },
      stoppedByHand: false,
    });
    return id;
  }

  async sha256(id: string, path: string): Promise<string> {
    this.calls.push({ method: 'sha256', args: [id, path] });
    return sha256Of(this.mustRead(id, path).content);
  }

  // Measured: `docker update --restart=no` on a container that is restarting does not cancel the restart already
  // scheduled: it starts once more (and, crashing, exits) a moment later. `docker stop` does cancel it.
  async setRestartPolicy(id: string, policy: RestartPolicy): Promise<void> {
    this.calls.push({ method: 'setRestartPolicy', args: [id, { ...policy }] });
    const entry = this.find(id);
    entry.restartPolicy = { ...policy };
    if (policy.name === 'no' && entry.summary.state === 'restarting') {
      let pending = true;
      this.clock.onAdvance(() => {
        if (!pending || entry.summary.state !== 'restarting') return;
        pending = false;
        entry.startedAt = new Date(this.clock.now()).toISOString();
        this.setState(entry, this.crashesOnStart(entry) ? 'exited' : 'running');
      });
    }
  }

  async readPid1Signals(id: string): Promise<Pid1SignalsReading> {
    this.calls.push({ method: 'readPid1Signals', args: [id] });
    const entry = this.find(id);
    if (entry.summary.state !== 'running')
      return { known: false, reason: `${entry.summary.name} is ${entry.summary.state}: it has no PID 1 to look at` };
    return structuredClone(entry.pid1);
  }

  /** SIGKILL always ends PID 1; SIGTERM only when PID 1 catches it; any other signal is recorded and changes nothing. */
  async kill(id: string, signal: string): Promise<boolean> {
    this.calls.push({ method: 'kill', args: [id, signal] });
    const entry = this.find(id);
    if (entry.summary.state !== 'running') return false;
    const ends =
      ['SIGKILL', 'KILL', '9'].includes(signal) ||
      (['SIGTERM', 'TERM', '15'].includes(signal) && entry.pid1.known && entry.pid1.signals.catchesSigterm);
    if (ends) this.stopByHand(entry);
    return true;
  }

  async swarmNodeId(): Promise<string | null> {
    this.calls.push({ method: 'swarmNodeId', args: [] });
    return this.swarm.nodeId;
  }

  async inspectService(serviceIdOrName: string): Promise<SwarmService> {
    this.calls.push({ method: 'inspectService', args: [serviceIdOrName] });
    return this.swarm.inspect(serviceIdOrName);
  }

  async scaleService(serviceIdOrName: string, replicas: number): Promise<void> {
    this.calls.push({ method: 'scaleService', args: [serviceIdOrName, replicas] });
    this.swarm.scale(serviceIdOrName, replicas);
  }

  async waitForService(serviceIdOrName: string, goal: ServiceGoal, timeoutMs: number): Promise<SwarmService> {
    this.calls.push({ method: 'waitForService', args: [serviceIdOrName, goal, timeoutMs] });
    return this.swarm.wait(serviceIdOrName, goal, timeoutMs);
  }

  async removeHelper(helperId: string): Promise<void> {
    this.calls.push({ method: 'removeHelper', args: [helperId] });
    if (![...this.containers.values()].some((entry) => entry.summary.name === helperId || entry.summary.id === helperId)) return;
    const entry = this.find(helperId);
    if (entry.summary.labels[HELPER_LABEL] === undefined) throw new Error(`refusing to remove ${entry.summary.name}: not a helper`);
    this.containers.delete(entry.summary.id);
    this.stores.delete(`layer:${entry.summary.id}`);
  }

  async hasImage(ref: string): Promise<boolean> {
    this.calls.push({ method: 'hasImage', args: [ref] });
    return this.images.has(ref);
  }

  async importImage(ref: string, rootfs: NodeJS.ReadableStream, changes: string[]): Promise<void> {
    this.calls.push({ method: 'importImage', args: [ref, changes] });
    for await (const chunk of rootfs as AsyncIterable<Buffer>) void chunk;
    this.images.add(ref);
  }

  // ---- discovery: the walk script, /proc/<pid>/fd and the archive API ----

  async walkArchive(id: string, path: string, limits: ArchiveWalkLimits): Promise<ArchiveWalk | null> {
    this.calls.push({ method: 'walkArchive', args: [id, path, { ...limits }] });
    const entry = this.find(id);
    const tree = this.treeUnder(entry, path);
    if (!tree) return null;
    const entries: ArchiveEntry[] = [];
    let bytesRead = 0;
    // The engine's order: filepath.Walk, a folder before what it holds, names in byte order.
    for (const item of tree.ordered) {
      if (entries.length >= limits.maxEntries) {
        return { entries, bytesRead, stoppedEarly: { reason: 'entries', after: entries.at(-1)?.path } };
      }
      const file = tree.files.get(item);
      const size = file?.content.length ?? 0;
      bytesRead += 512 + Math.ceil(size / 512) * 512;
      const head = file ? Buffer.from(file.content.subarray(0, limits.headBytes)) : Buffer.alloc(0);
      entries.push({ path: item, type: file ? 'file' : 'directory', size, mtime: file?.mtime ?? '2025-01-01T00:00:00.000Z', head });
      // The real walk destroys the stream mid-file, one 64 KiB chunk past the limit.
      if (bytesRead > limits.maxBytes) {
        return { entries, bytesRead: Math.min(bytesRead, limits.maxBytes + 65536), stoppedEarly: { reason: 'bytes', after: item } };
      }
    }
    return { entries, bytesRead: bytesRead + 1024 };
  }

  // Files and folders the container sees at and under `root`, absolute; null when nothing is there.
  private treeUnder(entry: FakeContainer, root: string): { files: Map<string, FakeFile>; dirs: Set<string>; ordered: string[] } | null {
    const files = new Map<string, FakeFile>();
    const dirs = new Set<string>();
    const base = root.replace(/(.)\/$/, '$1');
    for (const path of this.listFiles(entry.summary.id, '/')) {
      if (path !== base && !path.startsWith(`${base}/`)) continue;
      files.set(path, this.fileAt(entry.summary.id, path) as FakeFile);
      for (let dir = posix.dirname(path); dir.length >= base.length && dir !== '/'; dir = posix.dirname(dir)) dirs.add(dir);
    }
    for (const [storeId, store] of this.stores) {
      const mount = entry.mounts.find((candidate) => storeKey(candidate) === storeId);
      if (!mount) continue;
      for (const key of store.dirs) {
        const path = posix.join(mount.destination, key);
        if (path === base || path.startsWith(`${base}/`)) dirs.add(path);
      }
    }
    if (files.size === 0 && dirs.size === 0) {
      const mounted = entry.mounts.some((mount) => mount.destination === base);
      if (!mounted) return null;
      dirs.add(base);
    }
    const parts = (path: string) => path.split('/');
    const ordered = [...dirs, ...files.keys()].sort((a, b) => {
      const [pa, pb] = [parts(a), parts(b)];
      for (let i = 0; i < Math.min(pa.length, pb.length); i += 1) if (pa[i] !== pb[i]) return pa[i] < pb[i] ? -1 : 1;
      return pa.length - pb.length;
    });
    return { files, dirs, ordered };
  }

  // WALK_SCRIPT as the real script prints it, over this fake's files: the same markers, batches and head stream.
  private walkScript(entry: FakeContainer, args: string[]): ExecAnswer {
    const [mark, maxDepthText, maxFilesText, , wantOpen, ...roots] = args;
    const maxDepth = Number(maxDepthText);
    const maxFiles = Number(maxFilesText);
    const tools = ['find', 'stat', 'head', 'od', 'ls', 'date', 'timeout'].filter((tool) => !this.missingBinaries.has(tool));
    const out: string[] = [`${mark} T${tools.map((tool) => ` ${tool}`).join('')}`];
    if (wantOpen === '1') {
      if (!tools.includes('ls')) out.push(`${mark} PX no ls in the image`);
      else {
        for (const [pid, paths] of this.openFiles.get(entry.summary.id) ?? []) {
          out.push(`${mark} P ${pid}`, 'total 0');
          paths.forEach((path, index) =>
            out.push(
              this.fdsDenied.has(entry.summary.id)
                ? `ls: cannot read symbolic link '/proc/${pid}/fd/${index + 3}': Permission denied`
                : `lrwx------ 1 app app 64 Jan  1 00:00 ${index + 3} -> ${path}`,
            ),
          );
        }
        out.push(`${mark} PE`);
      }
    }
    const batch: string[] = [];
    const flush = () => {
      if (batch.length === 0) return;
      out.push(`${mark} B`, ...batch.map((path) => `${mark} N ${path}`));
      const files = batch.map((path) => this.fileAt(entry.summary.id, path) as FakeFile);
      const seconds = (file: FakeFile) => Math.floor(Date.parse(file.mtime) / 1000);
      if (tools.includes('stat')) out.push(...batch.map((path, i) => `${files[i].content.length} ${seconds(files[i])} ${path}`));
      out.push(`${mark} H`);
      if (tools.includes('head') && tools.includes('od')) {
        const header = (path: string, i: number) => Buffer.from(`${i === 0 ? '' : '\n'}==> ${path} <==\n`);
        const part = (path: string, i: number) => [header(path, i), files[i].content.subarray(0, HEAD_BYTES)];
        const stream = Buffer.concat(batch.flatMap(part));
        out.push(...odLines(stream));
      }
      out.push(`${mark} BE`);
      batch.length = 0;
    };
    let count = 0;
    walk: for (const root of roots) {
      const tree = this.treeUnder(entry, root);
      if (!tree) continue;
      const pruned: string[] = [];
      for (const path of tree.ordered) {
        if (path === root || pruned.some((dir) => path.startsWith(`${dir}/`))) continue;
        const depth = path.slice(root.length).split('/').length - 1;
        if (depth > maxDepth) continue;
        if (tree.dirs.has(path)) {
          if (posix.basename(path) === 'rescue-quarantine') {
            pruned.push(path);
            out.push(`${mark} Q ${path}`);
          } else if (depth === maxDepth) out.push(`${mark} L ${path}`);
          continue;
        }
        if (count >= maxFiles) {
          flush();
          out.push(`${mark} S files ${maxFiles}`);
          break walk;
        }
        count += 1;
        batch.push(path);
        if (batch.length >= WALK_BATCH) flush();
      }
    }
    flush();
    out.push(`${mark} END`);
    return ok(`${out.join('\n')}\n`);
  }

  // ---- internals ----

  private find(idOrName: string): FakeContainer {
    const entry =
      [...this.containers.values()].find((candidate) => candidate.summary.name === idOrName || candidate.summary.id === idOrName) ??
      [...this.containers.values()].find((candidate) => idOrName.length >= 4 && candidate.summary.id.startsWith(idOrName));
    if (!entry) throw new ContainerNotFoundError(idOrName);
    return entry;
  }

  private crashesOnStart(entry: FakeContainer): boolean {
    if (entry.exitsOnStart) return true;
    if (entry.exitsWhileCorrupt === undefined) return false;
    const file = this.fileIn(entry, entry.exitsWhileCorrupt);
    const db = file ? readFakeDb(file.content) : null;
    return db === null || db.fatal !== undefined || checkRows(db, 'quick_check').length > 0;
  }

  private setState(entry: FakeContainer, state: ContainerStateName): void {
    entry.summary = { ...entry.summary, state, status: statusOf(state) };
  }

  private stopByHand(entry: FakeContainer): void {
    const wasRunning = entry.summary.state === 'running';
    this.setState(entry, 'exited');
    entry.stoppedByHand = true;
    if (wasRunning) this.swarm.onContainerStopped(entry.summary.id);
  }

  // The volume holding `path` (longest mount destination that contains it) or the container's own layer.
  private resolve(entry: FakeContainer, path: string): { store: Store; key: string } {
    if (!path.startsWith('/')) throw new Error(`FakeContainerRuntime: relative container path ${JSON.stringify(path)}`);
    const normal = posix.normalize(path).replace(/(.)\/$/, '$1');
    const mount = entry.mounts
      .filter((candidate) => normal === candidate.destination || normal.startsWith(`${candidate.destination}/`))
      .sort((a, b) => b.destination.length - a.destination.length)[0];
    const id = mount ? storeKey(mount) : `layer:${entry.summary.id}`;
    if (!this.stores.has(id)) this.stores.set(id, { files: new Map(), dirs: new Set(['/']) });
    const key = mount ? posix.join('/', posix.relative(mount.destination, normal)) : normal;
    return { store: this.stores.get(id) as Store, key };
  }

  private mustRead(id: string, path: string): FakeFile {
    const { store, key } = this.resolve(this.find(id), path);
    const file = store.files.get(key);
    if (!file) throw new RescueError(`no such file or directory in ${id}: ${path}`, { kind: 'operator', exitCode: 2 });
    return file;
  }

  private answerExec(entry: FakeContainer, argv: string[]): ExecAnswer {
    const [binary, ...args] = argv;
    if (this.missingBinaries.has(binary)) {
      return {
        exitCode: 127,
        stdout: `OCI runtime exec failed: exec failed: unable to start container process: exec: "${binary}": executable file not found in $PATH: unknown\r\n`,
        stderr: '',
      };
    }
    // find-container's probe: which of the tools named exist in the image.
    if (binary === 'sh' && args[0] === '-c' && args[1] === PROBE_SCRIPT) {
      return ok(
        args
          .slice(3)
          .filter((tool) => !this.missingBinaries.has(tool))
          .map((tool) => `${tool}\n`)
          .join(''),
      );
    }
    if (args.length === 1 && args[0] === '--help') return ok(`Usage: ${binary}\n`);
    if (binary === 'sh' && args[0] === '-c' && args[1] === WALK_SCRIPT) return this.walkScript(entry, args.slice(3));
    // test-backups' loop: each answer of the sqlite3 CLI (stdout and stderr together), then "<mark> <exit code>".
    if (binary === 'sh' && args[0] === '-c' && args[1] === CHECK_LOOP) {
      const [sql, mark, ...uris] = args.slice(3);
      const pragma = /^PRAGMA mmap_size=(\d+); PRAGMA (quick_check|integrity_check);$/.exec(sql);
      if (!pragma) throw new Error(`FakeContainerRuntime: check loop with SQL it does not model: ${sql}`);
      const out = uris.map((uri) => {
        const answer = this.missingBinaries.has('sqlite3')
          ? fail(127, 'sh: sqlite3: not found\n')
          : this.sqliteIntegrity(entry, uri, pragma[2] as 'quick_check' | 'integrity_check', pragma[1]);
        return `${answer.stdout}${answer.stderr}${mark} ${answer.exitCode}\n`;
      });
      return ok(out.join(''));
    }
    // Our checks set a memory map first: the CLI prints the size SQLite settled on, then the check's rows.
    const check = /^PRAGMA mmap_size=(\d+); PRAGMA (quick_check|integrity_check);$/.exec(args[2] ?? '');
    if (binary === 'sqlite3' && args.length === 3 && args[0] === '-readonly' && check)
      return this.sqliteIntegrity(entry, args[1], check[2] as 'quick_check' | 'integrity_check', check[1]);
    if (binary === 'sqlite3' && args.length === 4 && args[0] === '-readonly' && args[1] === '-json')
      return this.sqliteQuery(entry, args[2], args[3]);
    if (binary === 'sha256sum' && args.length === 1) {
      const file = this.fileIn(entry, args[0]);
      return file ? ok(`${sha256Of(file.content)}  ${args[0]}\n`) : fail(1, `sha256sum: ${args[0]}: No such file or directory\n`);
    }
    if (binary === 'stat' && args.length === 3 && args[0] === '-c' && args[1] === '%u %g %a') {
      const file = this.fileIn(entry, args[2]);
      return file
        ? ok(`${file.uid} ${file.gid} ${file.mode.toString(8)}\n`)
        : fail(1, `stat: cannot statx '${args[2]}': No such file or directory\n`);
    }
    if (binary === 'find' && args.length === 5 && args.slice(1).join(' ') === '-maxdepth 1 -type f')
      return this.findFiles(entry, args[0], '\n');
    if (binary === 'find' && args.length === 6 && args.slice(1).join(' ') === '-maxdepth 1 -type f -print0')
      return this.findFiles(entry, args[0], '\0');
    if (binary === 'mkdir' && args.length === 2 && args[0] === '-p') {
      const { store, key } = this.resolve(entry, args[1]);
      if (store.files.has(key)) return fail(1, `mkdir: can't create directory '${args[1]}': File exists\n`);
      for (let dir = key; dir !== '/'; dir = posix.dirname(dir)) store.dirs.add(dir);
      return ok('');
    }
    if (binary === 'mv' && args.length === 2) return this.move(entry, args[0], args[1]);
    if (binary === 'cp' && args.length === 2) return this.copy(entry, args[0], args[1]);
    // The one file the tool may remove is its own staged copy (a snapshot that failed its check): anything else is
    // a broken safety rule, so the fake fails loudly.
    if (binary === 'rm' && args.length === 2 && args[0] === '-f') {
      if (!/\/\.[^/]+\.rescue-[^/]+\.incoming$/.test(args[1]))
        throw new Error(`FakeContainerRuntime: rm of ${args[1]}, which is not a staged copy: nothing else may be deleted`);
      const { store, key } = this.resolve(entry, args[1]);
      store.files.delete(key);
      return ok('');
    }
    if (binary === 'df' && args.length === 2 && args[0] === '-Pk') {
      const kb = Math.floor(this.freeBytes / 1024);
      return ok(
        `Filesystem     1024-blocks    Used Available Capacity Mounted on\n/dev/sda1         20511356 9000000 ${kb}  45% ${args[1]}\n`,
      );
    }
    // Dry-run probes whether the helper's binaries exist.
    if (['sleep', 'mkdir', 'mv'].includes(binary) && args.length === 1 && args[0] === '--help') return ok(`Usage: ${binary} ...\n`);
    throw new Error(`FakeContainerRuntime: exec of an argv it does not model: ${JSON.stringify(argv)}`);
  }

  private fileIn(entry: FakeContainer, path: string): FakeFile | undefined {
    const { store, key } = this.resolve(entry, path);
    return store.files.get(key);
  }

  private openDb(entry: FakeContainer, target: string): { db: ReturnType<typeof readFakeDb>; error?: ExecAnswer } {
    let path = target;
    if (target.startsWith('file:')) {
      if (!target.endsWith('?immutable=1')) throw new Error(`FakeContainerRuntime: unexpected sqlite URI ${target}`);
      path = target.slice('file:'.length, -'?immutable=1'.length).replaceAll('%3f', '?').replaceAll('%23', '#').replaceAll('%25', '%');
    }
    const file = this.fileIn(entry, path);
    if (!file) return { db: null, error: fail(1, `Error: unable to open database "${target}": unable to open database file\n`) };
    const db = readFakeDb(file.content);
    if (db === null) return { db, error: fail(26, 'Error: file is not a database\n') };
    if (db.fatal) return { db, error: fail(11, `Error: ${db.fatal}\n`) };
    return { db };
  }

  private sqliteIntegrity(entry: FakeContainer, target: string, check: 'quick_check' | 'integrity_check', mmapSize: string): ExecAnswer {
    const { db, error } = this.openDb(entry, target);
    if (error || !db) return error as ExecAnswer;
    const errors = checkRows(db, check);
    return ok(`${mmapSize}\n${errors.length === 0 ? 'ok\n' : `*** in database main ***\n${errors.join('\n')}\n`}`);
  }

  private sqliteQuery(entry: FakeContainer, target: string, sql: string): ExecAnswer {
    const { db, error } = this.openDb(entry, target);
    if (error || !db) return error as ExecAnswer;
    const names = Object.keys(db.tables).sort();
    if (sql === LIST_TABLES_SQL) return ok(names.length === 0 ? '' : `[${names.map((name) => JSON.stringify({ name })).join(',\n')}]\n`);
    if (!sql.endsWith(';')) throw new Error(`FakeContainerRuntime: SQL without a final ';': ${sql}`);
    const rows = sql
      .slice(0, -1)
      .split(' UNION ALL ')
      .map((part) => {
        const match = COUNT_PART.exec(part);
        if (!match) throw new Error(`FakeContainerRuntime: SQL it does not model: ${sql}`);
        return { name: match[1].replaceAll("''", "'"), table: match[2].replaceAll('""', '"') };
      });
    const unknown = rows.find((row) => db.tables[row.table] === undefined);
    if (unknown) return fail(1, `Parse error: no such table: ${unknown.table}\n`);
    return ok(`[${rows.map((row) => JSON.stringify({ name: row.name, n: db.tables[row.table] })).join(',\n')}]\n`);
  }

  private findFiles(entry: FakeContainer, dir: string, terminator: string): ExecAnswer {
    const { store, key } = this.resolve(entry, dir);
    if (!isDir(store, key)) return fail(1, `find: '${dir}': No such file or directory\n`);
    const names = [...store.files.keys()]
      .filter((file) => posix.dirname(file) === key)
      .map((file) => posix.join(dir, posix.basename(file)));
    return ok(names.map((name) => `${name}${terminator}`).join(''));
  }

  // A rename within one filesystem; across two it would be a copy, which the safety rules forbid: fail loudly.
  // cp into an existing folder, to a new name: a copy may cross filesystems (the upload's bind mount to the volume).
  private copy(entry: FakeContainer, from: string, to: string): ExecAnswer {
    const source = this.resolve(entry, from);
    const file = source.store.files.get(source.key);
    if (!file) return fail(1, `cp: can't stat '${from}': No such file or directory\n`);
    const dest = this.resolve(entry, to);
    if (!isDir(dest.store, posix.dirname(dest.key))) return fail(1, `cp: can't create '${to}': No such file or directory\n`);
    const mount = entry.mounts.find((candidate) => to.startsWith(`${candidate.destination}/`));
    if (mount && !mount.rw) return fail(1, `cp: can't create '${to}': Read-only file system\n`);
    dest.store.files.set(dest.key, { ...file, content: Buffer.from(file.content), mtime: new Date(this.clock.now()).toISOString() });
    return ok('');
  }

  private move(entry: FakeContainer, from: string, to: string): ExecAnswer {
    const source = this.resolve(entry, from);
    const file = source.store.files.get(source.key);
    if (!file) return fail(1, `mv: can't rename '${from}': No such file or directory\n`);
    let dest = this.resolve(entry, to);
    if (to.endsWith('/') || isDir(dest.store, dest.key)) dest = this.resolve(entry, posix.join(to, posix.basename(from)));
    if (dest.store !== source.store) throw new Error(`FakeContainerRuntime: mv ${from} ${to} crosses filesystems (a copy, not a rename)`);
    if (!isDir(dest.store, posix.dirname(dest.key))) return fail(1, `mv: can't rename '${from}': No such file or directory\n`);
    source.store.files.delete(source.key);
    dest.store.files.set(dest.key, file);
    return ok('');
  }
}

function storeKey(mount: Mount): string {
  return mount.type === 'volume' ? `volume:${mount.name}` : `bind:${mount.source}`;
}

function isDir(store: Store, key: string): boolean {
  if (store.dirs.has(key)) return true;
  return [...store.files.keys()].some((file) => file.startsWith(`${key === '/' ? '' : key}/`));
}

function statusOf(state: ContainerStateName): string {
  return state === 'running' ? 'Up 3 hours' : state === 'exited' ? 'Exited (0) 2 minutes ago' : state;
}

function ok(stdout: string): ExecAnswer {
  return { exitCode: 0, stdout, stderr: '' };
}

function fail(exitCode: number, stderr: string): ExecAnswer {
  return { exitCode, stdout: '', stderr };
}

// `od -An -tx1 -v`: sixteen bytes a line, each as " xx".
function odLines(bytes: Buffer): string[] {
  const lines: string[] = [];
  const hex = (byte: number) => ` ${byte.toString(16).padStart(2, '0')}`;
  for (let at = 0; at < bytes.length; at += 16) lines.push([...bytes.subarray(at, at + 16)].map(hex).join(''));
  return lines;
}
