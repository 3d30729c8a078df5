// A whole outage at benchmark size, built like test/support/outage.ts builds the small one: production (one of the app
// variants, under unless-stopped) and a PR preview running the drill's app, production's database corrupted on disk,
// seven daily backups that are all torn copies, and the operator's healthy local copy whose newest rows live only in
// its -wal. Everything is named with the prefix, so removeTestResources cleans it.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { docker } from '../test/support/docker/docker-cli.js';
import { startAppContainer, type AppContainer } from '../test/support/docker/app-container.js';
import { waitUntil } from '../test/support/wait-until.js';
import { writeBackups, type SizeFiles } from './files.js';
import { VARIANTS, type AppVariant } from './variants.js';

export interface BenchOutage {
  prefix: string;
  variant: AppVariant;
  production: AppContainer;
  preview: AppContainer;
  /** Host path of production's /data volume (the bench runs as root beside dockerd). */
  dataDir: string;
  /** The healthy local copy (with its -wal beside it). */
  local: string;
  workDir: string;
}

export async function buildBenchOutage(
  prefix: string,
  files: SizeFiles,
  workRoot: string,
  variant: AppVariant = VARIANTS.instant,
): Promise<BenchOutage> {
  const workDir = fs.mkdtempSync(path.join(workRoot, `${prefix}work-`));
  const volume = `${prefix}data`;
  await docker(['volume', 'create', volume]);
  const dataDir = await docker(['volume', 'inspect', '--format', '{{.Mountpoint}}', volume]);
  fs.copyFileSync(files.live, path.join(dataDir, 'app.db'));
  await writeBackups(files, path.join(dataDir, 'backups'));
  const local = path.join(workDir, 'local.db');
  fs.copyFileSync(files.local, local);
  fs.copyFileSync(`${files.local}-wal`, `${local}-wal`);
  // Gigabytes were just written: flush them now, so the writeback does not land in the middle of a measure.
  await execa('sync');

  const name = `${prefix}app`;
  const id = await docker([
    'run',
    '--detach',
    '--name',
    name,
    '--label',
    'coolify.pullRequestId=0',
    '--restart',
    'unless-stopped',
    '--volume',
    `${volume}:/data`,
    variant.image,
  ]);
  const production = { id, name, volumeName: volume };
  const preview = await startAppContainer({
    name: `${prefix}app-pr-7`,
    volumeName: `${prefix}pr7-data`,
    labels: { 'coolify.pullRequestId': '7' },
  });
  if (variant.crashLoops) {
    // It has failed its start-up check and docker is restarting it: the state an operator finds it in.
    await waitUntil(`${name} to crash-loop`, async () => Number(await docker(['inspect', '--format', '{{.RestartCount}}', name])) >= 2, {
      timeoutMs: 120_000,
      intervalMs: 200,
    });
  } else {
    // The app has opened its (corrupt) database in WAL mode once its -wal exists.
    await waitUntil(`the app in ${name} to open its database`, () => fs.existsSync(path.join(dataDir, 'app.db-wal')), {
      timeoutMs: 60_000,
    });
  }
  return { prefix, variant, production, preview, dataDir, local, workDir };
}
