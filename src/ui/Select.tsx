import React, { useRef } from 'react';
import { Box, Text, useInput } from 'ink';
import type { SelectOption } from '../runbook/events.js';
import { LeadText } from './LeadText.js';
import { reduceSelectKey, toSelectKeys } from './presentation/select-keys.js';
import { layoutSelect, type SelectState } from './presentation/select-layout.js';
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
  /** Called on Escape or q (while not filtering). */
  onCancel: () => void;
  /** Whether keys are handled; off once answered. */
  isActive?: boolean;
  /** Columns to wrap the question and options in; 80 when absent. */
  columns?: number;
  /** Rows the whole select may take; a longer list scrolls. Unbounded when absent. */
  maxRows?: number;
}

function clampIndex(index: number, length: number): number {
  return Math.min(Math.max(0, index), Math.max(0, length - 1));
}

export function Select({ message, options, initialIndex = 0, onSubmit, onCancel, isActive = true, columns = 80, maxRows }: SelectProps) {
  const [state, readState, writeState] = useRefState<SelectState>(() => ({
    highlighted: clampIndex(initialIndex, options.length),
    isFiltering: false,
    query: '',
    windowStart: 0,
  }));
  const layout = layoutSelect(message, options, state, columns, maxRows);
  // The window moves from where it was last drawn; keys read it before the next render.
  const windowStart = useRef(layout.window.start);
  windowStart.current = layout.window.start;

  useInput(
    (input, key) => {
      let current: SelectState = { ...readState(), windowStart: windowStart.current };
      for (const pressed of toSelectKeys(input, key)) {
        const next = reduceSelectKey(current, pressed, options);
        current = next.state;
        if (next.outcome) {
          writeState(current);
          return next.outcome.kind === 'submit' ? onSubmit(next.outcome.value) : onCancel();
        }
      }
      writeState(current);
    },
    { isActive },
  );

  return (
    <Box flexDirection="column">
      <LeadText glyph="?" glyphColor="cyan" text={message} isBold columns={columns} />
      {layout.filter === undefined ? null : (
        <Text>
          <Text color="cyan">{layout.filter}</Text>
          {isActive ? <Text inverse> </Text> : null}
        </Text>
      )}
      {layout.items.flatMap(({ index, rows }) =>
        rows.map((row, rowIndex) => (
          <Text
            key={`${index}.${rowIndex}`}
            color={row.kind === 'label' && index === state.highlighted ? 'cyan' : undefined}
            dimColor={row.kind === 'hint'}
          >
            {row.text}
          </Text>
        )),
      )}
      {layout.empty ? <Text color="yellow">{layout.empty}</Text> : null}
      <Text dimColor>{layout.legend}</Text>
    </Box>
  );
}
