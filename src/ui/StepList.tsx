import React from 'react';
import { Box, Text } from 'ink';
import type { StepView } from '../runbook/view.js';
import { formatDuration } from './presentation/format.js';
import { getStepLook, getStepSummaryLine, getStepTally, getVerdictLabel, isStepDone } from './presentation/step-status.js';
import { Spinner } from './Spinner.js';

export interface StepListProps {
  /** Every step of the run, in order. */
  steps: StepView[];
  /** The step the detail pane shows; marked with a pointer. */
  focusStepId?: string;
  /** Whether each step's summary (or error) shows on a line under it; off where rows are short. */
  hasSummaries?: boolean;
  /** Whether the list is one line counting how the steps ended (a finished run where rows are short). */
  isCollapsed?: boolean;
}

export function StepList({ steps, focusStepId, hasSummaries = true, isCollapsed = false }: StepListProps) {
  if (isCollapsed) return <Text wrap="truncate-end">{getStepTally(steps)}</Text>;
  return (
    <Box flexDirection="column">
      {steps.map((step) => (
        <StepRow key={step.id} step={step} isFocused={step.id === focusStepId} hasSummary={hasSummaries} />
      ))}
    </Box>
  );
}

interface StepRowProps {
  /** The step to show on one or two lines. */
  step: StepView;
  /** Whether this is the step the detail pane shows. */
  isFocused: boolean;
  /** Whether the summary line shows under the step. */
  hasSummary: boolean;
}

function StepRow({ step, isFocused, hasSummary }: StepRowProps) {
  const look = getStepLook(step);
  const verdict = getVerdictLabel(step);
  const hasDuration = isStepDone(step.status) && step.durationMs !== undefined;
  const summaryLine = hasSummary ? getStepSummaryLine(step) : undefined;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text color="cyan">{isFocused ? '›' : ' '}</Text>{' '}
        {step.status === 'running' ? <Spinner color={look.color} /> : <Text color={look.color}>{look.glyph}</Text>}{' '}
        <Text bold={isFocused}>{step.title}</Text>
        {step.mutates ? <Text color="yellow">{'  ⚠ changes'}</Text> : null}
        {verdict ? <Text color={look.color}>{`  ${verdict}`}</Text> : null}
        {step.status === 'not-performed' ? <Text color={look.color}>{'  not performed'}</Text> : null}
        {step.status === 'skipped' ? <Text color={look.color}>{'  skipped'}</Text> : null}
        {hasDuration ? <Text dimColor>{`  ${formatDuration(step.durationMs as number)}`}</Text> : null}
      </Text>
      {summaryLine ? (
        <Box paddingLeft={4}>
          <Text dimColor={step.status !== 'failed'} color={step.status === 'failed' ? look.color : undefined} wrap="truncate-end">
            {summaryLine}
          </Text>
        </Box>
      ) : null}
    </Box>
  );
}
