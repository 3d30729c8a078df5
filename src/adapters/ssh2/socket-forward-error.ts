// The server would not connect us to a Unix socket. OpenSSH answers "open failed" both when forwarding is disabled
// (AllowStreamLocalForwarding no) and when the socket is missing or not permitted, so the reason code cannot tell
// them apart: the caller finds out with its own checks over exec.
import { RescueError } from '../../runbook/errors.js';

export class SocketForwardError extends RescueError {
  readonly socketPath: string;

  constructor(socketPath: string, where: string, cause: Error) {
    super(`${where} could not forward a connection to ${socketPath}: ${cause.message}`, { cause });
    this.name = 'SocketForwardError';
    this.socketPath = socketPath;
  }
}
