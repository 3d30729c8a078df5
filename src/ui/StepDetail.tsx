import React from 'react';
import { Box, Text } from 'ink';
import type { StepView } from '../runbook/view.js';
import { CommandBox } from './CommandBox.js';
import { ProgressBar } from './ProgressBar.js';
import { getErrorLines, getProgressBarWidth, getWhyLines } from './presentation/detail-lines.js';
import type { ScreenLayout } from './presentation/screen-layout.js';
import { getStatusLook, getStepLook, getVerdictLabel } from './presentation/step-status.js';
import type { Clock } from './use-now.js';
import { WaitLine } from './WaitLine.js';

/** The parts of a screen layout the detail pane follows. */
export type DetailLayout = Pick<ScreenLayout, 'whyLines' | 'outputLines' | 'commands' | 'hasCommandBorder'>;

export interface StepDetailProps {
  /** The step to explain: its why, commands, live output and error. */
  step: StepView;
  /** Whether the run is a dry-run, so mutating commands read as "would run". */
  isDryRun?: boolean;
  /** Columns the pane may take; when given, text is wrapped here so the layout's line counts hold. */
  columns?: number;
  /** How much of the step to show; everything when absent. */
  layout?: DetailLayout;
  /** The clock a wait's countdown reads. */
  now?: Clock;
}

const HEADINGS: Record<StepView['status'], string> = {
  pending: 'Next',
  running: 'Running',
  ok: 'Done',
  failed: 'Failed',
  skipped: 'Skipped',
  'not-performed': 'Not performed',
};

const lineTexts = (lines: string[], color?: string) =>
  lines.map((line, index) => (
    <Text key={index} color={color}>
      {line}
    </Text>
  ));

export function StepDetail({ step, isDryRun = false, columns, layout, now }: StepDetailProps) {
  const look = getStatusLook(step.status);
  const found = getStepLook(step);
  const verdict = getVerdictLabel(step);
  const isWouldRun = step.mutates && (isDryRun || step.status === 'not-performed');
  const output = layout ? step.output.slice(step.output.length - Math.min(step.output.length, layout.outputLines)) : step.output;
  // Without columns, lines stay whole and Ink wraps them.
  const width = columns ?? Number.POSITIVE_INFINITY;
  const error = step.error ? getErrorLines(step.error, width) : undefined;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text color={look.color} bold>
          {HEADINGS[step.status]}:
        </Text>{' '}
        <Text bold>{step.title}</Text>
        {step.mutates ? <Text color="yellow">{'  ⚠ changes'}</Text> : null}
        {verdict ? <Text color={found.color}>{`  ${found.glyph} ${verdict}`}</Text> : null}
      </Text>
      {lineTexts(getWhyLines(step.why, width, layout?.whyLines ?? Number.POSITIVE_INFINITY))}
      {layout?.commands === 'hidden' ? null : (
        <CommandBox
          commands={step.commands}
          caption={isWouldRun ? 'would run (dry-run: not performed)' : undefined}
          columns={columns}
          isTruncated={layout?.commands === 'truncate'}
          hasBorder={layout?.hasCommandBorder ?? true}
        />
      )}
      {step.waiting ? <WaitLine waiting={step.waiting} now={now} columns={columns} /> : null}
      {step.progress ? (
        <ProgressBar progress={step.progress} width={columns === undefined ? undefined : getProgressBarWidth(columns)} />
      ) : null}
      {output.map((line, index) => (
        <Text key={index} dimColor wrap="truncate-end">
          {line}
        </Text>
      ))}
      {error ? (
        <Box flexDirection="column" marginTop={1}>
          {lineTexts(error.message, 'red')}
          {lineTexts(error.hint)}
          {lineTexts(error.state)}
        </Box>
      ) : null}
    </Box>
  );
}
