// Runs the built CLI as an operator would, and reads its NDJSON events.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execa, type Options } from 'execa';
import type { RunEvent } from '../../src/runbook/events.js';

export const CLI_PATH = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
/** The built CLI with the crash tests' kill point attached (see failpoint-cli.mjs): used when SQLITE_RESCUE_FAILPOINT is set. */
export const FAILPOINT_CLI_PATH = fileURLToPath(new URL('./failpoint-cli.mjs', import.meta.url));

export interface CliRun {
  /** -1 when a signal ended it. */
  exitCode: number;
  signal?: string;
  stdout: string;
  stderr: string;
  events: RunEvent[];
}

export async function runCli(args: string[], options: Options = {}): Promise<CliRun> {
  if (!existsSync(CLI_PATH)) throw new Error(`${CLI_PATH} is missing: run \`npm run build\` first (npm test does)`);
  const entry = (options.env as Record<string, string | undefined> | undefined)?.SQLITE_RESCUE_FAILPOINT ? FAILPOINT_CLI_PATH : CLI_PATH;
  const result = await execa('node', [entry, ...args], { reject: false, timeout: 240_000, stdin: 'ignore', ...options });
  const stdout = String(result.stdout ?? '');
  const events = args.includes('--json')
    ? stdout
        .split('\n')
        .filter((line) => line.trim().startsWith('{'))
        .map((line) => JSON.parse(line) as RunEvent)
    : [];
  return { exitCode: result.exitCode ?? -1, signal: result.signal ?? undefined, stdout, stderr: String(result.stderr ?? ''), events };
}
