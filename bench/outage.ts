// A whole outage at benchmark size, built like test/support/outage.ts builds the small one: production and a PR
// preview running the test app (one sqlite3 connection in WAL mode inserting a row every 0.2 s), production's
// database corrupted on disk, seven daily backups that are all torn copies, and the operator's healthy local copy
// whose newest rows live only in its -wal. Everything is named with the prefix, so removeTestResources cleans it.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { docker } from '../test/support/docker/docker-cli.js';
import { startAppContainer, type AppContainer } from '../test/support/docker/app-container.js';
import { writeBackups, type SizeFiles } from './files.js';

export interface BenchOutage {
  prefix: string;
  production: AppContainer;
  preview: AppContainer;
  /** Host path of production's /data volume (the bench runs as root beside dockerd). */
  dataDir: string;
  /** The healthy local copy (with its -wal beside it). */
  local: string;
  workDir: string;
}

export async function buildBenchOutage(prefix: string, files: SizeFiles, workRoot: string): Promise<BenchOutage> {
  const workDir = fs.mkdtempSync(path.join(workRoot, `${prefix}work-`));
  const volume = `${prefix}data`;
  await docker(['volume', 'create', volume]);
  const dataDir = await docker(['volume', 'inspect', '--format', '{{.Mountpoint}}', volume]);
  fs.copyFileSync(files.live, path.join(dataDir, 'app.db'));
  await writeBackups(files, path.join(dataDir, 'backups'));
  const local = path.join(workDir, 'local.db');
  fs.copyFileSync(files.local, local);
  fs.copyFileSync(`${files.local}-wal`, `${local}-wal`);

  const production = await startAppContainer({ name: `${prefix}app`, volumeName: volume, labels: { 'coolify.pullRequestId': '0' } });
  const preview = await startAppContainer({ name: `${prefix}app-pr-7`, volumeName: `${prefix}pr7-data`, labels: { 'coolify.pullRequestId': '7' } });
  // The app has opened its (corrupt) database in WAL mode once its -wal exists; then let it write a little.
  const deadline = Date.now() + 30_000;
  while (!fs.existsSync(path.join(dataDir, 'app.db-wal'))) {
    if (Date.now() > deadline) throw new Error(`the app in ${production.name} did not open its database within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // Gigabytes were just written: flush them now, so the writeback does not land in the middle of a measure.
  await execa('sync');
  return { prefix, production, preview, dataDir, local, workDir };
}
