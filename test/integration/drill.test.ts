// Every drill scenario end to end on the real engine, as a script runs it: the recovery ends as the scenario says a
// correct one must, and nothing the drill made is left behind.
import { mkdtempSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scenarios } from '../../src/drill/scenarios.js';
import { execa } from 'execa';
import { CLI_PATH, runCli } from '../support/cli.js';
import { docker } from '../support/docker/docker-cli.js';

async function leftovers(): Promise<string[]> {
  const filter = ['--filter', 'label=sqlite-rescue.drill'];
  return [
    ...(await docker(['ps', '-aq', ...filter])).split('\n'),
    ...(await docker(['volume', 'ls', '-q', ...filter])).split('\n'),
    ...(await docker(['images', '-q', ...filter])).split('\n'),
  ].filter(Boolean);
}

describe('drill --yes --json', () => {
  it.each(scenarios.map((scenario) => [scenario.name, scenario.expect.exitCode] as const))(
    '%s ends as a correct recovery must (restore exit %i) and leaves nothing behind',
    async (name, restoreExit) => {
      const incidentDir = join(mkdtempSync(join(tmpdir(), 'drill-test-')), 'record');
      const run = await runCli(['drill', '--yes', '--json', '--scenario', name, '--incident-dir', incidentDir]);
      const lines = run.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      const card = lines.at(-1);
      expect({
        exit: run.exitCode,
        type: card.type,
        passed: card.passed,
        stderr: run.exitCode === 0 ? '' : run.stderr.slice(-3000),
      }).toEqual({ exit: 0, type: 'drill-finished', passed: true, stderr: '' });
      expect(card.exitCode).toBe(restoreExit);
      expect(card.isProductionRunning).toBe(true);
      expect(lines.find((line) => line.type === 'run-finished').exitCode).toBe(restoreExit);
      if (restoreExit === 0) {
        // Only the rows on pages the scenario destroyed (stale-local-copy): every other row is back.
        expect(card.rowsLost).toBe(card.rowsLostAllowed);
        expect(card.downtimeMs).toBeGreaterThan(0);
      } else {
        expect(card.downtimeMs).toBeUndefined();
        expect(run.stderr).toContain('.recover');
        expect(lines.some((line) => line.type === 'step-started' && line.stepId === 'stop-app')).toBe(false);
      }
      expect(await leftovers()).toEqual([]);
    },
    180_000,
  );

  it('--keep leaves the outage in place and says how to remove it', async () => {
    const run = await runCli([
      'drill',
      '--yes',
      '--keep',
      '--scenario',
      'all-backups-bad-no-local',
      '--incident-dir',
      join(mkdtempSync(join(tmpdir(), 'drill-keep-')), 'record'),
    ]);
    try {
      expect(run.exitCode).toBe(0);
      expect(run.stdout).toMatch(/remove them with: docker rm -f/);
      expect((await leftovers()).length).toBeGreaterThanOrEqual(3);
    } finally {
      const ids = (await docker(['ps', '-aq', '--filter', 'label=sqlite-rescue.drill'])).split('\n').filter(Boolean);
      if (ids.length) await docker(['rm', '-f', ...ids]);
      const volumes = (await docker(['volume', 'ls', '-q', '--filter', 'label=sqlite-rescue.drill'])).split('\n').filter(Boolean);
      if (volumes.length) await docker(['volume', 'rm', ...volumes]);
      const images = (await docker(['images', '-q', '--filter', 'label=sqlite-rescue.drill'])).split('\n').filter(Boolean);
      if (images.length) await docker(['rmi', '-f', ...images]);
    }
    expect(await leftovers()).toEqual([]);
  }, 180_000);

  it.each(['SIGTERM', 'SIGHUP'] as const)(
    'killed mid-recovery by %s (a kill, the terminal closed): removes its outage, then ends as the signal would',
    async (signal) => {
      const child = execa(
        'node',
        [CLI_PATH, 'drill', '--yes', '--json', '--incident-dir', join(mkdtempSync(join(tmpdir(), 'drill-killed-')), 'record')],
        { reject: false, stdin: 'ignore', timeout: 180_000 },
      );
      // The outage is built and the recovery is under way once the first step has started.
      let seen = '';
      await new Promise<void>((started, failed) => {
        child.stdout?.on('data', (chunk: Buffer) => {
          seen += chunk.toString();
          if (seen.includes('"type":"step-started"')) started();
        });
        void child.then(() => failed(new Error(`the drill ended before its first step: ${seen.slice(-500)}`)));
      });
      expect((await leftovers()).length).toBeGreaterThanOrEqual(3);
      child.kill(signal);
      const result = await child;
      expect({ signal: result.signal ?? null, exitCode: result.exitCode }).toEqual({
        signal: null,
        exitCode: 128 + constants.signals[signal],
      });
      expect(String(result.stderr)).toContain(`${signal}: removing the drill's containers, volumes and image before exiting`);
      expect(await leftovers()).toEqual([]);
    },
    180_000,
  );

  it('says plainly when no Docker engine answers, and how to get one', async () => {
    const run = await runCli(['drill', '--yes'], { env: { DOCKER_HOST: 'unix:///tmp/sqlite-rescue-no-such.sock' } });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/sqlite-rescue: .*Docker engine/i);
    expect(run.stderr).toContain('what to do:');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
