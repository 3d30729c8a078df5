// A Docker engine of the test's own, for what must not happen to the shared one (restarting it), and for tests whose
// result depends on everything on the engine (`scan` looks at every container; the shared one holds others'). dockerd runs in a
// network namespace of its own (its bridge and routes never touch the host's docker0), with its own data root, exec
// root, pid file and socket under one folder. Needs root, iproute2 and nsenter. Stopped and removed by stop().
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { execa } from 'execa';
import { waitUntil } from '../wait-until.js';

export interface PrivateEngine {
  /** `unix:///tmp/<name>/docker.sock`: what DOCKER_HOST must say to reach it. */
  dockerHost: string;
  /** Stops dockerd (SIGTERM, as a package upgrade or `systemctl restart docker` does) and starts it again. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function answers(dockerHost: string): Promise<boolean> {
  const result = await execa('docker', ['info', '--format', '{{.ServerVersion}}'], {
    reject: false,
    timeout: 10_000,
    env: { DOCKER_HOST: dockerHost },
  });
  return result.exitCode === 0;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** `images`: copied from the shared engine by `docker save | docker load` (there is no registry). */
export async function startPrivateEngine(name: string, opts: { images?: string[] } = {}): Promise<PrivateEngine> {
  if (process.getuid?.() !== 0) throw new Error('a private dockerd needs root (its own network namespace, data root and mounts)');
  const dir = `/tmp/${name}`;
  const dockerHost = `unix://${dir}/docker.sock`;
  const pidFile = `${dir}/dockerd.pid`;
  mkdirSync(dir, { recursive: true });
  await execa('ip', ['netns', 'add', name]);
  await execa('ip', ['netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up']);
  // nsenter enters the network namespace only: `ip netns exec` would remount /sys and hide the cgroups from dockerd.
  const args = [
    '--net=/var/run/netns/' + name,
    'dockerd',
    '--data-root',
    `${dir}/data`,
    '--exec-root',
    `${dir}/x`,
    '--pidfile',
    pidFile,
    '-H',
    dockerHost,
    '--iptables=false',
    '--ip6tables=false',
  ];
  const launch = async () => {
    const log = openSync(`${dir}/dockerd.log`, 'a');
    spawn('nsenter', args, { detached: true, stdio: ['ignore', log, log] }).unref();
    closeSync(log);
    await waitUntil(`the private dockerd ${name} answers (see ${dir}/dockerd.log)`, () => answers(dockerHost), {
      timeoutMs: 60_000,
      intervalMs: 250,
    });
  };
  const halt = async () => {
    if (!existsSync(pidFile)) return;
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    process.kill(pid, 'SIGTERM');
    await waitUntil(`the private dockerd ${name} (pid ${pid}) has exited`, () => !isAlive(pid), { timeoutMs: 60_000, intervalMs: 100 });
  };
  await launch();
  for (const image of opts.images ?? [])
    await execa('sh', ['-c', 'docker save "$1" | DOCKER_HOST="$2" docker load', 'sh', image, dockerHost], { env: { DOCKER_HOST: '' } });
  return {
    dockerHost,
    restart: async () => {
      await halt();
      await launch();
    },
    stop: async () => {
      await halt();
      await execa('ip', ['netns', 'del', name], { reject: false });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
