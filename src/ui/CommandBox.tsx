import React from 'react';
import { Box, Text } from 'ink';

export interface CommandBoxProps {
  /** Equivalent shell commands, shown one a line after `$ `. */
  commands: string[];
  /** Dim one-line caption above the commands, e.g. "would run". */
  caption?: string;
}

export function CommandBox({ commands, caption }: CommandBoxProps) {
  if (commands.length === 0) return null;
  return (
    <Box flexDirection="column" borderStyle="round" borderDimColor paddingX={1}>
      {caption ? <Text dimColor>{caption}</Text> : null}
      {commands.map((command, index) => (
        <Text key={index}>
          <Text dimColor>$ </Text>
          {command}
        </Text>
      ))}
    </Box>
  );
}
