import React, { useRef, useState } from 'react';
import { Box, Text, useInput } from 'ink';
import { LeadText } from './LeadText.js';
import { splitChunk } from './presentation/input-chunks.js';
import { applyTypedInput } from './presentation/typed-input.js';

export interface SecretPromptProps {
  /** The question, e.g. the passphrase of which key. */
  message: string;
  /** Called once with what was typed, on Enter; the prompt forgets it at once. */
  onSubmit: (value: string) => void;
  /** Called on Escape. */
  onCancel: () => void;
  /** Whether keys are handled; off once answered. */
  isActive?: boolean;
  /** Columns to wrap the question in; Ink wraps it when absent. */
  columns?: number;
}

// A passphrase typed: the field shows a mark per character so the keys are seen to land, never the characters. What
// was typed lives in a ref only (React state holds only its length) and is emptied on answer or cancel.
export function SecretPrompt({ message, onSubmit, onCancel, isActive = true, columns }: SecretPromptProps) {
  const [length, setLength] = useState(0);
  const secret = useRef('');
  const [isEmptyRefused, setIsEmptyRefused] = useState(false);
  const readSecret = () => secret.current;
  const writeSecret = (next: string) => {
    secret.current = next;
    setLength([...next].length);
  };
  const submit = () => {
    const value = readSecret();
    if (value === '') return setIsEmptyRefused(true);
    writeSecret('');
    onSubmit(value);
  };
  useInput(
    (input, key) => {
      if (key.escape) {
        writeSecret('');
        return onCancel();
      }
      if (key.return) return submit();
      if (key.backspace || key.delete) return writeSecret([...readSecret()].slice(0, -1).join(''));
      if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) return;
      for (const part of splitChunk(input)) {
        if (part === 'enter') return submit();
        if (part === 'tab') continue;
        setIsEmptyRefused(false);
        writeSecret(applyTypedInput(readSecret(), part.text));
      }
    },
    { isActive },
  );
  return (
    <Box flexDirection="column">
      <LeadText glyph="?" glyphColor="cyan" text={message} isBold columns={columns} />
      <Text>
        <Text color="cyan">&gt; </Text>
        {'•'.repeat(Math.min(length, 32))}
        {isActive ? <Text inverse> </Text> : null}
      </Text>
      {isEmptyRefused ? <Text color="red">nothing typed: type the passphrase, or press Esc to cancel</Text> : null}
      <Text dimColor>Enter answer · Esc cancel · what you type is not shown and never recorded</Text>
    </Box>
  );
}
