import React from 'react';
import { Text, useInput } from 'ink';

export interface YesNoProps {
  /** The yes/no question. */
  message: string;
  /** Whether Enter alone means yes. */
  isDefaultYes: boolean;
  /** Called with the answer. */
  onSubmit: (yes: boolean) => void;
  /** Called on Escape, when given. */
  onCancel?: () => void;
  /** Whether keys are handled; off once answered. */
  isActive?: boolean;
}

export function YesNo({ message, isDefaultYes, onSubmit, onCancel, isActive = true }: YesNoProps) {
  useInput(
    (input, key) => {
      const lower = input.toLowerCase();
      if (lower === 'y') onSubmit(true);
      else if (lower === 'n') onSubmit(false);
      else if (key.return) onSubmit(isDefaultYes);
      else if (key.escape) onCancel?.();
    },
    { isActive },
  );
  return (
    <Text>
      <Text color="cyan">?</Text> <Text bold>{message}</Text> <Text dimColor>{isDefaultYes ? '(Y/n)' : '(y/N)'}</Text>
    </Text>
  );
}
