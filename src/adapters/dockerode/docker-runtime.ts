// ContainerRuntime over a Dockerode instance. The instance is injected, so the same class serves the local
// socket and a server reached over SSH; `describe` says which one for humans, and `engineHost` (when given) reads the
// engine host's files for what the API does not tell (PID 1's signal mask when the image has no cat).
import { createHash } from 'node:crypto';
import type Dockerode from 'dockerode';
import type {
  ArchiveWalk,
  ArchiveWalkLimits,
  ContainerDetails,
  ContainerRuntime,
  ContainerSummary,
  ExecResult,
  FileOwner,
  HelperSpec,
  PathStat,
  Pid1SignalsReading,
  ProgressFn,
  RestartPolicy,
  ServiceGoal,
  SwarmService,
} from '../../ports/container-runtime.js';
import { RescueError } from '../../runbook/errors.js';
import { copyFileIn } from './archive-in.js';
import { copyFileOut, readFileThrough } from './archive-out.js';
import { walkArchiveOf } from './archive-walk.js';
import { getStatusCode, makeUnavailableError, toRuntimeError } from './engine-errors.js';
import { runExec } from './exec.js';
import { removeHelperContainer, startHelperContainer } from './helper.js';
import { importRootfs } from './import-image.js';
import { toDetails, toSummary } from './map-container.js';
import { headPath } from './path-stat.js';
import { readPid1Signals, type EngineHostFiles } from './pid1-signals.js';
import { inspectSwarmService, readSwarmNodeId, scaleSwarmService, waitForSwarmService } from './swarm.js';

export interface DockerRuntimeOptions {
  /** The engine host's files, when this process can read them (see createLocalRuntime, remoteEngineHostFiles). */
  engineHost?: EngineHostFiles;
}

export class DockerRuntime implements ContainerRuntime {
  readonly docker: Dockerode;
  private readonly where: string;
  private readonly engineHost: EngineHostFiles | undefined;

  constructor(docker: Dockerode, describe: string, opts: DockerRuntimeOptions = {}) {
    this.docker = docker;
    this.where = describe;
    this.engineHost = opts.engineHost;
  }

  describe(): string {
    return this.where;
  }

  async ping(): Promise<void> {
    try {
      await this.docker.ping();
    } catch (error) {
      throw makeUnavailableError(this.where, error);
    }
  }

  listContainers(): Promise<ContainerSummary[]> {
    return this.call('list containers', undefined, async () => (await this.docker.listContainers({ all: true })).map(toSummary));
  }

  inspect(idOrName: string): Promise<ContainerDetails> {
    return this.call(`inspect ${idOrName}`, idOrName, async () => toDetails(await this.docker.getContainer(idOrName).inspect()));
  }

  exec(id: string, argv: string[], opts: { timeoutMs?: number } = {}): Promise<ExecResult> {
    return this.call(`exec in ${id}`, id, () => runExec(this.docker, id, argv, opts.timeoutMs));
  }

  statPath(id: string, path: string): Promise<PathStat | null> {
    return this.call(`stat ${path} in ${id}`, id, async () => {
      try {
        return await headPath(this.docker, id, path);
      } catch (error) {
        if (getStatusCode(error) !== 404) throw error;
        // The engine says 404 both for a missing path and a missing container.
        await this.inspect(id);
        return null;
      }
    });
  }

  copyOut(id: string, path: string, localDir: string): Promise<string> {
    return this.call(`copy ${path} out of ${id}`, id, () =>
      this.withMissingPath(id, path, () => copyFileOut(this.docker, id, path, localDir)),
    );
  }

  readFile(id: string, path: string, consume: (chunk: Buffer) => void): Promise<number> {
    return this.call(`read ${path} in ${id}`, id, () =>
      this.withMissingPath(id, path, () => readFileThrough(this.docker, id, path, consume)),
    );
  }

  sha256(id: string, path: string): Promise<string> {
    return this.call(`hash ${path} in ${id}`, id, async () => {
      const hasher = createHash('sha256');
      await this.withMissingPath(id, path, () => readFileThrough(this.docker, id, path, (chunk) => hasher.update(chunk)));
      return hasher.digest('hex');
    });
  }

  copyIn(
    id: string,
    localPath: string,
    containerDir: string,
    name: string,
    opts: { owner?: FileOwner; onProgress?: ProgressFn } = {},
  ): Promise<void> {
    return this.call(`copy ${localPath} into ${id}:${containerDir}`, id, () =>
      this.withMissingPath(id, containerDir, () => copyFileIn(this.docker, id, localPath, containerDir, name, opts)),
    );
  }

