// The incident behind the product, built for real on the Docker engine: production and a PR preview running the
// same app image, production's database corrupted under the running app, backups made by torn copies, and a
// healthy local copy whose newest rows live only in its -wal.
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docker } from './docker/docker-cli.js';
import { startAppContainer, type AppContainer } from './docker/app-container.js';
import { corruptBtreePage, makeAppDb, makeLocalCopyWithWalOnlyRows, tornCopy, type WalCopyInfo } from './sqlite-fixtures.js';

export interface Outage {
  prefix: string;
  production: AppContainer;
  preview: AppContainer;
  /** Host path of production's /data volume (tests run as root beside dockerd). */
  productionData: string;
  previewData: string;
  local: WalCopyInfo;
  backups: string[];
  workDir: string;
}

export async function volumePath(volume: string): Promise<string> {
  return docker(['volume', 'inspect', '--format', '{{.Mountpoint}}', volume]);
}

export interface OutageOptions {
  backups?: number;
  /** Labels on production and its previews beside coolify.pullRequestId (e.g. coolify.resourceName, the app's name). */
  labels?: Record<string, string>;
  /** More PR previews beyond pr-7, each on its own volume with a database of its own. */
  morePreviews?: number[];
}

export async function buildOutage(prefix: string, opts: OutageOptions = {}): Promise<Outage> {
  const workDir = mkdtempSync(join(tmpdir(), `${prefix}work-`));
  // Production's database as it was, corrupted on disk the way a bad page write leaves it.
  const live = join(workDir, 'live.db');
  makeAppDb(live, { rows: 2000, seed: 11 });
  corruptBtreePage(live, { seed: 5, target: 'table' });

  // The backups of the incident: plain copies taken while the -wal was live.
  const backups: string[] = [];
  for (let index = 0; index < (opts.backups ?? 3); index += 1) {
    const source = join(workDir, `source-${index}.db`);
    makeLocalCopyWithWalOnlyRows(source, { rows: 1500 + index * 100, walRows: 400, seed: 20 + index });
    const backup = join(workDir, `daily-${index + 1}.db`);
    tornCopy(source, backup);
    backups.push(backup);
  }

  const local = makeLocalCopyWithWalOnlyRows(join(workDir, 'local.db'), { rows: 2500, walRows: 300, seed: 42 });

  const productionVolume = `${prefix}data`;
  await docker(['volume', 'create', productionVolume]);
  const productionData = await volumePath(productionVolume);
  copyFileSync(live, join(productionData, 'app.db'));
  mkdirSync(join(productionData, 'backups'));
  for (const backup of backups) copyFileSync(backup, join(productionData, 'backups', backup.split('/').pop() as string));

  const production = await startAppContainer({
    name: `${prefix}app`,
    volumeName: productionVolume,
    labels: { ...opts.labels, 'coolify.pullRequestId': '0' },
  });
  const preview = await startAppContainer({
    name: `${prefix}app-pr-7`,
    volumeName: `${prefix}pr7-data`,
    labels: { ...opts.labels, 'coolify.pullRequestId': '7' },
  });
  for (const pr of opts.morePreviews ?? []) {
    await startAppContainer({
      name: `${prefix}app-pr-${pr}`,
      volumeName: `${prefix}pr${pr}-data`,
      labels: { ...opts.labels, 'coolify.pullRequestId': String(pr) },
    });
  }
  const previewData = await volumePath(`${prefix}pr7-data`);
  return { prefix, production, preview, productionData, previewData, local, backups, workDir };
}
