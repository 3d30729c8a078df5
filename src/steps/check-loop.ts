// Many SQLite files checked through test-backups' CHECK_LOOP: a few execs side by side (each one core on the server),
// each checking its share of the files one after the other, so hundreds of tenant databases cost a handful of docker
// execs, not one each (a docker exec costs about as much as checking a small database).
import type { StepIO } from '../runbook/engine.js';
import type { CheckPragma, CheckVerdict } from './checks.js';
import type { Deps } from './deps.js';
import { execIn, type ContainerRef } from './port-actions.js';
import { runLimited } from './run-limited.js';
import { checkSql, isMissingBinary } from './sqlite-cli.js';
import { CHECK_LOOP, splitLoopAnswers } from './test-backups.js';

export interface LoopOptions {
  /** Execs at once. */
  concurrency: number;
  /** Wall time one exec may take (it checks its whole share). */
  timeoutMs?: number;
}

/** What sqlite3 opens for each file: a path (sees its -wal) or an immutable URI (creates nothing beside it). */
export interface LoopTarget {
  path: string;
  open: string;
}

/**
 * One verdict per target, in order; null where sqlite3 could not run (no sqlite3, or no sh in the image: then every
 * answer is null and the caller checks another way).
 */
export async function checkInLoop(
  io: StepIO,
  deps: Pick<Deps, 'entropy'>,
  ref: ContainerRef,
  targets: LoopTarget[],
  check: CheckPragma,
  options: LoopOptions,
): Promise<Array<CheckVerdict | null>> {
  if (targets.length === 0) return [];
  const groupCount = Math.min(options.concurrency, targets.length);
  const groups = Array.from({ length: groupCount }, (_, group) => targets.filter((_, index) => index % groupCount === group));
  const answers = await runLimited(groups, options.concurrency, async (group) => {
    const mark = `--rescue-${deps.entropy.token(12)}--`;
    const result = await io.perform(
      execIn(ref, ['sh', '-c', CHECK_LOOP, 'sh', checkSql(check), mark, ...group.map((target) => target.open)], {
        timeoutMs: options.timeoutMs,
      }),
    );
    if (isMissingBinary(result) && !result.stdout.includes(mark)) return group.map(() => null);
    // The loop's answers are read as quick_check answers; the pragma that ran is `check`.
    return splitLoopAnswers(
      result,
      mark,
      group.map((target) => target.path),
    ).map((verdict) => (verdict ? { ...verdict, check } : null));
  });
  return targets.map((_, index) => answers[index % groupCount][Math.floor(index / groupCount)]);
}
