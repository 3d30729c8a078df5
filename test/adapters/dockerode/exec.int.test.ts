import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalRuntime } from '../../../src/adapters/dockerode/index.js';
import { RescueError } from '../../../src/runbook/errors.js';
import { makeTestPrefix, removeTestResources, startAppContainer, type AppContainer } from '../../support/docker/index.js';

const prefix = makeTestPrefix('exec');
const runtime = createLocalRuntime();
let app: AppContainer;

beforeAll(async () => {
  await removeTestResources(prefix);
  app = await startAppContainer({ name: `${prefix}app`, volumeName: `${prefix}data` });
});

afterAll(async () => {
  await removeTestResources(prefix);
});

describe('DockerRuntime.exec', () => {
  it('keeps stdout and stderr apart and reports the exit code', async () => {
    const argv = ['sh', '-c', 'echo out-line; echo err-line >&2; sleep 0.3; exit 3'];
    const started = Date.now();
    const result = await runtime.exec(app.id, argv);
    expect(result).toMatchObject({ argv, exitCode: 3, stdout: 'out-line\n', stderr: 'err-line\n' });
    // The duration covers the command's own 0.3 s and no more than the call took.
    expect(result.durationMs).toBeGreaterThanOrEqual(250);
    expect(result.durationMs).toBeLessThanOrEqual(Date.now() - started);
  });

  it('resolves with exit 0 and passes argv elements through untouched (no shell)', async () => {
    const result = await runtime.exec(app.name, ['echo', 'a b', '$HOME', ';', 'rm -rf /']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe('a b $HOME ; rm -rf /\n');
  });

  it('reports a missing binary as exit 126 or 127, not a rejection', async () => {
    const result = await runtime.exec(app.id, ['/no/such/binary', '--help']);
    expect([126, 127]).toContain(result.exitCode);
    expect(`${result.stdout}${result.stderr}`).toMatch(/no such file|not found/i);
  });

  it('carries large output intact', async () => {
    const result = await runtime.exec(app.id, ['sh', '-c', 'seq 1 100000']);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(100_000);
    expect(lines.at(-1)).toBe('100000');
  });

  it('rejects after timeoutMs', async () => {
    await expect(runtime.exec(app.id, ['sleep', '5'], { timeoutMs: 300 })).rejects.toMatchObject({
      name: 'ExecTimeoutError',
      timedOut: true,
    });
  });

  it('rejects when the container is not running', async () => {
    const stopped = await startAppContainer({ name: `${prefix}stopped`, volumeName: `${prefix}stopped-data` });
    await runtime.stop(stopped.id, 5);
    const attempt = runtime.exec(stopped.id, ['true']);
    await expect(attempt).rejects.toBeInstanceOf(RescueError);
    await expect(attempt).rejects.toThrow(/not running/);
  });

  it('sees the app writing its WAL database', async () => {
    const count = async () => {
      const result = await runtime.exec(app.id, ['sqlite3', '/data/app.db', 'SELECT count(*) FROM events;']);
      return Number(result.stdout.trim());
    };
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const first = await count();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await count()).toBeGreaterThan(first);
    expect((await runtime.exec(app.id, ['sqlite3', '/data/app.db', 'PRAGMA journal_mode;'])).stdout.trim()).toBe('wal');
  });
});
