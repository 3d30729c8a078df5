// Time, so the engine and its tests agree on what "now" is.
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after ms; tests may resolve at once. */
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
