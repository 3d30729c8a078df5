import React from 'react';
import { Box, Text, useInput } from 'ink';
import type { SelectOption } from '../runbook/events.js';
import { LeadText } from './LeadText.js';
import { useRefState } from './use-ref-state.js';

export interface SelectProps {
  /** The question above the options. */
  message: string;
  /** Options in rank order; the hint is shown dim under the label. */
  options: SelectOption[];
  /** Index highlighted at first (the engine's recommendation). */
  initialIndex?: number;
  /** Called with the value of the option picked with Enter. */
  onSubmit: (value: string) => void;
  /** Called on Escape or q. */
  onCancel: () => void;
  /** Whether keys are handled; off once answered. */
  isActive?: boolean;
  /** Columns to wrap the question in; Ink wraps it when absent. */
  columns?: number;
}

function clampIndex(index: number, length: number): number {
  return Math.min(Math.max(0, index), Math.max(0, length - 1));
}

export function Select({ message, options, initialIndex = 0, onSubmit, onCancel, isActive = true, columns }: SelectProps) {
  const [index, readIndex, writeIndex] = useRefState(() => clampIndex(initialIndex, options.length));
  useInput(
    (input, key) => {
      if (key.upArrow || input === 'k') writeIndex(clampIndex(readIndex() - 1, options.length));
      else if (key.downArrow || input === 'j') writeIndex(clampIndex(readIndex() + 1, options.length));
      else if (key.return) {
        const picked = options[readIndex()];
        if (picked) onSubmit(picked.value);
      } else if (key.escape || input === 'q') onCancel();
    },
    { isActive },
  );
  return (
    <Box flexDirection="column">
      <LeadText glyph="?" glyphColor="cyan" text={message} isBold columns={columns} />
      {options.map((option, optionIndex) => {
        const isSelected = optionIndex === index;
        return (
          <Box key={option.value} flexDirection="column">
            <Text color={isSelected ? 'cyan' : undefined}>
              {isSelected ? '❯ ' : '  '}
              {option.label}
            </Text>
            {option.hint ? (
              <Box paddingLeft={4}>
                <Text dimColor>{option.hint}</Text>
              </Box>
            ) : null}
          </Box>
        );
      })}
      <Text dimColor>↑/↓ or j/k move · Enter pick · Esc cancel</Text>
    </Box>
  );
}
