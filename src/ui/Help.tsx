import React from 'react';
import { Box, Text } from 'ink';
import { HELP_DRY_RUN_NOTE, HELP_GLYPH_LINES, HELP_KEY_COLUMN, HELP_NOTES, HELP_SECTIONS } from './presentation/help-text.js';

export interface HelpProps {
  /** Whether the run is a dry-run, to explain what that means. */
  isDryRun?: boolean;
}

export function Help({ isDryRun = false }: HelpProps) {
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      {HELP_SECTIONS.map((section) => (
        <Box key={section.title} flexDirection="column">
          <Text bold color="cyan">
            {section.title}
          </Text>
          {section.keys.map(([press, meaning]) => (
            <Text key={press}>
              <Text bold>{press.padEnd(HELP_KEY_COLUMN)}</Text>
              {meaning}
            </Text>
          ))}
        </Box>
      ))}
      {HELP_GLYPH_LINES.map((line) => (
        <Text key={line}>{line}</Text>
      ))}
      {HELP_NOTES.map((note) => (
        <Text key={note} dimColor>
          {note}
        </Text>
      ))}
      {isDryRun ? <Text color="magenta">{HELP_DRY_RUN_NOTE}</Text> : null}
    </Box>
  );
}
