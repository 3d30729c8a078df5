// A server reached over SSH: one connection for the whole run. Commands are argv arrays; the adapter quotes each
// element for the remote shell (ssh's exec request is a string), so no input is ever interpreted by a shell.
import type { ExecResult, ProgressFn } from './container-runtime.js';

export interface HostIdentity {
  /** As typed: an alias from ~/.ssh/config or user@host[:port]. */
  spec: string;
  host: string;
  port: number;
  user: string;
  /** `SHA256:...` of the server's host key, as ssh-keygen -lf prints it. */
  hostKeyFingerprint: string;
  /** How the host key was accepted: found in known_hosts, or newly accepted (and written there). */
  hostKeyStatus: 'known' | 'accepted-new';
}

export interface UploadResult {
  remotePath: string;
  bytes: number;
  durationMs: number;
  /** sha256 hex computed on the server after the upload (never trusted from the local side); absent with hash: false. */
  remoteSha256?: string;
}

export interface RemoteHost {
  identity(): HostIdentity;

  /** Never rejects for a non-zero exit; rejects when the link drops or after timeoutMs (default 10 min). */
  exec(argv: string[], opts?: { timeoutMs?: number }): Promise<ExecResult>;

  /**
   * SFTP upload to `remotePath + '.partial'`, renamed to remotePath when complete, then sha256 computed on the
   * server (unless `hash: false`: the caller hashes a later copy on the server instead, reading 1 GB once, not twice).
   * A dropped link rejects and leaves no file under remotePath.
   */
  upload(localPath: string, remotePath: string, opts?: { onProgress?: ProgressFn; hash?: boolean }): Promise<UploadResult>;

  /** Bytes free for an unprivileged writer in the filesystem holding `dir` (df over exec). */
  freeBytes(dir: string): Promise<number>;

  /** A duplex stream to the server's Docker socket over this same connection (streamlocal forwarding). */
  openDockerSocket(socketPath?: string): Promise<NodeJS.ReadWriteStream>;

  close(): Promise<void>;
}
