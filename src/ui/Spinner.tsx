import React, { useEffect, useState } from 'react';
import { Text } from 'ink';

export const SPINNER_FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export interface SpinnerProps {
  /** Text color of the spinning glyph. */
  color?: string;
  /** Milliseconds between frames. */
  intervalMs?: number;
}

export function Spinner({ color = 'cyan', intervalMs = 80 }: SpinnerProps) {
  const [frame, setFrame] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setFrame((previous) => (previous + 1) % SPINNER_FRAMES.length), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return <Text color={color}>{SPINNER_FRAMES[frame]}</Text>;
}
