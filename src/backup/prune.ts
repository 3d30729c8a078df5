// Which backups `--keep N` removes: only backups this command made of this database (a manifest of ours says so),
// the oldest first, so that N remain counting the one just taken; never the newest healthy one, whatever N says.
// Pure: the step turns the answer into one declared `rm` per backup, naming each file.
export interface OwnBackup {
  /** File name in the backups folder. */
  name: string;
  /** From its manifest. */
  takenAt: string;
  /** Its manifest says integrity_check passed when it was taken. */
  isHealthy: boolean;
}

// The second backup of a minute is `<stem>-…-HHMM-2.db`: newer than `<stem>-…-HHMM.db`, though it sorts before it.
function rankInMinute(name: string): number {
  const match = /-\d{4}-\d{2}-\d{2}-\d{4}(?:-(\d+))?\.db$/.exec(name);
  return match?.[1] ? Number(match[1]) : 1;
}

function newestFirst(a: OwnBackup, b: OwnBackup): number {
  const byTime = Date.parse(b.takenAt) - Date.parse(a.takenAt);
  if (byTime !== 0) return byTime;
  const byRank = rankInMinute(b.name) - rankInMinute(a.name);
  if (byRank !== 0) return byRank;
  return a.name < b.name ? 1 : a.name > b.name ? -1 : 0;
}

/** The backups to delete, oldest first. `taken` is the backup this run made; it is always kept. keep ≥ 1. */
export function choosePrunes(existing: readonly OwnBackup[], taken: OwnBackup, keep: number): OwnBackup[] {
  if (!Number.isInteger(keep) || keep < 1) throw new RangeError(`keep must be a whole number ≥ 1, not ${keep}`);
  const all = [taken, ...existing.filter((backup) => backup.name !== taken.name)].sort(newestFirst);
  const newestHealthy = all.find((backup) => backup.isHealthy);
  const kept = new Set(all.slice(0, keep).map((backup) => backup.name));
  kept.add(taken.name);
  if (newestHealthy) kept.add(newestHealthy.name);
  return all.filter((backup) => !kept.has(backup.name)).reverse();
}
