// A Clock whose time moves only when someone sleeps; listeners run on each sleep, so a test can make "the app"
// write while a step waits.
import type { Clock } from '../../src/ports/clock.js';

export class FakeClock implements Clock {
  private current: number;
  private readonly listeners: Array<(now: number) => void> = [];
  readonly sleeps: number[] = [];

  constructor(start = Date.parse('2025-01-01T02:00:00.000Z')) {
    this.current = start;
  }

  now = (): number => this.current;

  sleep = async (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    this.advance(ms);
  };

  /** A deadline never passes on its own here: the work it races always answers in a fake. */
  deadline = (): Promise<void> => new Promise(() => undefined);

  advance(ms: number): void {
    this.current += ms;
    for (const listener of this.listeners) listener(this.current);
  }

  onAdvance(listener: (now: number) => void): void {
    this.listeners.push(listener);
  }
}
