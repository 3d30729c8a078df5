// Turns raw byte counts into progress events with rate and ETA, at most one every `intervalMs` (plus the last one),
// so a gigabyte copy does not flood the event log.
import type { ProgressInfo } from '../runbook/events.js';

export function makeProgressMeter(
  now: () => number,
  emit: (progress: ProgressInfo) => void,
  intervalMs = 200,
): (done: number, total: number) => void {
  const started = now();
  let lastEmit = -Infinity;
  return (done, total) => {
    const at = now();
    if (done < total && at - lastEmit < intervalMs) return;
    lastEmit = at;
    const seconds = (at - started) / 1000;
    const rate = seconds > 0 ? done / seconds : undefined;
    const etaSec = rate && rate > 0 ? Math.max(0, (total - done) / rate) : undefined;
    emit({ done, total, unit: 'bytes', rate, etaSec });
  };
}
