// The engine on this machine: DOCKER_HOST when set (unix://, tcp://, ...), else the default socket,
// resolved by docker-modem exactly as the docker CLI would.
import { readFile } from 'node:fs/promises';
import Dockerode from 'dockerode';
import { DockerRuntime } from './docker-runtime.js';
import type { EngineHostFiles } from './pid1-signals.js';

// Behind a unix socket the engine usually runs on this machine; readPid1Signals still proves each pid by its cgroup,
// so an engine in a VM (Docker Desktop) reads as "not this machine", never as a wrong answer.
const THIS_MACHINE: EngineHostFiles = {
  describe: 'this machine',
  readFile: (path) => readFile(path, 'utf8').catch(() => null),
};

export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

export function createLocalRuntime(env: NodeJS.ProcessEnv = process.env): DockerRuntime {
  const dockerHost = env.DOCKER_HOST?.trim();
  if (!dockerHost) {
    const docker = new Dockerode({ socketPath: DEFAULT_DOCKER_SOCKET });
    return new DockerRuntime(docker, `local Docker engine (${DEFAULT_DOCKER_SOCKET})`, { engineHost: THIS_MACHINE });
  }
  if (dockerHost.startsWith('unix://')) {
    const socketPath = dockerHost.slice('unix://'.length) || DEFAULT_DOCKER_SOCKET;
    return new DockerRuntime(new Dockerode({ socketPath }), `local Docker engine (${socketPath})`, { engineHost: THIS_MACHINE });
  }
  const docker = new Dockerode(env === process.env ? undefined : parseDockerHostForModem(dockerHost));
  return new DockerRuntime(docker, `Docker engine at ${dockerHost} (DOCKER_HOST)`);
}

// docker-modem reads process.env by itself; an explicit env (tests) is translated for plain tcp hosts only.
function parseDockerHostForModem(dockerHost: string): Dockerode.DockerOptions {
  const url = new URL(dockerHost.includes('//') ? dockerHost : `tcp://${dockerHost}`);
  return { host: url.hostname, port: url.port, protocol: url.port === '2376' ? 'https' : 'http' };
}
