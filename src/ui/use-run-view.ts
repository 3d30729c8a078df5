// Subscribes to the engine's event stream and keeps the reduced RunView in React state.
// Progress can arrive hundreds of times a second during a copy; only the latest per step is rendered
// per interval. Any other event first applies the held progress, so events keep their order.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { RunEvent } from '../runbook/events.js';
import { emptyView, reduceView, type RunView } from '../runbook/view.js';

export type Subscribe = (listener: (event: RunEvent) => void) => () => void;

export const PROGRESS_INTERVAL_MS = 100;

export interface LiveRunView {
  /** The view as last rendered. */
  view: RunView;
  /** The view with every event received so far, for key handlers that run before the next render. */
  readView: () => RunView;
}

export function useRunView(subscribe: Subscribe, initialEvents: RunEvent[] = [], progressIntervalMs = PROGRESS_INTERVAL_MS): LiveRunView {
  const [view, setView] = useState<RunView>(() => initialEvents.reduce(reduceView, emptyView));
  const latest = useRef(view);
  const readView = useCallback(() => latest.current, []);

  useEffect(() => {
    const heldProgress = new Map<string, RunEvent>();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let lastProgressAt = -Infinity;

    const apply = (events: RunEvent[]) => {
      if (events.length === 0) return;
      latest.current = events.reduce(reduceView, latest.current);
      setView(latest.current);
    };
    const takeHeld = (): RunEvent[] => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      const held = [...heldProgress.values()];
      heldProgress.clear();
      return held;
    };
    const flushHeld = () => {
      lastProgressAt = Date.now();
      apply(takeHeld());
    };

    const unsubscribe = subscribe((event) => {
      if (event.type !== 'step-progress') {
        apply([...takeHeld(), event]);
        return;
      }
      const now = Date.now();
      if (timer === undefined && now - lastProgressAt >= progressIntervalMs) {
        lastProgressAt = now;
        apply([event]);
        return;
      }
      heldProgress.set(event.stepId, event);
      timer ??= setTimeout(flushHeld, Math.max(0, progressIntervalMs - (now - lastProgressAt)));
    });

    return () => {
      unsubscribe();
      takeHeld();
    };
  }, [subscribe, progressIntervalMs]);

  return { view, readView };
}
