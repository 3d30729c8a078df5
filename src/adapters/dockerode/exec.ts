// docker exec without a TTY: stdout and stderr arrive multiplexed on one hijacked socket and are split by
// docker-modem's demuxer; the exit code exists only after the output ends, so it is read from exec.inspect().
import { PassThrough } from 'node:stream';
import type Dockerode from 'dockerode';
import type { ExecResult } from '../../ports/container-runtime.js';
import { RescueError } from '../../runbook/errors.js';

export const DEFAULT_EXEC_TIMEOUT_MS = 10 * 60 * 1000;

/** The exec outlived its timeout; the process inside may still run (Docker cannot kill an exec). */
export class ExecTimeoutError extends RescueError {
  readonly argv: string[];
  readonly timedOut = true;

  constructor(argv: string[], timeoutMs: number) {
    super(`exec ${JSON.stringify(argv)} timed out after ${timeoutMs} ms`, {
      kind: 'external',
      hint: 'the command may still be running inside the container: check with `docker top <container>`',
    });
    this.name = 'ExecTimeoutError';
    this.argv = argv;
  }
}

export async function runExec(docker: Dockerode, id: string, argv: string[], timeoutMs = DEFAULT_EXEC_TIMEOUT_MS): Promise<ExecResult> {
  const startedAt = Date.now();
  const exec = await docker.getContainer(id).exec({
    Cmd: argv,
    AttachStdout: true,
    AttachStderr: true,
    AttachStdin: false,
    Tty: false,
  });
  const socket = await exec.start({ hijack: true, stdin: false });

  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  const out = new PassThrough().on('data', (chunk: Buffer) => stdout.push(chunk));
  const err = new PassThrough().on('data', (chunk: Buffer) => stderr.push(chunk));
  docker.modem.demuxStream(socket, out, err);

  await waitForEnd(socket, argv, timeoutMs);
  const exitCode = await readExitCode(exec, startedAt + timeoutMs, argv, timeoutMs);
  return {
    argv,
    exitCode,
    stdout: Buffer.concat(stdout).toString('utf8'),
    stderr: Buffer.concat(stderr).toString('utf8'),
    durationMs: Date.now() - startedAt,
  };
}

function waitForEnd(socket: NodeJS.ReadableStream, argv: string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      (socket as unknown as { destroy?: () => void }).destroy?.();
      reject(new ExecTimeoutError(argv, timeoutMs));
    }, timeoutMs);
    const finish = (error?: Error) => {
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    };
    socket.once('end', () => finish());
    socket.once('close', () => finish());
    socket.once('error', (error: Error) => finish(error));
  });
}

// The stream can end a moment before the engine records the exit: poll briefly until Running is false.
async function readExitCode(exec: Dockerode.Exec, deadline: number, argv: string[], timeoutMs: number): Promise<number> {
  for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
    const info = await exec.inspect();
    if (!info.Running && typeof info.ExitCode === 'number') return info.ExitCode;
    if (Date.now() > deadline) throw new ExecTimeoutError(argv, timeoutMs);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
