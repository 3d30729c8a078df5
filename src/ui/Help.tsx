import React from 'react';
import { Box, Text } from 'ink';
import { HELP_DRY_RUN_NOTE, HELP_GLYPHS, HELP_KEY_COLUMN, HELP_KEYS, HELP_NOTES } from './presentation/help-text.js';

export interface HelpProps {
  /** Whether the run is a dry-run, to explain what that means. */
  isDryRun?: boolean;
}

export function Help({ isDryRun = false }: HelpProps) {
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text bold>Help</Text>
      {HELP_KEYS.map(([press, meaning]) => (
        <Text key={press}>
          <Text bold>{press.padEnd(HELP_KEY_COLUMN)}</Text>
          {meaning}
        </Text>
      ))}
      <Text> </Text>
      {HELP_GLYPHS.map(([glyph, meaning]) => (
        <Text key={glyph}>
          {glyph.padEnd(HELP_KEY_COLUMN)}
          {meaning}
        </Text>
      ))}
      <Text> </Text>
      {HELP_NOTES.map((note) => (
        <Text key={note} dimColor>
          {note}
        </Text>
      ))}
      {isDryRun ? <Text color="magenta">{HELP_DRY_RUN_NOTE}</Text> : null}
    </Box>
  );
}
