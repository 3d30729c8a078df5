// The installed command (npm links dist/cli.js as `sqlite-rescue`) starts Node with the memory settings the restore is
// measured with, as the same process: a `node` earlier on PATH records what it was started with, then runs the real one.
import { chmodSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { CLI_PATH } from '../support/cli.js';

function recordingNode(): { dir: string; record: string } {
  const dir = mkdtempSync(join(tmpdir(), 'launcher-'));
  const record = join(dir, 'started-with');
  const node = join(dir, 'node');
  writeFileSync(
    node,
    `#!/bin/sh\nprintf '%s\\n' "pid=$$" "MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX" "$@" > ${JSON.stringify(record)}\nexec ${JSON.stringify(process.execPath)} "$@"\n`,
  );
  chmodSync(node, 0o755);
  symlinkSync(CLI_PATH, join(dir, 'sqlite-rescue'));
  return { dir, record };
}

const version = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version as string;

describe('the sqlite-rescue command', () => {
  it('runs Node with a 1 MB semi-space and one malloc arena, in its own process, through npm’s symlink', async () => {
    const { dir, record } = recordingNode();
    const command = join(dir, 'sqlite-rescue');
    const child = execa(command, ['--version'], {
      env: { PATH: `${dir}:${process.env.PATH}`, MALLOC_ARENA_MAX: undefined },
      reject: false,
    });
    const result = await child;
    expect({ exitCode: result.exitCode, stdout: result.stdout.trim() }).toEqual({ exitCode: 0, stdout: version });
    expect(readFileSync(record, 'utf8').trim().split('\n')).toEqual([
      `pid=${child.pid}`,
      'MALLOC_ARENA_MAX=1',
      '--max-semi-space-size=1',
      command,
      '--version',
    ]);
  });

  it('keeps an operator’s own MALLOC_ARENA_MAX, and passes arguments and the exit code through unchanged', async () => {
    const { dir, record } = recordingNode();
    const args = ['restore', '--no-such-flag', 'a b', '$HOME'];
    const result = await execa(join(dir, 'sqlite-rescue'), args, {
      env: { PATH: `${dir}:${process.env.PATH}`, MALLOC_ARENA_MAX: '4' },
      reject: false,
    });
    const direct = await execa('node', [CLI_PATH, ...args], { reject: false });
    expect({ exitCode: result.exitCode, stderr: result.stderr }).toEqual({ exitCode: direct.exitCode, stderr: direct.stderr });
    expect(result.exitCode).toBe(2);
    expect(readFileSync(record, 'utf8').trim().split('\n').slice(1)).toEqual([
      'MALLOC_ARENA_MAX=4',
      '--max-semi-space-size=1',
      join(dir, 'sqlite-rescue'),
      ...args,
    ]);
  });
});
