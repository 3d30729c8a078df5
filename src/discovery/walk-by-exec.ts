// The mounts walked by one exec of WALK_SCRIPT, in the app's container or in a helper from its image.
import type { ContainerRuntime } from '../ports/container-runtime.js';
import type { CommandLog } from './command-log.js';
import { parseWalkOutput, type WalkOutput } from './parse-walk-output.js';
import { walkArgv } from './walk-script.js';

/** Time the exec may take beyond the script's own budget: the batch under way finishes, the output is sent. */
const EXEC_GRACE_MS = 15_000;

export interface ExecTarget {
  id: string;
  /** Name shown in the docker CLI equivalent. */
  label: string;
  where: 'container' | 'helper';
}

export type ExecWalk =
  | { kind: 'walked'; output: WalkOutput; exitCode: number; stderr: string }
  /** The image has no `sh` (exit 126/127 before the script printed anything). */
  | { kind: 'no-shell'; message: string };

export async function walkByExec(
  runtime: ContainerRuntime,
  log: CommandLog,
  target: ExecTarget,
  roots: string[],
  limits: { maxDepth: number; maxFiles: number; remainingMs: number; listOpenFiles: boolean },
): Promise<ExecWalk> {
  const mark = `-srw-${log.token(8)}-`;
  // Whole seconds, rounded: the argv (and so the record) does not change with a few milliseconds spent before it.
  const budgetSec = Math.max(1, Math.round(limits.remainingMs / 1000));
  const { maxDepth, maxFiles, listOpenFiles } = limits;
  const argv = walkArgv({ mark, maxDepth, maxFiles, budgetSec, listOpenFiles, roots });
  const purpose = `walk ${roots.join(', ')} for SQLite headers${limits.listOpenFiles ? ' and list the open files' : ''}`;
  const result = await log.exec(runtime, target, argv, purpose, limits.remainingMs + EXEC_GRACE_MS);
  const output = parseWalkOutput(result.stdout, mark);
  if ((result.exitCode === 126 || result.exitCode === 127) && output.tools === null) {
    return { kind: 'no-shell', message: (result.stdout || result.stderr).trim().slice(0, 300) };
  }
  return { kind: 'walked', output, exitCode: result.exitCode, stderr: result.stderr };
}

/** The first few lines the walk's tools complained with (unreadable folders), for the notes. */
export function walkComplaints(stderr: string, max = 3): { count: number; first: string[] } {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return { count: lines.length, first: lines.slice(0, max) };
}
