// The server's files as DockerRuntime's engineHost: the engine reached over this SSH connection runs on that server,
// so its /proc is the engine host's (world-readable status, cmdline and cgroup of each process).
import type { EngineHostFiles } from '../dockerode/pid1-signals.js';
import type { SshRemoteHost } from './ssh-remote-host.js';

export function remoteEngineHostFiles(host: SshRemoteHost): EngineHostFiles {
  const { host: hostname } = host.identity();
  return {
    describe: `${hostname} (over SSH)`,
    readFile: async (path) => {
      const result = await host.exec(['cat', path], { timeoutMs: 10_000 }).catch(() => null);
      return result && result.exitCode === 0 ? result.stdout : null;
    },
  };
}
