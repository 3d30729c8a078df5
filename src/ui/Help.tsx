import React from 'react';
import { Box, Text } from 'ink';

export interface HelpProps {
  /** Whether the run is a dry-run, to explain what that means. */
  isDryRun?: boolean;
}

const KEYS: Array<[string, string]> = [
  ['Enter', 'run the next step, or continue after reading a result'],
  ['s', 'skip the step (only where the runbook allows it)'],
  ['r', 'retry the failed step'],
  ['q', 'quit; nothing half-done is left in place, and the record says where things stand'],
  ['?', 'show or hide this help (Esc hides it too)'],
];

const GLYPHS: Array<[string, string]> = [
  ['·', 'pending'],
  ['⠋', 'running'],
  ['✔', 'done'],
  ['✘', 'failed'],
  ['↷', 'skipped'],
  ['○', 'not performed (dry-run)'],
  ['⚠', 'the step changes something; it asks you to type its target first'],
];

export function Help({ isDryRun = false }: HelpProps) {
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text bold>Help</Text>
      {KEYS.map(([press, meaning]) => (
        <Text key={press}>
          <Text bold>{press.padEnd(6)}</Text>
          {meaning}
        </Text>
      ))}
      <Text> </Text>
      {GLYPHS.map(([glyph, meaning]) => (
        <Text key={glyph}>
          {glyph.padEnd(6)}
          {meaning}
        </Text>
      ))}
      <Text> </Text>
      <Text dimColor>Nothing is deleted: replaced files are moved to a quarantine folder first.</Text>
      <Text dimColor>Every command shown after $ is what runs; the incident folder records all of it.</Text>
      {isDryRun ? <Text color="magenta">DRY RUN: read-only steps run for real; steps marked ⚠ are printed, never performed.</Text> : null}
    </Box>
  );
}
