// What PID 1 of a container does with SIGTERM, from its /proc status: an exec of `cat` when the container runs and has
// one, else the engine host's own /proc for State.Pid, proven to be that container's process by its cgroup.
import type Dockerode from 'dockerode';
import type { Pid1Signals, Pid1SignalsReading } from '../../ports/container-runtime.js';
import { runExec } from './exec.js';

/** The engine host's files, where the adapter can read them (this machine for a local engine, the server over SSH). */
export interface EngineHostFiles {
  /** Where, for the reason given when reading fails: `this machine`, `the server over SSH`. */
  describe: string;
  /** The file's text; null when it is absent or unreadable. */
  readFile(path: string): Promise<string | null>;
}

const EXEC_TIMEOUT_MS = 10_000;
// Signal n is bit n-1 of the masks in /proc/<pid>/status.
const SIGTERM_BIT = 14n;

export async function readPid1Signals(docker: Dockerode, id: string, engineHost: EngineHostFiles | undefined): Promise<Pid1SignalsReading> {
  const info = await docker.getContainer(id).inspect();
  const name = info.Name.replace(/^\//, '');
  if (!info.State.Running || info.State.Pid <= 0) {
    return { known: false, reason: `${name} is ${info.State.Status}: it has no PID 1 to look at` };
  }
  const pid = info.State.Pid;
  // With --pid host the container's /proc/1 is the host's init: its own process is State.Pid there too.
  const procDir = info.HostConfig?.PidMode === 'host' ? `/proc/${pid}` : '/proc/1';
  const viaExec = await readThroughExec(docker, info.Id, procDir);
  if ('signals' in viaExec) return { known: true, signals: viaExec.signals };
  if (!engineHost) return { known: false, reason: `${viaExec.reason}, and the engine's host cannot be read from here` };
  const viaHost = await readOnEngineHost(engineHost, info.Id, pid);
  if ('signals' in viaHost) return { known: true, signals: viaHost.signals };
  return { known: false, reason: `${viaExec.reason}; ${viaHost.reason}` };
}

type Attempt = { signals: Pid1Signals } | { reason: string };

// cmdline ends in NUL and status has none, so one `cat` of both splits at the last NUL.
async function readThroughExec(docker: Dockerode, id: string, procDir: string): Promise<Attempt> {
  let result;
  try {
    result = await runExec(docker, id, ['cat', `${procDir}/cmdline`, `${procDir}/status`], EXEC_TIMEOUT_MS);
  } catch (error) {
    return { reason: `exec in the container failed (${(error as Error).message})` };
  }
  if (result.exitCode === 126 || result.exitCode === 127) return { reason: 'the image has no cat to read /proc/1/status with' };
  if (result.exitCode !== 0) return { reason: `cat ${procDir}/status in the container exited ${result.exitCode}: ${result.stderr.trim()}` };
  const split = result.stdout.lastIndexOf('\0') + 1;
  return parseProc(result.stdout.slice(split), result.stdout.slice(0, split), 'exec');
}

async function readOnEngineHost(host: EngineHostFiles, containerId: string, pid: number): Promise<Attempt> {
  const cgroup = await host.readFile(`/proc/${pid}/cgroup`);
  if (cgroup === null) return { reason: `/proc/${pid} cannot be read on ${host.describe}` };
  // A pid of another machine (an engine in a VM) or a reused one: only the container's own cgroup proves it.
  if (!cgroup.includes(containerId)) {
    return { reason: `process ${pid} on ${host.describe} is not in the container's cgroup (the engine runs elsewhere)` };
  }
  const [status, cmdline] = await Promise.all([host.readFile(`/proc/${pid}/status`), host.readFile(`/proc/${pid}/cmdline`)]);
  if (status === null || cmdline === null) return { reason: `/proc/${pid}/status cannot be read on ${host.describe}` };
  return parseProc(status, cmdline, 'engine-host');
}

export function parseProc(status: string, cmdline: string, via: Pid1Signals['via']): Attempt {
  const mask = (key: string) => {
    const hex = new RegExp(`^${key}:\\s*([0-9a-fA-F]+)\\s*$`, 'm').exec(status)?.[1];
    return hex === undefined ? undefined : BigInt(`0x${hex}`);
  };
  const caught = mask('SigCgt');
  const ignored = mask('SigIgn');
  if (caught === undefined || ignored === undefined) return { reason: 'its /proc status has no SigCgt/SigIgn lines' };
  return {
    signals: {
      catchesSigterm: ((caught >> SIGTERM_BIT) & 1n) === 1n,
      ignoresSigterm: ((ignored >> SIGTERM_BIT) & 1n) === 1n,
      command: cmdline === '' ? [] : cmdline.replace(/\0$/, '').split('\0'),
      via,
    },
  };
}
