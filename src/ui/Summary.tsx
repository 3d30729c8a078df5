import React from 'react';
import { Box, Text } from 'ink';
import type { RunSummary } from '../runbook/view.js';
import { describeExitCode } from './presentation/exit-code.js';
import { formatDuration } from './presentation/format.js';

export interface SummaryProps {
  /** The end-of-run summary from the view. */
  summary: RunSummary;
  /** Whether the run was a dry-run. */
  isDryRun?: boolean;
}

export function Summary({ summary, isDryRun = false }: SummaryProps) {
  const isSuccess = summary.exitCode === 0;
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={isSuccess ? 'green' : 'red'} paddingX={1}>
      <Text bold color={isSuccess ? 'green' : 'red'}>
        {isSuccess ? '✔' : '✘'} {summary.headline}
      </Text>
      <Text dimColor>
        exit {summary.exitCode}: {describeExitCode(summary.exitCode)}
      </Text>
      <List title="Findings" items={summary.findings} />
      <List title={isDryRun ? 'Actions (dry-run)' : 'Actions'} items={summary.actions} empty="nothing was changed" />
      <Box flexDirection="column" marginTop={1}>
        {summary.downtimeMs !== undefined ? (
          <Text>
            <Text bold>{'Downtime'.padEnd(10)}</Text>
            {formatDuration(summary.downtimeMs)} <Text dimColor>(app stopped → started)</Text>
          </Text>
        ) : null}
        <Text>
          <Text bold>{'Record'.padEnd(10)}</Text>
          {summary.incidentDir}
        </Text>
      </Box>
    </Box>
  );
}

interface ListProps {
  /** Bold heading of the list. */
  title: string;
  /** One bullet each. */
  items: string[];
  /** Shown dim when there are no items; the list is left out when absent. */
  empty?: string;
}

function List({ title, items, empty }: ListProps) {
  if (items.length === 0 && !empty) return null;
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text bold>{title}</Text>
      {items.length === 0 ? <Text dimColor>  {empty}</Text> : null}
      {items.map((item, index) => (
        <Text key={index}>  • {item}</Text>
      ))}
    </Box>
  );
}
