// What a step waits on, as the rows the detail pane shows: the wait in words, then a bar of the time allowed with a
// countdown ("7 s left"), or, for a wait with no end given, how long it has lasted.
import type { StepView } from '../../runbook/view.js';
import { formatEta } from './format.js';
import { wrapText } from './wrap-text.js';

type Waiting = NonNullable<StepView['waiting']>;

// Seconds as an operator counts them down: "7 s", then "1:05" from a minute up.
function formatSeconds(seconds: number): string {
  return seconds < 60 ? `${seconds} s` : formatEta(seconds);
}

/** "7 s left" until the end; "3 s over" once it has passed (the step says what happens then). */
export function formatCountdown(untilMs: number, nowMs: number): string {
  const left = untilMs - nowMs;
  if (left > 0) return `${formatSeconds(Math.ceil(left / 1000))} left`;
  return `${formatSeconds(Math.floor(-left / 1000))} over`;
}

export function formatElapsed(sinceMs: number, nowMs: number): string {
  return `${formatSeconds(Math.max(0, Math.floor((nowMs - sinceMs) / 1000)))} so far`;
}

export interface WaitLines {
  /** "Waiting: <what>", wrapped. */
  what: string[];
  /** The second row: a countdown or the time so far; absent when neither an end nor a start is known. */
  clock?: string;
  /** Share of the allowed time gone, 0..1, when both ends are known. */
  ratio?: number;
}

export function getWaitLines(waiting: Waiting, nowMs: number, columns: number): WaitLines {
  const what = wrapText(`Waiting: ${waiting.what}`, columns);
  const { untilMs, sinceMs } = waiting;
  if (untilMs !== undefined) {
    const span = sinceMs === undefined ? 0 : untilMs - sinceMs;
    const ratio = span > 0 && sinceMs !== undefined ? Math.min(1, Math.max(0, (nowMs - sinceMs) / span)) : undefined;
    return { what, clock: formatCountdown(untilMs, nowMs), ...(ratio === undefined ? {} : { ratio }) };
  }
  if (sinceMs !== undefined) return { what, clock: formatElapsed(sinceMs, nowMs) };
  return { what };
}

/** Rows getWaitLines gives, whatever the clock says: the layout counts them once. */
export function countWaitRows(waiting: Waiting, columns: number): number {
  return wrapText(`Waiting: ${waiting.what}`, columns).length + (waiting.untilMs !== undefined || waiting.sinceMs !== undefined ? 1 : 0);
}