  stop(id: string, timeoutSec: number): Promise<void> {
    return this.call(`stop ${id}`, id, async () => {
      await this.docker.getContainer(id).stop({ t: timeoutSec }).catch(ignoreNotModified);
    });
  }

  start(id: string): Promise<void> {
    return this.call(`start ${id}`, id, async () => {
      await this.docker.getContainer(id).start().catch(ignoreNotModified);
    });
  }

  startHelper(targetId: string, spec: HelperSpec): Promise<string> {
    return this.call(`start helper ${spec.name} for ${targetId}`, targetId, () => startHelperContainer(this.docker, targetId, spec));
  }

  removeHelper(helperId: string): Promise<void> {
    return this.call(`remove helper ${helperId}`, helperId, () => removeHelperContainer(this.docker, helperId));
  }

  walkArchive(id: string, path: string, limits: ArchiveWalkLimits): Promise<ArchiveWalk | null> {
    return this.call(`walk ${path} in ${id}`, id, async () => {
      try {
        return await walkArchiveOf(this.docker, id, path, limits);
      } catch (error) {
        if (getStatusCode(error) !== 404) throw error;
        // The engine says 404 both for a missing path and a missing container.
        await this.inspect(id);
        return null;
      }
    });
  }

  setRestartPolicy(id: string, policy: RestartPolicy): Promise<void> {
    return this.call(`set the restart policy of ${id} to ${policy.name}`, id, async () => {
      await this.docker.getContainer(id).update({ RestartPolicy: { Name: policy.name, MaximumRetryCount: policy.maximumRetryCount } });
    });
  }

  readPid1Signals(id: string): Promise<Pid1SignalsReading> {
    return this.call(`read PID 1's signals in ${id}`, id, () => readPid1Signals(this.docker, id, this.engineHost));
  }

  kill(id: string, signal: string): Promise<boolean> {
    return this.call(`send ${signal} to ${id}`, id, async () => {
      try {
        await this.docker.getContainer(id).kill({ signal });
        return true;
      } catch (error) {
        // 409: "is not running"; the engine checks that before it signals anything.
        if (getStatusCode(error) === 409 && !(await this.docker.getContainer(id).inspect()).State.Running) return false;
        throw error;
      }
    });
  }

  swarmNodeId(): Promise<string | null> {
    return this.call('read the swarm node id', undefined, () => readSwarmNodeId(this.docker));
  }

  inspectService(serviceIdOrName: string): Promise<SwarmService> {
    return this.call(`inspect service ${serviceIdOrName}`, undefined, () => inspectSwarmService(this.docker, serviceIdOrName));
  }

  scaleService(serviceIdOrName: string, replicas: number): Promise<void> {
    return this.call(`scale service ${serviceIdOrName} to ${replicas}`, undefined, () =>
      scaleSwarmService(this.docker, serviceIdOrName, replicas),
    );
  }

  waitForService(serviceIdOrName: string, goal: ServiceGoal, timeoutMs: number): Promise<SwarmService> {
    return this.call(`wait for service ${serviceIdOrName}`, undefined, () =>
      waitForSwarmService(this.docker, serviceIdOrName, goal, timeoutMs),
    );
  }

  hasImage(ref: string): Promise<boolean> {
    return this.call(`inspect image ${ref}`, undefined, async () => {
      try {
        await this.docker.getImage(ref).inspect();
        return true;
      } catch (error) {
        if (getStatusCode(error) === 404) return false;
        throw error;
      }
    });
  }

  importImage(ref: string, rootfs: NodeJS.ReadableStream, changes: string[]): Promise<void> {
    return this.call(`import image ${ref}`, undefined, () => importRootfs(this.docker, ref, rootfs, changes));
  }

  private async call<T>(context: string, idOrName: string | undefined, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw toRuntimeError(error, context, this.where, idOrName);
    }
  }

  // Archive calls answer 404 for a missing container and for a missing path alike: tell them apart.
  private async withMissingPath<T>(id: string, path: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (getStatusCode(error) !== 404) throw error;
      await this.inspect(id);
      throw new RescueError(`no such file or directory in ${id}: ${path}`, {
        kind: 'operator',
        hint: `check the path with \`docker exec ${id} ls -l ${path}\``,
        exitCode: 2,
        cause: error,
      });
    }
  }
}

// 304: the container already is in the asked state, which is what idempotent stop/start want.
function ignoreNotModified(error: unknown): void {
  if (getStatusCode(error) !== 304) throw error;
}
