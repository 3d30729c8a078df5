// Time, so the engine and its tests agree on what "now" is.
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after ms; tests may resolve at once. */
  sleep(ms: number): Promise<void>;
  /** Resolves after ms without keeping the process alive: a deadline raced against work that may never end. */
  deadline(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  deadline: (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref()),
};
