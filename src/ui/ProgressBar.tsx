import React from 'react';
import { Text } from 'ink';
import type { ProgressInfo } from '../runbook/events.js';
import { formatBytes, formatEta, formatPercent, formatRate } from './presentation/format.js';

export interface ProgressBarProps {
  /** Progress as the engine reported it. */
  progress: ProgressInfo;
  /** Cells in the bar itself. */
  width?: number;
}

export function ProgressBar({ progress, width = 30 }: ProgressBarProps) {
  const { done, total, unit, rate, etaSec } = progress;
  const ratio = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const filled = Math.round(ratio * width);
  const amount = unit === 'bytes' ? `${formatBytes(done)} / ${formatBytes(total)}` : `${done} / ${total} files`;
  const speed = rate === undefined ? '' : unit === 'bytes' ? formatRate(rate) : `${rate.toFixed(1)} files/s`;
  const parts = [formatPercent(done, total), amount, speed, `ETA ${formatEta(etaSec)}`].filter(Boolean);
  return (
    <Text wrap="truncate-end">
      <Text color="cyan">{'█'.repeat(filled)}</Text>
      <Text dimColor>{'░'.repeat(width - filled)}</Text> {parts.join('  ')}
    </Text>
  );
}
