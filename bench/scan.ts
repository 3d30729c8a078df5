// `scan` of N small tenant databases in one container against the loop an operator would type: one
// `docker exec … sqlite3 -readonly <db> 'PRAGMA quick_check;'` per database. scan looks at every container on the
// engine, and the shared engine holds other people's: both run against a Docker engine of the bench's own (its own
// data root, socket and bridge: test/support/docker/private-engine.ts), holding only this container.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import type { RunEvent } from '../src/runbook/events.js';
import { APP_IMAGE } from '../test/support/docker/index.js';
import { tenantDb } from '../test/support/sqlite-fixtures.js';
import { startPrivateEngine } from '../test/support/docker/private-engine.js';
import { readEvents } from './tool.js';

export interface ScanFigures {
  tenants: number;
  /** Databases scan reported (the tenants, plus the app's own). */
  databases: number;
  /** `sqlite-rescue scan --json`, process start to exit. */
  commandMs: number;
  /** The scan-engine step alone. */
  stepMs: number;
  execs: number;
  /** The loop of one docker exec per tenant database. */
  loopMs: number;
  exitCode: number;
}

export async function measureScan(cliPath: string, dir: string, tenants: number, env: Record<string, string>): Promise<ScanFigures> {
  const engine = await startPrivateEngine(`srt-bench-tenants-${process.pid}`, { images: [APP_IMAGE] });
  try {
    const host = ['-H', engine.dockerHost];
    const name = 'tenants';
    await execa('docker', [...host, 'volume', 'create', `${name}-data`]);
    const data = (await execa('docker', [...host, 'volume', 'inspect', '-f', '{{.Mountpoint}}', `${name}-data`])).stdout;
    fs.mkdirSync(path.join(data, 'tenants'));
    for (let index = 1; index <= tenants; index += 1) tenantDb(path.join(data, 'tenants', `t${index}.db`), index);
    await execa('docker', [...host, 'run', '-d', '--name', name, '--network', 'none', '-v', `${name}-data:/data`, APP_IMAGE]);
    for (let tries = 0; !fs.existsSync(path.join(data, 'app.db-wal')) && tries < 300; tries += 1)
      await new Promise((resolve) => setTimeout(resolve, 100));

    const started = performance.now();
    const run = await execa(cliPath, ['scan', '--json'], {
      env: { ...env, DOCKER_HOST: engine.dockerHost },
      reject: false,
      timeout: 600_000,
    });
    const commandMs = performance.now() - started;
    const events: RunEvent[] = readEvents(String(run.stdout));
    const step = events.find((event) => event.type === 'step-succeeded' && event.stepId === 'scan-engine') as
      { durationMs: number } | undefined;
    const databases = events.filter((event) => event.type === 'finding').length;
    const execs = events.filter((event) => event.type === 'command' && event.command.action.kind === 'argv').length;

    const loopStarted = performance.now();
    for (let index = 1; index <= tenants; index += 1) {
      const check = await execa('docker', [
        ...host,
        'exec',
        name,
        'sqlite3',
        '-readonly',
        `/data/tenants/t${index}.db`,
        'PRAGMA quick_check;',
      ]);
      if (check.stdout.trim() !== 'ok') throw new Error(`quick_check of tenant ${index}: ${check.stdout}`);
    }
    const loopMs = performance.now() - loopStarted;
    return { tenants, databases, commandMs, stepMs: step?.durationMs ?? commandMs, execs, loopMs, exitCode: run.exitCode ?? -1 };
  } finally {
    await engine.stop();
  }
}
