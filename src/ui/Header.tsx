import React from 'react';
import { Box, Text } from 'ink';

export interface HeaderProps {
  /** Name of the runbook being run. */
  runbook: string;
  /** What the run acts on, e.g. "my-alias › app-prod:/data/app.db". */
  target: string;
  /** Id of the incident record. */
  incidentId: string;
  /** Whether to show the DRY RUN badge. */
  isDryRun: boolean;
  /** Whether the run has not started yet (questions asked before it): no runbook or incident to name. */
  isBeforeRun?: boolean;
}

export function Header({ runbook, target, incidentId, isDryRun, isBeforeRun = false }: HeaderProps) {
  if (isBeforeRun) {
    return (
      <Box flexDirection="column">
        <Text bold>sqlite-rescue</Text>
        <Text wrap="truncate-end">
          <Text dimColor>before the run starts</Text>
          {target ? (
            <Text>
              <Text dimColor>{' · target '}</Text>
              {target}
            </Text>
          ) : null}
        </Text>
      </Box>
    );
  }
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold>sqlite-rescue</Text>
        <Text dimColor> · </Text>
        <Text>{runbook}</Text>
        {isDryRun ? (
          <Text>
            {'  '}
            <Text backgroundColor="magenta" color="white" bold>
              {' DRY RUN '}
            </Text>
          </Text>
        ) : null}
      </Text>
      <Text wrap="truncate-end">
        <Text dimColor>target </Text>
        {target}
        <Text dimColor>{'  incident '}</Text>
        {incidentId}
      </Text>
    </Box>
  );
}
