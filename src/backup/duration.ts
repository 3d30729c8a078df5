// Durations as an operator types them (`--max-age 6h`, `90m`, `1d12h`) and ages as a report shows them. Pure.
import { UsageError } from '../runbook/errors.js';

const UNITS: Record<string, number> = { w: 7 * 86_400_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 };
const FORMAT = /^(?:\d+[wdhms])+$/;

/** Milliseconds; throws UsageError naming the flag and what it accepts. */
export function parseDuration(text: string, flag: string): number {
  const trimmed = text.trim().toLowerCase();
  const hint = `${flag} takes a number and a unit: s, m, h, d or w, e.g. ${flag} 6h, ${flag} 90m, ${flag} 1d12h`;
  if (!FORMAT.test(trimmed)) throw new UsageError(`${flag} "${text}": not a duration`, hint);
  let total = 0;
  const seen = new Set<string>();
  for (const [, amount, unit] of trimmed.matchAll(/(\d+)([wdhms])/g)) {
    if (seen.has(unit)) throw new UsageError(`${flag} "${text}": the unit "${unit}" is given twice`, hint);
    seen.add(unit);
    total += Number(amount) * UNITS[unit];
  }
  if (total <= 0) throw new UsageError(`${flag} "${text}": must be longer than zero`, hint);
  return total;
}

/** `45s`, `12m`, `3h05m`, `2d04h`: two units at most, rounded down. */
export function formatAge(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const seconds = Math.floor(Math.abs(ms) / 1000);
  if (seconds < 60) return `${sign}${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${sign}${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${sign}${hours}h${String(minutes % 60).padStart(2, '0')}m`;
  return `${sign}${Math.floor(hours / 24)}d${String(hours % 24).padStart(2, '0')}h`;
}

/** `6h`, `90m`, `1d`: the shortest exact spelling, for the lines `schedule` prints and for messages. */
export function formatDuration(ms: number): string {
  for (const unit of ['w', 'd', 'h', 'm', 's']) if (ms % UNITS[unit] === 0) return `${ms / UNITS[unit]}${unit}`;
  return `${Math.round(ms / 1000)}s`;
}
