// `df -Pk DIR` prints a header and one line per filesystem (POSIX format: no wrapping). The device name and the
// mount point may contain spaces, so the numeric columns are read from the middle of the line.
const DF_LINE = /\s(\d+)\s+(\d+)\s+(\d+)\s+(\d+)%\s+(\S.*)$/;

export interface DfEntry {
  totalBytes: number;
  usedBytes: number;
  /** What an unprivileged writer may still use (root-reserved blocks excluded). */
  availableBytes: number;
  mountPoint: string;
}

/** Returns the last filesystem line of `df -Pk` output; throws when there is none. */
export function parseDfOutput(stdout: string): DfEntry {
  const lines = stdout
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.length > 0);
  for (let i = lines.length - 1; i >= 1; i--) {
    const match = DF_LINE.exec(lines[i]);
    if (!match) continue;
    return {
      totalBytes: Number(match[1]) * 1024,
      usedBytes: Number(match[2]) * 1024,
      availableBytes: Number(match[3]) * 1024,
      mountPoint: match[5],
    };
  }
  throw new Error(`unexpected df output: ${JSON.stringify(stdout.slice(0, 200))}`);
}
