// The time, read again every interval while mounted, for a countdown that moves on its own between events. The
// clock is a prop so that a test moves time by hand instead of sleeping.
import { useEffect, useState } from 'react';

export type Clock = () => number;

export function useNow(now: Clock, intervalMs = 250): number {
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((tick) => tick + 1), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now();
}
