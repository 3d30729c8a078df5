import React from 'react';
import { Box, Text } from 'ink';
import type { StepView } from '../runbook/view.js';
import { getProgressBarWidth } from './presentation/detail-lines.js';
import { getWaitLines } from './presentation/wait-lines.js';
import { useNow, type Clock } from './use-now.js';

export interface WaitLineProps {
  /** What the step waits on, since and until when. */
  waiting: NonNullable<StepView['waiting']>;
  /** The clock the countdown reads. */
  now?: Clock;
  /** Columns to wrap in; 80 when absent. */
  columns?: number;
}

export function WaitLine({ waiting, now = Date.now, columns = 80 }: WaitLineProps) {
  const lines = getWaitLines(waiting, useNow(now), columns);
  const width = getProgressBarWidth(columns);
  const filled = lines.ratio === undefined ? 0 : Math.round(lines.ratio * width);
  const isOver = waiting.untilMs !== undefined && lines.ratio === 1;
  return (
    <Box flexDirection="column">
      {lines.what.map((line, index) => (
        <Text key={index} color="yellow">
          {line}
        </Text>
      ))}
      {lines.clock === undefined ? null : (
        <Text>
          {lines.ratio === undefined ? null : (
            <Text>
              <Text color={isOver ? 'red' : 'yellow'}>{'█'.repeat(filled)}</Text>
              <Text dimColor>{'░'.repeat(width - filled)}</Text>{' '}
            </Text>
          )}
          <Text bold>{lines.clock}</Text>
        </Text>
      )}
    </Box>
  );
}
