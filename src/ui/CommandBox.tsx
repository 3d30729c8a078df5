import React from 'react';
import { Box, Text } from 'ink';
import { getCommandLines, getCommandWidth } from './presentation/detail-lines.js';

export interface CommandBoxProps {
  /** Equivalent shell commands, shown one a line after `$ `. */
  commands: string[];
  /** Dim one-line caption above the commands, e.g. "would run". */
  caption?: string;
  /** Columns the box may take; when given, commands are wrapped here (not by Ink) so a layout can count the lines. */
  columns?: number;
  /** Whether each command is cut to one line ending in … instead of wrapped. */
  isTruncated?: boolean;
  /** Whether the commands sit in a rounded border; left out where rows are short. */
  hasBorder?: boolean;
}

export function CommandBox({ commands, caption, columns, isTruncated = false, hasBorder = true }: CommandBoxProps) {
  if (commands.length === 0) return null;
  // Without columns, commands stay whole and Ink wraps them.
  const lines = getCommandLines(commands, getCommandWidth(columns ?? Number.POSITIVE_INFINITY, hasBorder), isTruncated);
  const border = hasBorder ? ({ borderStyle: 'round', borderDimColor: true, paddingX: 1 } as const) : {};
  return (
    <Box flexDirection="column" {...border}>
      {caption ? <Text dimColor>{caption}</Text> : null}
      {lines.map((line, index) => (
        <Text key={index} wrap={isTruncated ? 'truncate-end' : 'wrap'}>
          <Text dimColor>{line.isStart ? '$ ' : '  '}</Text>
          {line.text}
        </Text>
      ))}
    </Box>
  );
}
