// The SSH server in memory: an upload lands on the fake engine's host (so a helper that bind-mounts the upload folder
// sees it), mkdir and df answer as a server's would, and every call is recorded.
import { posix } from 'node:path';
import type { ExecResult, ProgressFn } from '../../src/ports/container-runtime.js';
import type { HostIdentity, RemoteHost, UploadResult } from '../../src/ports/remote-host.js';
import type { FakeContainerRuntime } from './fake-container-runtime.js';
import type { FakeLocalFiles } from './fake-local-files.js';

export const FAKE_IDENTITY: HostIdentity = {
  spec: 'prod',
  host: 'prod.example',
  port: 22,
  user: 'deploy',
  hostKeyFingerprint: 'SHA256:fake',
  hostKeyStatus: 'known',
};

export class FakeRemoteHost implements RemoteHost {
  readonly calls: Array<{ method: string; args: unknown[] }> = [];
  readonly dirs = new Set<string>(['/', '/tmp']);
  /** What df reports as available, in bytes. */
  freeSpace = 20 * 1024 ** 3;

  constructor(
    private readonly runtime: FakeContainerRuntime,
    private readonly disk: FakeLocalFiles,
  ) {}

  identity(): HostIdentity {
    return FAKE_IDENTITY;
  }

  async exec(argv: string[]): Promise<ExecResult> {
    this.calls.push({ method: 'exec', args: [argv] });
    if (argv[0] === 'mkdir' && argv[1] === '-p' && argv.length === 3) {
      for (let dir = argv[2]; dir !== '/'; dir = posix.dirname(dir)) this.dirs.add(dir);
      return { argv, exitCode: 0, stdout: '', stderr: '', durationMs: 3 };
    }
    throw new Error(`FakeRemoteHost: exec of ${JSON.stringify(argv)} is not modelled`);
  }

  async upload(localPath: string, remotePath: string, opts: { onProgress?: ProgressFn } = {}): Promise<UploadResult> {
    this.calls.push({ method: 'upload', args: [localPath, remotePath] });
    if (!this.dirs.has(posix.dirname(remotePath))) throw new Error(`SFTP: no such folder on the server: ${posix.dirname(remotePath)}`);
    const content = this.disk.read(localPath);
    opts.onProgress?.(content.length, content.length);
    this.runtime.putHostFile(remotePath, content);
    return { remotePath, bytes: content.length, durationMs: 10 };
  }

  async freeBytes(dir: string): Promise<number> {
    this.calls.push({ method: 'freeBytes', args: [dir] });
    if (!this.dirs.has(dir)) throw new Error(`df: ${dir}: No such file or directory`);
    return this.freeSpace;
  }

  openDockerSocket(): Promise<NodeJS.ReadWriteStream> {
    throw new Error('FakeRemoteHost: the fake engine is reached directly');
  }

  async close(): Promise<void> {}
}
