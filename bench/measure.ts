// Small helpers: timing, medians, peak memory of another process, and aligned tables.
import fs from 'node:fs';

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export const seconds = (ms: number | undefined) => (ms === undefined ? '—' : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`);
export const millis = (ms: number) => `${Math.round(ms)} ms`;
export const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
export const mbps = (bytes: number, ms: number) => `${(bytes / 1048576 / (ms / 1000)).toFixed(0)} MiB/s`;

/**
 * Polls /proc/<pid>/status: the highest VmHWM (kernel's peak RSS) and VmRSS seen until stop(), and, when `phase`
 * names what the process is doing (a step's id), the highest VmRSS seen during each phase.
 */
export function sampleRss(
  pid: number,
  everyMs = 20,
  phase: () => string = () => '',
): { stop(): { peakMb: number; peakByPhaseMb: Map<string, number> } } {
  let peakKb = 0;
  const byPhase = new Map<string, number>();
  const read = () => {
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
      const rssKb = kb('VmRSS');
      peakKb = Math.max(peakKb, kb('VmHWM'), rssKb);
      const now = phase();
      if (now) byPhase.set(now, Math.max(byPhase.get(now) ?? 0, rssKb));
    } catch {
      // The process has exited: the last reading stands.
    }
  };
  read();
  const timer = setInterval(read, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      return { peakMb: peakKb / 1024, peakByPhaseMb: new Map([...byPhase].map(([name, kb]) => [name, kb / 1024])) };
    },
  };
}

/** Prints rows as an aligned table (first column left-aligned, the rest right-aligned). */
export function table(head: string[], rows: string[][], log: (line: string) => void): void {
  const widths = head.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) =>
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  log(line(head));
  log(widths.map((w) => '─'.repeat(w)).join('  '));
  for (const row of rows) log(line(row));
}
