// A fake world for backup's steps: makeDeps with the fake engine that models backup's commands, a fake tool image,
// and production's app running with its WAL database on a volume.
import { Readable } from 'node:stream';
import type { ToolImage } from '../../src/ports/tool-image.js';
import type { BackupOptions } from '../../src/steps/backup-facts.js';
import type { RestoreOptions } from '../../src/steps/deps.js';
import { FakeBackupRuntime } from './fake-backup-runtime.js';
import { fakeDb } from './fake-db.js';
import { makeDeps, type TestWorld } from './make-deps.js';

export const DB = '/data/app.db';
export const TOOL_REF = 'sqlite-rescue/sqlite3:0123456789abcdef';

export function fakeToolImage(): ToolImage {
  return {
    reference: async () => TOOL_REF,
    rootfs: () => Readable.from([Buffer.from('rootfs')]),
    changes: () => ['LABEL sqlite-rescue.tool=sqlite3'],
  };
}

export type BackupWorld = Omit<TestWorld, 'runtime'> & { runtime: FakeBackupRuntime };

export function backupWorld(backup: Partial<BackupOptions> = {}, options: RestoreOptions = { container: 'app', db: DB }): BackupWorld {
  const world = makeDeps({ ...options, backup: { command: 'backup', keep: 28, maxAgeMs: 6 * 3_600_000, toolVersion: '0.1.0', ...backup } });
  const runtime = new FakeBackupRuntime(world.clock, world.files);
  world.deps.runtime = runtime;
  world.deps.toolImage = fakeToolImage();
  runtime.addContainer({
    name: 'app',
    image: 'ghcr.io/acme/app:3f2c1a',
    labels: { 'coolify.pullRequestId': '0' },
    mounts: [{ destination: '/data', volume: 'app-data' }],
  });
  runtime.putFile('app', DB, fakeDb({ tables: { events: 120, users: 4 } }));
  runtime.putFile('app', `${DB}-wal`, 'wal frames');
  runtime.putFile('app', `${DB}-shm`, 'shm');
  return { ...world, runtime };
}
