// RemoteHost over one ssh2 connection: commands as quoted argv, SFTP uploads renamed into place and hashed on the
// server, df for free space, and the Docker socket through streamlocal forwarding.
import { constants as osConstants } from 'node:os';
import { stat } from 'node:fs/promises';
import { posix } from 'node:path';
import type { Duplex } from 'node:stream';
import type { Client, ClientChannel, SFTPWrapper } from 'ssh2';
import type { ExecResult, ProgressFn } from '../../ports/container-runtime.js';
import type { HostIdentity, RemoteHost, UploadResult } from '../../ports/remote-host.js';
import { RescueError } from '../../runbook/errors.js';
import { parseDfOutput } from './parse-df.js';
import { quoteArgv } from './quote-argv.js';
import { sftpPut } from './sftp-put.js';
import { SocketForwardError } from './socket-forward-error.js';

const DEFAULT_EXEC_TIMEOUT_MS = 10 * 60_000;
// OpenSSH's largest write request (its limits@openssh.com answer), six at once (1.5 MB, under sshd's 2 MB channel window,
// so no request waits in ssh2's queue). Measured for a 1 GB restore (bench/restore-rss.ts, docs/upload-memory.md): 4 at
// once cost throughput (0.87-0.92x scp -c aes128-gcm), 8 and fastPut's 16 cost memory (peak RSS 170 and 173 MB vs 159).
const PUT_OPTIONS = { chunkSize: 261_120, inFlight: 6 };

export class SshRemoteHost implements RemoteHost {
  private closed = false;
  private sftpSession: Promise<SFTPWrapper> | undefined;

  constructor(
    private readonly client: Client,
    private readonly hostIdentity: HostIdentity,
  ) {
    client.on('close', () => {
      this.closed = true;
    });
    // After login an error also ends the connection; operations in flight reject through their channels.
    client.on('error', () => {});
  }

  identity(): HostIdentity {
    return this.hostIdentity;
  }

