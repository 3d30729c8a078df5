// A Dockerode whose API calls travel over the one SSH connection: streamlocal forwarding to the Docker socket, or,
// when that is refused although the socket is there (sshd forbids forwarding), `docker system dial-stdio` in an exec
// channel. Checks that the engine answers and, when it does not, says whether Docker is not installed, not running,
// or not permitted.
import type { Duplex } from 'node:stream';
import Dockerode from 'dockerode';
import { RuntimeUnavailableError } from '../../runbook/errors.js';
import { ForwardingAgent } from './forwarding-agent.js';
import { SocketForwardError } from './socket-forward-error.js';
import type { SshRemoteHost } from './ssh-remote-host.js';

export interface RemoteDockerode {
  docker: Dockerode;
  /** For humans and the incident record, e.g. `ssh root@host:22 → /var/run/docker.sock (streamlocal)`. */
  transport: string;
}

const DEFAULT_SOCKET = '/var/run/docker.sock';
const PING_TIMEOUT_MS = 15_000;

interface ServerFacts {
  socketExists: boolean;
  socketWritable: boolean;
  dockerCli?: string;
}

export async function createRemoteDockerode(host: SshRemoteHost, opts: { socketPath?: string } = {}): Promise<RemoteDockerode> {
  const socketPath = opts.socketPath ?? DEFAULT_SOCKET;
  const { user, host: hostname, port } = host.identity();
  const via = `ssh ${user}@${hostname}:${port}`;
  let open: () => Promise<Duplex>;
  let transport: string;
  try {
    ((await host.openDockerSocket(socketPath)) as Duplex).destroy();
    open = async () => (await host.openDockerSocket(socketPath)) as Duplex;
    transport = `${via} → ${socketPath} (streamlocal)`;
  } catch (error) {
    if (!(error instanceof SocketForwardError)) throw error;
    const facts = await readServerFacts(host, socketPath);
    if (!facts.socketExists || !facts.socketWritable || !facts.dockerCli) throw explain(host, socketPath, facts, error);
    const argv =
      socketPath === DEFAULT_SOCKET ? ['docker', 'system', 'dial-stdio'] : ['docker', '-H', `unix://${socketPath}`, 'system', 'dial-stdio'];
    open = () => host.openCommandStream(argv);
    transport = `${via} → docker system dial-stdio (sshd refused to forward to ${socketPath})`;
  }

  // docker-modem hands `agent` to http.request; the host name only fills the Host header.
  const docker = new Dockerode({ protocol: 'http', host: 'docker', agent: new ForwardingAgent(open) } as Dockerode.DockerOptions);
  try {
    await withTimeout(docker.ping(), PING_TIMEOUT_MS);
  } catch (error) {
    throw explain(host, socketPath, await readServerFacts(host, socketPath), error);
  }
  return { docker, transport };
}

async function readServerFacts(host: SshRemoteHost, socketPath: string): Promise<ServerFacts> {
  const [exists, writable, cli] = await Promise.all([
    host.exec(['test', '-S', socketPath]),
    host.exec(['test', '-w', socketPath]),
    host.exec(['command', '-v', 'docker']),
  ]);
  return {
    socketExists: exists.exitCode === 0,
    socketWritable: writable.exitCode === 0,
    dockerCli: cli.exitCode === 0 && cli.stdout.trim() !== '' ? cli.stdout.trim() : undefined,
  };
}

function explain(host: SshRemoteHost, socketPath: string, facts: ServerFacts, cause: unknown): RuntimeUnavailableError {
  const { user, host: hostname } = host.identity();
  if (!facts.socketExists && !facts.dockerCli) {
    return new RuntimeUnavailableError(
      `Docker is not installed on ${hostname}: no docker command and no socket at ${socketPath}`,
      'check that --host names the server that runs the app, or install Docker there',
      cause,
    );
  }
  if (!facts.socketExists) {
    return new RuntimeUnavailableError(
      `Docker is installed on ${hostname} (${facts.dockerCli}) but there is no daemon socket at ${socketPath}: the daemon is not running or listens elsewhere`,
      'start it (`sudo systemctl start docker`); rootless Docker listens at $XDG_RUNTIME_DIR/docker.sock',
      cause,
    );
  }
  if (!facts.socketWritable) {
    return new RuntimeUnavailableError(
      `user ${user} on ${hostname} may not use the Docker socket ${socketPath}`,
      `connect as a user in the docker group (\`sudo usermod -aG docker ${user}\`, then log in again) or as root`,
      cause,
    );
  }
  if (cause instanceof SocketForwardError && !facts.dockerCli) {
    return new RuntimeUnavailableError(
      `${hostname} refuses to forward to ${socketPath} (sshd_config AllowStreamLocalForwarding or DisableForwarding?) and has no docker command to fall back on`,
      'allow stream-local forwarding for this user in sshd_config, or install the docker CLI on the server',
      cause,
    );
  }
  return new RuntimeUnavailableError(
    `the Docker engine behind ${socketPath} on ${hostname} did not answer: ${cause instanceof Error ? cause.message : String(cause)}`,
    'check it on the server: `docker info` (and `sudo systemctl status docker`)',
    cause,
  );
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
