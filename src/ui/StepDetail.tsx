import React from 'react';
import { Box, Text } from 'ink';
import type { StepView } from '../runbook/view.js';
import { CommandBox } from './CommandBox.js';
import { ProgressBar } from './ProgressBar.js';
import { getStatusLook } from './presentation/step-status.js';

export interface StepDetailProps {
  /** The step to explain: its why, commands, live output and error. */
  step: StepView;
  /** Whether the run is a dry-run, so mutating commands read as "would run". */
  isDryRun?: boolean;
}

const HEADINGS: Record<StepView['status'], string> = {
  pending: 'Next',
  running: 'Running',
  ok: 'Done',
  failed: 'Failed',
  skipped: 'Skipped',
  'not-performed': 'Not performed',
};

export function StepDetail({ step, isDryRun = false }: StepDetailProps) {
  const look = getStatusLook(step.status);
  const isWouldRun = step.mutates && (isDryRun || step.status === 'not-performed');
  return (
    <Box flexDirection="column">
      <Text>
        <Text color={look.color} bold>
          {HEADINGS[step.status]}:
        </Text>{' '}
        <Text bold>{step.title}</Text>
        {step.mutates ? <Text color="yellow">{'  ⚠ changes'}</Text> : null}
      </Text>
      <Text>{step.why}</Text>
      <CommandBox commands={step.commands} caption={isWouldRun ? 'would run (dry-run: not performed)' : undefined} />
      {step.progress ? <ProgressBar progress={step.progress} /> : null}
      {step.output.map((line, index) => (
        <Text key={index} dimColor wrap="truncate-end">
          {line}
        </Text>
      ))}
      {step.error ? (
        <Box flexDirection="column" marginTop={1}>
          <Text color="red">✘ {step.error.message}</Text>
          {step.error.hint ? <Text>hint: {step.error.hint}</Text> : null}
          {step.error.state ? <Text>state: {step.error.state}</Text> : null}
        </Box>
      ) : null}
    </Box>
  );
}