  async exec(argv: string[], opts: { timeoutMs?: number } = {}): Promise<ExecResult> {
    const command = quoteArgv(argv);
    const timeoutMs = opts.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS;
    const started = performance.now();
    const channel = await this.openExec(command);
    return new Promise<ExecResult>((resolve, reject) => {
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let exitCode: number | undefined;
      let settled = false;
      const timer = setTimeout(() => {
        settled = true;
        channel.signal('KILL');
        channel.close();
        reject(new RescueError(`\`${command}\` on ${this.where()} timed out after ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      channel.on('data', (chunk: Buffer) => stdout.push(chunk));
      channel.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      channel.on('exit', (code: number | null, signal?: string) => {
        exitCode = typeof code === 'number' ? code : 128 + signalNumber(signal);
      });
      channel.on('close', () => {
        clearTimeout(timer);
        if (settled) return;
        settled = true;
        if (exitCode === undefined) {
          reject(new RescueError(`the SSH link to ${this.where()} dropped while running \`${command}\``));
          return;
        }
        resolve({
          argv,
          exitCode,
          stdout: Buffer.concat(stdout).toString('utf8'),
          stderr: Buffer.concat(stderr).toString('utf8'),
          durationMs: Math.round(performance.now() - started),
        });
      });
      channel.end();
    });
  }

  async upload(localPath: string, remotePath: string, opts: { onProgress?: ProgressFn; hash?: boolean } = {}): Promise<UploadResult> {
    if (!remotePath.startsWith('/')) throw new RescueError(`upload target must be an absolute path, got "${remotePath}"`, { kind: 'bug' });
    const started = performance.now();
    const { size } = await stat(localPath);
    const partialPath = `${remotePath}.partial`;
    await this.run(['mkdir', '-p', posix.dirname(remotePath)], 'create the upload directory');
    const sftp = await this.sftp();
    opts.onProgress?.(0, size);
    const abort = new AbortController();
    const putting = sftpPut(sftp, localPath, partialPath, { ...PUT_OPTIONS, onProgress: opts.onProgress, signal: abort.signal });
    try {
      await this.untilClosed(putting);
      await this.untilClosed(
        new Promise<void>((resolve, reject) => {
          // posix-rename@openssh.com replaces an existing target atomically; plain SFTP rename refuses to.
          sftp.ext_openssh_rename(partialPath, remotePath, (error) => (error ? reject(error) : resolve()));
        }),
      );
    } catch (error) {
      // An aborted put settles once it has closed the local file.
      abort.abort(error);
      await putting.catch(() => undefined);
      if (!this.closed) sftp.unlink(partialPath, () => {});
      throw new RescueError(`upload of ${localPath} to ${this.where()}:${remotePath} failed: ${(error as Error).message}`, {
        hint: this.closed ? 'the SSH link dropped; run again to retry the upload' : undefined,
        cause: error,
      });
    }
    opts.onProgress?.(size, size);
    const remoteSha256 = opts.hash === false ? undefined : await this.sha256(remotePath);
    return { remotePath, bytes: size, durationMs: Math.round(performance.now() - started), remoteSha256 };
  }

  async freeBytes(dir: string): Promise<number> {
    const result = await this.run(['df', '-Pk', dir], `read free space of ${dir}`);
    return parseDfOutput(result.stdout).availableBytes;
  }

  async openDockerSocket(socketPath = '/var/run/docker.sock'): Promise<NodeJS.ReadWriteStream> {
    this.assertOpen();
    return new Promise((resolve, reject) => {
      this.client.openssh_forwardOutStreamLocal(socketPath, (error, stream) => {
        if (error) reject(new SocketForwardError(socketPath, this.where(), error));
        else resolve(stream);
      });
    });
  }

  /** A duplex stream to a command's stdin/stdout on the server (e.g. `docker system dial-stdio`). */
  async openCommandStream(argv: string[]): Promise<Duplex> {
    return this.openExec(quoteArgv(argv));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.client.destroy();
        resolve();
      }, 2_000);
      this.client.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.client.end();
    });
  }

  // sha256sum is in coreutils and busybox; shasum covers servers without either (macOS).
  private async sha256(remotePath: string): Promise<string> {
    let result = await this.exec(['sha256sum', remotePath]);
    if (result.exitCode === 127) result = await this.exec(['shasum', '-a', '256', remotePath]);
    const hex = /^([0-9a-f]{64})\b/.exec(result.stdout)?.[1];
    if (result.exitCode !== 0 || !hex) {
      throw new RescueError(
        `could not compute sha256 of ${remotePath} on ${this.where()}: ${result.stderr.trim() || result.stdout.trim()}`,
        {
          hint: 'the server needs sha256sum (coreutils or busybox) or shasum',
        },
      );
    }
    return hex;
  }

  private async run(argv: string[], purpose: string): Promise<ExecResult> {
    const result = await this.exec(argv);
    if (result.exitCode !== 0) {
      throw new RescueError(`${purpose} on ${this.where()}: \`${quoteArgv(argv)}\` exited ${result.exitCode}: ${result.stderr.trim()}`);
    }
    return result;
  }

  private openExec(command: string): Promise<ClientChannel> {
    this.assertOpen();
    return new Promise((resolve, reject) => {
      this.client.exec(command, (error, channel) => {
        if (error) reject(new RescueError(`run \`${command}\` on ${this.where()}: ${error.message}`, { cause: error }));
        else resolve(channel);
      });
    });
  }

  private sftp(): Promise<SFTPWrapper> {
    this.assertOpen();
    this.sftpSession ??= new Promise<SFTPWrapper>((resolve, reject) => {
      this.client.sftp((error, sftp) => {
        if (error) {
          this.sftpSession = undefined;
          reject(
            new RescueError(`open SFTP on ${this.where()}: ${error.message}`, {
              hint: 'the server must enable the sftp subsystem (Subsystem sftp in sshd_config)',
              cause: error,
            }),
          );
          return;
        }
        sftp.on('close', () => {
          this.sftpSession = undefined;
        });
        resolve(sftp);
      });
    });
    return this.sftpSession;
  }

  // ssh2 leaves SFTP requests in flight pending forever when the connection closes: settle them ourselves.
  private untilClosed<T>(operation: Promise<T>): Promise<T> {
    let onClose!: () => void;
    const closed = new Promise<never>((_, reject) => {
      onClose = () => reject(new Error('the SSH connection closed'));
      if (this.closed) onClose();
      else this.client.once('close', onClose);
    });
    return Promise.race([operation, closed]).finally(() => this.client.removeListener('close', onClose));
  }

  private assertOpen(): void {
    if (this.closed) throw new RescueError(`the SSH connection to ${this.where()} is closed`);
  }

  private where(): string {
    const { host, port } = this.hostIdentity;
    return port === 22 ? host : `${host}:${port}`;
  }
}

function signalNumber(signal: string | undefined): number {
  if (!signal) return 0;
  const name = (signal.startsWith('SIG') ? signal : `SIG${signal}`) as keyof typeof osConstants.signals;
  return osConstants.signals[name] ?? 0;
}
