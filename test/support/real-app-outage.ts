// Real apps' outages on the Docker engine (issue 12): the outage of outage.ts, production's database corrupted on a
// named volume, but the app is one of the misbehaving test apps (app-scripts.ts), run the way the test asks: under a
// restart policy, with a stop timeout, as a Swarm service, with Compose labels.
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docker } from './docker/docker-cli.js';
import { volumePath } from './outage.js';
import { corruptBtreePage, makeAppDb, makeLocalCopyWithWalOnlyRows, type WalCopyInfo } from './sqlite-fixtures.js';

export interface CorruptVolume {
  volume: string;
  /** Host path of the volume (tests run as root beside dockerd). */
  data: string;
  /** The healthy local copy, its newest rows only in its -wal. */
  local: WalCopyInfo;
  workDir: string;
}

/** A volume `<prefix>data` whose /app.db fails quick_check, and a healthy local copy to restore. */
export async function corruptVolume(prefix: string, name = 'data'): Promise<CorruptVolume> {
  const workDir = mkdtempSync(join(tmpdir(), `${prefix}work-`));
  const live = join(workDir, 'live.db');
  makeAppDb(live, { rows: 2000, seed: 11 });
  corruptBtreePage(live, { seed: 5, target: 'table' });
  const local = makeLocalCopyWithWalOnlyRows(join(workDir, 'local.db'), { rows: 2500, walRows: 300, seed: 42 });
  const volume = `${prefix}${name}`;
  await docker(['volume', 'create', volume]);
  const data = await volumePath(volume);
  copyFileSync(live, join(data, 'app.db'));
  return { volume, data, local, workDir };
}

/** `docker run -d --name <name> <args> -v <volume>:/data <image>`: resolves with the container id. */
export async function runApp(name: string, volume: string, image: string, args: string[] = []): Promise<string> {
  return docker(['run', '--detach', '--name', name, ...args, '--volume', `${volume}:/data`, image]);
}

/** What `docker inspect` says of the app: state, restart count, policy, start time. */
export async function appState(container: string): Promise<{ status: string; restartCount: number; policy: string; startedAt: string }> {
  const [status, restartCount, policy, startedAt] = (
    await docker([
      'inspect',
      '--format',
      '{{.State.Status}} {{.RestartCount}} {{.HostConfig.RestartPolicy.Name}} {{.State.StartedAt}}',
      container,
    ])
  ).split(' ');
  return { status, restartCount: Number(restartCount), policy, startedAt };
}

/** Exit codes of the container's `die` events since `sinceSec` (epoch seconds): how each stop ended (137: killed). */
export async function exitCodesSince(container: string, sinceSec: number): Promise<number[]> {
  const until = String(Math.ceil(Date.now() / 1000) + 1);
  const out = await docker([
    'events',
    '--since',
    String(sinceSec),
    '--until',
    until,
    '--filter',
    `container=${container}`,
    '--filter',
    'event=die',
    '--format',
    '{{.Actor.Attributes.exitCode}}',
  ]);
  return out.split('\n').filter(Boolean).map(Number);
}
