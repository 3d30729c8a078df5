// A Docker engine of the test's own (its own data root, exec root, socket, containerd and bridge, no iptables),
// for tests whose result depends on everything on the engine — `scan` looks at every container, and the shared
// engine holds other people's. Images come from the shared engine by `docker save | docker load` (no registry).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';

export interface PrivateEngine {
  /** For DOCKER_HOST. */
  host: string;
  dir: string;
  stop(): Promise<void>;
}

export async function startPrivateEngine(dir: string, images: string[]): Promise<PrivateEngine> {
  mkdirSync(dir, { recursive: true });
  const socket = join(dir, 'docker.sock');
  const host = `unix://${socket}`;
  const log = openSync(join(dir, 'dockerd.log'), 'a');
  // A bridge of its own: with --bridge=none dockerd deletes the default docker0 at start, and the shared engine's
  // containers then fail to start ("could not find bridge docker0"). Names are at most 15 characters.
  const bridge = `srtp${process.pid % 100_000}`;
  const subnet = 100 + (process.pid % 100);
  await execa('ip', ['link', 'del', bridge], { reject: false });
  await execa('ip', ['link', 'add', bridge, 'type', 'bridge']);
  await execa('ip', ['addr', 'add', `10.251.${subnet}.1/24`, 'dev', bridge]);
  await execa('ip', ['link', 'set', bridge, 'up']);
  const child: ChildProcess = spawn(
    'dockerd',
    [
      '--data-root',
      join(dir, 'root'),
      '--exec-root',
      join(dir, 'exec'),
      '--pidfile',
      join(dir, 'dockerd.pid'),
      '-H',
      host,
      `--bridge=${bridge}`,
      '--iptables=false',
      '--ip-masq=false',
    ],
    { stdio: ['ignore', log, log], detached: false },
  );
  closeSync(log);
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const info = await execa('docker', ['-H', host, 'info', '--format', '{{.ServerVersion}}'], { reject: false });
    if (info.exitCode === 0) break;
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`the private dockerd in ${dir} did not start (see ${join(dir, 'dockerd.log')})`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  for (const image of images) await execa('sh', ['-c', 'docker save "$1" | docker -H "$2" load', 'sh', image, host]);
  return {
    host,
    dir,
    async stop() {
      process.removeListener('exit', killOnExit);
      const ids = (await execa('docker', ['-H', host, 'ps', '-aq'], { reject: false })).stdout.split('\n').filter(Boolean);
      if (ids.length > 0) await execa('docker', ['-H', host, 'rm', '-f', '-v', ...ids], { reject: false });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      await execa('ip', ['link', 'del', bridge], { reject: false });
    },
  };
}
