// The one place that decides what a run's end means, for a dry-run above all: whether the target is unhealthy
// (exit 4, so scripts can alert) and whether a restore would succeed, from what. Pure: table-tested.

export interface RunEnd {
  exitCode: number;
  headline: string;
}

export interface DryRunFacts {
  isDryRun: boolean;
  /** What the live check said, when it ran: undefined when the run stopped before it. */
  liveVerdict?: 'ok' | 'corrupt' | 'no-verdict';
  /** The healthy source chosen, when one was. */
  sourcePath?: string;
  /** Why choose-source found no healthy source at all, when it did not. */
  noSourceReason?: string;
  /** What the dry-run found would make the restore fail (read-only mount, not enough space). */
  blockers: string[];
}

export function decideRunEnd(end: RunEnd, facts: DryRunFacts): RunEnd {
  if (!facts.isDryRun || facts.liveVerdict !== 'corrupt') return end;
  // Only a dry-run that ran its course (or stopped because no source exists) is a verdict on the target.
  if (end.exitCode !== 0 && facts.noSourceReason === undefined) return end;
  const tail = 'nothing was changed';
  if (facts.noSourceReason !== undefined || !facts.sourcePath) {
    return {
      exitCode: 4,
      headline: `dry-run: the live database is CORRUPT and a recovery would NOT succeed: ${facts.noSourceReason ?? 'no healthy source was chosen'}; ${tail}`,
    };
  }
  if (facts.blockers.length > 0)
    return {
      exitCode: 4,
      headline: `dry-run: the live database is CORRUPT; a restore from ${facts.sourcePath} would NOT succeed as things are: ${facts.blockers.join('; ')}; ${tail}`,
    };
  return { exitCode: 4, headline: `dry-run: the live database is CORRUPT; a restore from ${facts.sourcePath} would be possible; ${tail}` };
}
