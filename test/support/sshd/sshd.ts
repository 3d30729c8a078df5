// A real OpenSSH server on 127.0.0.1 for integration tests, with its own host key, an authorized client key and a
// client HOME whose ~/.ssh/config names it `rescue-test` and whose known_hosts already trusts it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { ensureSshd, SSHD_PATH } from './ensure-sshd.js';

export interface SshdOptions {
  /** Encrypts the client key with this passphrase. */
  clientKeyPassphrase?: string;
  /** Extra sshd_config lines, e.g. `AllowStreamLocalForwarding no`. */
  extraConfig?: string[];
  /** Directories put in front of PATH for sessions (to shadow a server command). */
  sessionPathPrefix?: string[];
  /** Replaces the sessions' PATH entirely (to hide a server command). */
  sessionPath?: string;
}

export interface Sshd {
  host: '127.0.0.1';
  port: number;
  /** The client's HOME: .ssh/config (alias `rescue-test`), .ssh/id_ed25519, .ssh/known_hosts. */
  home: string;
  clientKeyPath: string;
  /** Public half of the server's host key, as the base64 blob known_hosts holds. */
  hostKeyBase64: string;
  hostKeyFingerprint: string;
  /** Server-side scratch directory (the sshd runs on this machine, so tests can look at what arrived). */
  dir: string;
  logPath: string;
  stop(): Promise<void>;
}

export const TEST_ALIAS = 'rescue-test';

export async function startSshd(opts: SshdOptions = {}): Promise<Sshd> {
  await ensureSshd();
  const dir = await mkdtemp(join(tmpdir(), 'sqlite-rescue-sshd-'));
  const home = join(dir, 'home');
  const sshDir = join(home, '.ssh');
  await mkdir(sshDir, { recursive: true, mode: 0o700 });
  await mkdir('/run/sshd', { recursive: true });

  const hostKeyPath = join(dir, 'ssh_host_ed25519_key');
  const clientKeyPath = join(sshDir, 'id_ed25519');
  await keygen(hostKeyPath, '', 'test host key');
  await keygen(clientKeyPath, opts.clientKeyPassphrase ?? '', 'sqlite-rescue test client');
  await writeFile(join(dir, 'authorized_keys'), await readFile(`${clientKeyPath}.pub`));

  const port = await freePort();
  const configPath = join(dir, 'sshd_config');
  const logPath = join(dir, 'sshd.log');
  const sessionPath =
    opts.sessionPath ?? [...(opts.sessionPathPrefix ?? []), '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'].join(':');
  await writeFile(
    configPath,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKeyPath}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'Subsystem sftp internal-sftp',
      `SetEnv PATH=${sessionPath}`,
      ...(opts.extraConfig ?? []),
      '',
    ].join('\n'),
  );

  const hostPub = (await readFile(`${hostKeyPath}.pub`, 'utf8')).trim().split(/\s+/);
  const hostKeyBase64 = hostPub[1];
  await writeFile(join(sshDir, 'known_hosts'), `[127.0.0.1]:${port} ${hostPub[0]} ${hostKeyBase64}\n`, { mode: 0o600 });
  await writeFile(
    join(sshDir, 'config'),
    [
      `Host ${TEST_ALIAS}`,
      '  HostName 127.0.0.1',
      `  Port ${port}`,
      '  User root',
      '  IdentityFile ~/.ssh/id_ed25519',
      '  IdentitiesOnly yes',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );

  const child = spawn(SSHD_PATH, ['-D', '-f', configPath, '-E', logPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  // A test process that dies without stop() must not leave a listening sshd behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  try {
    await waitForBanner(port, child, logPath);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }

  const fingerprint = createHash('sha256').update(Buffer.from(hostKeyBase64, 'base64')).digest('base64').replace(/=+$/, '');
  return {
    host: '127.0.0.1',
    port,
    home,
    clientKeyPath,
    hostKeyBase64,
    hostKeyFingerprint: `SHA256:${fingerprint}`,
    dir,
    logPath,
    stop: async () => {
      process.removeListener('exit', killOnExit);
      await stopChild(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Writes an ed25519 key pair (path and path.pub); passphrase '' leaves it unencrypted. */
export async function keygen(path: string, passphrase: string, comment: string): Promise<void> {
  // 2 KDF rounds instead of 16: ssh2 runs bcrypt_pbkdf in JavaScript, ~0.15 s a round, once per passphrase tried.
  const rounds = passphrase === '' ? [] : ['-a', '2'];
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', ...rounds, '-N', passphrase, '-C', comment, '-f', path]);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

// Ready means the server sends its SSH identification line, not merely that the port is bound.
async function waitForBanner(port: number, child: ChildProcess, logPath: string): Promise<void> {
  let exited: number | null = null;
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.once('exit', (code) => (exited = code ?? -1));
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (exited !== null) {
      const log = await readFile(logPath, 'utf8').catch(() => '');
      throw new Error(`sshd exited with code ${exited} before accepting connections:\n${stderr}${log}`);
    }
    if (await readsBanner(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`sshd did not answer on 127.0.0.1:${port} within 10 s (log: ${logPath})`);
}

function readsBanner(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(1_000);
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('SSH-'));
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(timer);
}
