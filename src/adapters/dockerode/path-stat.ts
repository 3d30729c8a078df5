// Stat through the archive API's HEAD request: the engine answers with a base64 JSON header and no body,
// so it works on stopped containers and on images that have no `stat` binary.
import type { IncomingMessage } from 'node:http';
import type Dockerode from 'dockerode';
import type { PathStat } from '../../ports/container-runtime.js';

const STAT_HEADER = 'x-docker-container-path-stat';
// Go's os.ModeDir, the top bit of the 32-bit FileMode Docker reports.
const GO_MODE_DIR = 2 ** 31;

interface DockerPathStat {
  name: string;
  size: number;
  mode: number;
  mtime: string;
  linkTarget?: string;
}

/** Resolves with the stat, or rejects with docker-modem's error (statusCode 404 for a missing path or container). */
export async function headPath(docker: Dockerode, id: string, path: string): Promise<PathStat> {
  const response = (await docker.getContainer(id).infoArchive({ path })) as IncomingMessage;
  response.resume();
  const header = response.headers[STAT_HEADER];
  if (typeof header !== 'string') throw new Error(`the engine sent no ${STAT_HEADER} header for ${path}`);
  return decodePathStat(header);
}

export function decodePathStat(header: string): PathStat {
  const raw = JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as DockerPathStat;
  return {
    name: raw.name,
    size: raw.size,
    mode: raw.mode,
    mtime: raw.mtime,
    isDirectory: Math.floor(raw.mode / GO_MODE_DIR) % 2 === 1,
    ...(raw.linkTarget ? { linkTarget: raw.linkTarget } : {}),
  };
}
