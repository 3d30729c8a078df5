// Makes sure a Docker engine answers before integration tests run. On a fresh Debian machine (as root) it
// installs docker.io and starts dockerd in the background; when that is impossible it throws, so tests that
// need Docker fail loudly instead of being skipped.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { execa } from 'execa';

export const DOCKERD_LOG = '/tmp/sqlite-rescue-dockerd.log';
const START_TIMEOUT_MS = 60_000;

export type EngineSetup = 'already running' | 'started dockerd' | 'installed docker.io and started dockerd';

export async function ensureDockerEngine(): Promise<EngineSetup> {
  if (await isEngineAnswering()) return 'already running';
  if (process.getuid?.() !== 0) {
    throw new Error(
      'no Docker engine answers (`docker info` failed) and this is not root, so dockerd cannot be started here: ' +
        'start Docker (or set DOCKER_HOST) and run the tests again',
    );
  }

  let installed = false;
  if (!(await hasCommand('dockerd')) || !(await hasCommand('docker'))) {
    await aptInstall(['docker.io']);
    installed = true;
  }
  startDockerd();
  await waitForEngine();
  return installed ? 'installed docker.io and started dockerd' : 'started dockerd';
}

export async function isEngineAnswering(): Promise<boolean> {
  const result = await execa('docker', ['info', '--format', '{{.ServerVersion}}'], { reject: false, timeout: 15_000 });
  return result.exitCode === 0;
}

export async function hasCommand(name: string): Promise<boolean> {
  const result = await execa('sh', ['-c', 'command -v "$1"', 'sh', name], { reject: false });
  return result.exitCode === 0;
}

export async function aptInstall(packages: string[]): Promise<void> {
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  await execa('apt-get', ['update'], { env, stdio: 'ignore' });
  await execa('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { env, stdio: 'ignore' });
}

// Detached with its own log, so it outlives the test run like a service would. node's spawn rather than
// execa: nothing waits for this process, and execa's types take only literal file descriptors.
function startDockerd(): void {
  const log = openSync(DOCKERD_LOG, 'a');
  const daemon = spawn('dockerd', [], { detached: true, stdio: ['ignore', log, log] });
  daemon.on('error', () => undefined);
  daemon.unref();
  closeSync(log);
}

async function waitForEngine(): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (await isEngineAnswering()) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const logHint = existsSync(DOCKERD_LOG) ? `; see ${DOCKERD_LOG}` : '';
  throw new Error(`dockerd was started but \`docker info\` still fails after ${START_TIMEOUT_MS / 1000} s${logHint}`);
}
