import React from 'react';
import { Box, Text, useInput } from 'ink';
import type { StepView } from '../runbook/view.js';
import { cutEnd } from './presentation/cut-text.js';
import { clampScroll, getOutputRows, type OutputRow } from './presentation/output-lines.js';
import { useRefState } from './use-ref-state.js';

export interface OutputViewProps {
  /** The step whose output and commands are shown. */
  step: StepView;
  /** Its place in the run, e.g. 3 of 10. */
  position: { index: number; count: number };
  /** Rows the view may take, title and legend included; everything shows when absent. */
  maxRows?: number;
  /** Columns to wrap in; 80 when absent. */
  columns?: number;
  /** Called with -1 or 1 to show the step before or after. */
  onStep: (delta: number) => void;
  /** Called on Escape, o or q. */
  onClose: () => void;
  /** Whether keys are handled. */
  isActive?: boolean;
}

const TONES: Record<OutputRow['tone'], { color?: string; dimColor?: boolean; bold?: boolean }> = {
  heading: { bold: true },
  command: {},
  status: { dimColor: true },
  failure: { color: 'red' },
  output: {},
  note: { dimColor: true },
};

// A running step is followed at its end as lines come; a finished one opens at the top, commands first.
export function OutputView({ step, position, maxRows, columns = 80, onStep, onClose, isActive = true }: OutputViewProps) {
  const rows = getOutputRows(step, columns);
  const pageRows = maxRows === undefined ? rows.length : Math.max(1, maxRows - 2);
  const [top, readTop, writeTop] = useRefState<number | 'end'>(step.status === 'running' ? 'end' : 0);
  const first = clampScroll(top, rows.length, pageRows);
  const shown = rows.slice(first, first + pageRows);

  useInput(
    (input, key) => {
      const scroll = (delta: number) => writeTop(clampScroll(clampScroll(readTop(), rows.length, pageRows) + delta, rows.length, pageRows));
      if (key.escape) return onClose();
      if (key.leftArrow) return onStep(-1);
      if (key.rightArrow) return onStep(1);
      if (key.upArrow) return scroll(-1);
      if (key.downArrow) return scroll(1);
      if (key.pageUp) return scroll(-pageRows);
      if (key.pageDown) return scroll(pageRows);
      if (key.home) return writeTop(0);
      if (key.end) return writeTop('end');
      if (key.ctrl || key.meta) return;
      // Letters held down or typed fast come in one read: each counts.
      for (const char of input) {
        if (char === 'o' || char === 'q') return onClose();
        if (char === 'h') return onStep(-1);
        if (char === 'l') return onStep(1);
        if (char === 'k') scroll(-1);
        else if (char === 'j') scroll(1);
        else if (char === 'b') scroll(-pageRows);
        else if (char === ' ') scroll(pageRows);
        else if (char === 'g') writeTop(0);
        else if (char === 'G') writeTop('end');
      }
    },
    { isActive },
  );

  const range = rows.length > pageRows ? `rows ${first + 1}–${first + shown.length} of ${rows.length} · ` : '';
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        {cutEnd(`Output of step ${position.index + 1} of ${position.count}: ${step.title}`, columns)}
      </Text>
      {shown.map((row, index) => (
        <Text key={first + index} {...TONES[row.tone]}>
          {row.text}
        </Text>
      ))}
      <Text dimColor>{cutEnd(`${range}↑/↓ scroll · PgUp/PgDn · g/G top/end · ←/→ step · Esc close`, columns)}</Text>
    </Box>
  );
}
