// State that key handlers read through a ref. Ink re-binds useInput handlers only after a render commits,
// so keys that arrive in between (fast typing, a paste, a test writing right after a frame) would otherwise
// see the value of the previous render.
import { useCallback, useRef, useState } from 'react';

export function useRefState<T>(initial: T | (() => T)): [value: T, read: () => T, write: (next: T) => void] {
  const [value, setValue] = useState(initial);
  const ref = useRef(value);
  const read = useCallback(() => ref.current, []);
  const write = useCallback((next: T) => {
    ref.current = next;
    setValue(next);
  }, []);
  return [value, read, write];
}
