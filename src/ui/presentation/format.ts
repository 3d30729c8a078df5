// Pure formatters that turn engine numbers into the short strings a screen shows. No Ink, no I/O.

const BYTE_UNITS = ['KiB', 'MiB', 'GiB', 'TiB'] as const;

// Binary units with one decimal, so "40.0 MiB" and "39.9 MiB" line up while a copy runs.
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '? B';
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  // 1023.96 KiB would print as "1024.0 KiB": carry it into the next unit instead.
  if (Number(value.toFixed(1)) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${BYTE_UNITS[unit]}`;
}

export function formatRate(bytesPerSecond: number | undefined): string {
  if (bytesPerSecond === undefined || !Number.isFinite(bytesPerSecond) || bytesPerSecond < 0) return '';
  return `${formatBytes(bytesPerSecond)}/s`;
}

// A clock reading ("0:42", "12:05", "1:02:03"); unknown or endless is "--:--".
export function formatEta(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '--:--';
  const total = Math.ceil(seconds);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const secs = total % 60;
  const ss = String(secs).padStart(2, '0');
  if (hours > 0) return `${hours}:${String(minutes).padStart(2, '0')}:${ss}`;
  return `${minutes}:${ss}`;
}

// Elapsed time at the precision an operator cares about: ms for quick checks, h/m for downtime. Rounded to
// the nearest shown unit, tenths the way toFixed(1) rounds them, so the summary and the engine's own text
// ("downtime 3.5 s") agree on the same number.
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (Math.round(ms) < 1000) return `${Math.round(ms)}ms`;
  const tenths = (ms / 1000).toFixed(1);
  if (Number(tenths) < 10) return `${tenths}s`;
  const totalSeconds = Math.round(ms / 1000);
  if (totalSeconds < 60) return `${totalSeconds}s`;
  if (totalSeconds < 3600) return `${Math.floor(totalSeconds / 60)}m ${String(totalSeconds % 60).padStart(2, '0')}s`;
  const totalMinutes = Math.round(ms / 60_000);
  return `${Math.floor(totalMinutes / 60)}h ${String(totalMinutes % 60).padStart(2, '0')}m`;
}

export function formatPercent(done: number, total: number): string {
  if (!(total > 0)) return '  ?%';
  const percent = Math.min(100, Math.max(0, Math.floor((done / total) * 100)));
  return `${String(percent).padStart(3, ' ')}%`;
}
