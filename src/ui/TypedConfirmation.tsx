import React, { useState } from 'react';
import { Box, Text, useInput } from 'ink';
import { LeadText } from './LeadText.js';
import { applyTypedInput } from './presentation/typed-input.js';
import { useRefState } from './use-ref-state.js';

export interface TypedConfirmationProps {
  /** What is about to happen, naming its target. */
  message: string;
  /** The exact text the operator must type, e.g. the container name. */
  expected: string;
  /** Called with the typed text once it matches and Enter is pressed. */
  onSubmit: (typed: string) => void;
  /** Called on Escape. */
  onCancel: () => void;
  /** Whether keys are handled; off once answered. */
  isActive?: boolean;
  /** Columns to wrap the message in; Ink wraps it when absent. */
  columns?: number;
}

export function TypedConfirmation({ message, expected, onSubmit, onCancel, isActive = true, columns }: TypedConfirmationProps) {
  const [typed, readTyped, writeTyped] = useRefState('');
  const [isMismatch, setIsMismatch] = useState(false);
  useInput(
    (input, key) => {
      if (key.escape) return onCancel();
      if (key.return) {
        if (readTyped() === expected) onSubmit(readTyped());
        else setIsMismatch(true);
        return;
      }
      if (key.backspace || key.delete) {
        writeTyped(readTyped().slice(0, -1));
        setIsMismatch(false);
        return;
      }
      if (key.ctrl || key.meta || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.tab) return;
      const next = applyTypedInput(readTyped(), input);
      if (next !== readTyped()) {
        writeTyped(next);
        setIsMismatch(false);
      }
    },
    { isActive },
  );
  return (
    <Box flexDirection="column">
      <LeadText glyph="⚠" glyphColor="yellow" text={message} isBold columns={columns} />
      <Text>
        Type <Text bold>{expected}</Text> to confirm:
      </Text>
      <Text>
        <Text color="cyan">&gt; </Text>
        {typed}
        {isActive ? <Text inverse> </Text> : null}
      </Text>
      {isMismatch ? <Text color="red">type {expected} exactly to confirm</Text> : null}
      <Text dimColor>Enter confirm · Esc cancel</Text>
    </Box>
  );
}
