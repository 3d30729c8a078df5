// `docker import` through the engine API: a root filesystem tar streamed in, Dockerfile-style changes applied.
import type Dockerode from 'dockerode';

// The engine answers an import with a JSON progress stream; an error arrives inside it, not as a status code.
async function drainImport(stream: NodeJS.ReadableStream): Promise<void> {
  let text = '';
  for await (const chunk of stream as AsyncIterable<Buffer>) text += chunk.toString();
  const messages = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const failed = messages.map((line) => JSON.parse(line) as { error?: string }).find((message) => message.error);
  if (failed) throw new Error(`docker import: ${failed.error}`);
}

export async function importRootfs(docker: Dockerode, ref: string, rootfs: NodeJS.ReadableStream, changes: string[]): Promise<void> {
  const [repo, tag] = ref.split(/:(?=[^/:]+$)/);
  const stream = (await docker.importImage(rootfs, { repo, tag: tag ?? 'latest', changes } as unknown as object)) as NodeJS.ReadableStream;
  await drainImport(stream);
}
