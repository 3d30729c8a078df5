// An SFTP upload as a pipeline of sftp.write requests over a few reused read buffers, with at most `inFlight`
// requests outstanding. What it holds is bounded by design: inFlight × chunkSize of file data, plus what ssh2 copies
// of the requests in flight (ssh2 copies each request into a new buffer, then into SSH packets; the copies of sent
// requests are garbage that V8 collects on its own schedule).
import { open, type FileHandle } from 'node:fs/promises';
import type { SFTPWrapper } from 'ssh2';
import type { ProgressFn } from '../../ports/container-runtime.js';

export interface SftpPutOptions {
  /** Bytes per write request; at most the server's limit (OpenSSH: 255 KiB of data per request). */
  chunkSize: number;
  /** Requests outstanding at once: one reused buffer each. */
  inFlight: number;
  /** Called after each acknowledged request with the bytes acknowledged so far. */
  onProgress?: ProgressFn;
  /** Aborting rejects at once and closes the local file; requests already sent are not waited for. */
  signal?: AbortSignal;
}

/** Writes localPath to remotePath (created or truncated). Rejects on the first failed request; the caller removes it. */
export async function sftpPut(sftp: SFTPWrapper, localPath: string, remotePath: string, opts: SftpPutOptions): Promise<void> {
  const file = await open(localPath, 'r');
  let fileClosed: Promise<void> | undefined;
  const closeFile = () => (fileClosed ??= file.close().catch(() => undefined));
  const aborted = new Promise<never>((_, reject) => {
    const onAbort = () => {
      void closeFile();
      reject(opts.signal?.reason ?? new Error('upload aborted'));
    };
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => undefined);
  try {
    const size = (await file.stat()).size;
    const handle = await Promise.race([call<Buffer>((done) => sftp.open(remotePath, 'w', done)), aborted]);
    try {
      await Promise.race([pipeline(sftp, file, handle, size, opts), aborted]);
    } finally {
      if (!opts.signal?.aborted) await call<void>((done) => sftp.close(handle, done));
    }
  } finally {
    await closeFile();
  }
}

// Each lane reads its next chunk into its own buffer and sends it; ssh2 has copied the data by the time it acknowledges.
async function pipeline(sftp: SFTPWrapper, file: FileHandle, handle: Buffer, size: number, opts: SftpPutOptions): Promise<void> {
  let next = 0;
  let acknowledged = 0;
  let failed = false;
  const lane = async (buffer: Buffer) => {
    while (next < size && !failed && !opts.signal?.aborted) {
      const position = next;
      const length = Math.min(buffer.length, size - position);
      next += length;
      const { bytesRead } = await file.read(buffer, 0, length, position);
      if (bytesRead !== length) throw new Error(`${length - bytesRead} bytes of the local file vanished while uploading (it shrank)`);
      await call<void>((done) => sftp.write(handle, buffer, 0, length, position, done));
      acknowledged += length;
      opts.onProgress?.(acknowledged, size);
    }
  };
  const lanes = Math.max(1, Math.min(opts.inFlight, Math.ceil(size / opts.chunkSize)));
  await Promise.all(
    Array.from({ length: lanes }, () =>
      lane(Buffer.allocUnsafe(opts.chunkSize)).catch((error: unknown) => {
        failed = true;
        throw error;
      }),
    ),
  );
}

function call<T>(start: (done: (error: Error | null | undefined, value?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => start((error, value) => (error ? reject(error) : resolve(value as T))));
}
