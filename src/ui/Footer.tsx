import React from 'react';
import { Text } from 'ink';
import type { ControlKey } from './presentation/screen-state.js';

export interface FooterProps {
  /** The keys to offer, in any order; shown in a fixed order. */
  keys: ControlKey[];
}

const KEY_HINTS: Array<{ key: ControlKey; press: string; label: string }> = [
  { key: 'continue', press: 'Enter', label: 'run/continue' },
  { key: 'skip', press: 's', label: 'skip' },
  { key: 'retry', press: 'r', label: 'retry' },
  { key: 'cancel', press: 'c', label: 'stop it, go on without' },
  { key: 'quit', press: 'q', label: 'quit' },
  { key: 'output', press: 'o', label: 'output' },
  { key: 'help', press: '?', label: 'help' },
];

export function Footer({ keys }: FooterProps) {
  const shown = KEY_HINTS.filter((hint) => keys.includes(hint.key));
  if (shown.length === 0) return null;
  return (
    <Text>
      {shown.map((hint, index) => (
        <Text key={hint.key}>
          {index > 0 ? <Text dimColor>{' · '}</Text> : null}
          <Text bold>{hint.press}</Text>
          <Text dimColor> {hint.label}</Text>
        </Text>
      ))}
    </Text>
  );
}
