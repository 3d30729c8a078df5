// What `ls -l /proc/<pid>/fd/` printed for each of the container's processes, turned into the files they hold open.
// Pure. coreutils and busybox both print `l… <fd> -> <target>`; targets that are not files (pipe:[…], socket:[…],
// anon_inode:…) and files already deleted are left out.

export interface ProcessListing {
  pid: number;
  lines: string[];
}

export interface OpenFiles {
  /** Path → the pids holding it open. */
  byPath: Map<string, number[]>;
  /** Processes whose fd folder could be read. */
  readable: number;
  /** Processes whose fd folder or links were refused (another user's process). */
  denied: number;
}

const LINK = /\s(\d+) -> (.+)$/;
const DELETED = ' (deleted)';

export function parseOpenFiles(listings: ProcessListing[]): OpenFiles {
  const byPath = new Map<string, number[]>();
  let readable = 0;
  let denied = 0;
  for (const { pid, lines } of listings) {
    let links = 0;
    let refused = false;
    for (const line of lines) {
      if (/permission denied/i.test(line)) refused = true;
      if (!line.startsWith('l')) continue;
      const match = LINK.exec(line);
      if (!match) continue;
      links += 1;
      const target = match[2];
      if (!target.startsWith('/') || target.endsWith(DELETED)) continue;
      const pids = byPath.get(target) ?? [];
      if (!pids.includes(pid)) pids.push(pid);
      byPath.set(target, pids);
    }
    // A process whose links were all refused tells nothing; one that showed some links was read.
    if (links > 0) readable += 1;
    else if (refused) denied += 1;
    else readable += 1;
  }
  return { byPath, readable, denied };
}
