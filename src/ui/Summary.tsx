import React from 'react';
import { Box, Text } from 'ink';
import type { RunSummary } from '../runbook/view.js';
import { LeadText } from './LeadText.js';
import { describeExitCode } from './presentation/exit-code.js';
import { getFindingRows } from './presentation/finding-rows.js';
import { formatDuration } from './presentation/format.js';
import type { ScreenLayout } from './presentation/screen-layout.js';
import { firstLine } from './presentation/wrap-text.js';

/** The parts of a screen layout the summary follows. */
export type SummaryLayout = Pick<ScreenLayout, 'hasSummaryBorder' | 'hasSummaryGaps' | 'maxFindings'>;

export interface SummaryProps {
  /** The end-of-run summary from the view. */
  summary: RunSummary;
  /** Whether the run was a dry-run. */
  isDryRun?: boolean;
  /** How much to show; the border, gaps and the last five findings when absent. */
  layout?: SummaryLayout;
  /** Columns the summary may take, to wrap the headline in; Ink wraps it when absent. */
  columns?: number;
}

const DEFAULT_LAYOUT: SummaryLayout = { hasSummaryBorder: true, hasSummaryGaps: true, maxFindings: 5 };

export function Summary({ summary, isDryRun = false, layout = DEFAULT_LAYOUT, columns }: SummaryProps) {
  const isSuccess = summary.exitCode === 0;
  const gap = layout.hasSummaryGaps ? 1 : 0;
  const border = layout.hasSummaryBorder ? ({ borderStyle: 'round', borderColor: isSuccess ? 'green' : 'red', paddingX: 1 } as const) : {};
  return (
    <Box flexDirection="column" {...border}>
      <LeadText
        glyph={isSuccess ? '✔' : '✘'}
        text={summary.headline}
        color={isSuccess ? 'green' : 'red'}
        isBold
        columns={columns === undefined ? undefined : columns - (layout.hasSummaryBorder ? 4 : 0)}
      />
      <Text dimColor>
        exit {summary.exitCode}: {describeExitCode(summary.exitCode)}
      </Text>
      <Findings findings={summary.findings} maxShown={layout.maxFindings} marginTop={gap} />
      <Box flexDirection="column" marginTop={gap}>
        <Text bold>{isDryRun ? 'Actions (dry-run)' : 'Actions'}</Text>
        {summary.actions.length === 0 ? <Text dimColor>{'  nothing was changed'}</Text> : null}
        {summary.actions.map((action, index) => (
          <Text key={index} wrap="truncate-end">
            {'  • '}
            {firstLine(action)}
          </Text>
        ))}
      </Box>
      <Box flexDirection="column" marginTop={gap}>
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

interface FindingsProps {
  /** Every finding of the run, in order. */
  findings: string[];
  /** How many of the latest to list; the others are counted. */
  maxShown: number;
  /** Blank lines above the list. */
  marginTop: number;
}

// The latest findings with the lines they hold: the full text of all of them is in report.md.
function Findings({ findings, maxShown, marginTop }: FindingsProps) {
  if (findings.length === 0) return null;
  const shown = maxShown > 0 ? findings.slice(-maxShown) : [];
  const hidden = findings.length - shown.length;
  if (shown.length === 0) {
    return (
      <Box marginTop={marginTop}>
        <Text>
          <Text bold>Findings</Text>
          <Text dimColor> ({hidden} in report.md)</Text>
        </Text>
      </Box>
    );
  }
  return (
    <Box flexDirection="column" marginTop={marginTop}>
      <Text bold>Findings</Text>
      {shown.flatMap((finding, index) =>
        getFindingRows(finding).map((row, rowIndex) => (
          <Text key={`${index}.${rowIndex}`} wrap="truncate-end" dimColor={rowIndex > 0}>
            {row}
          </Text>
        )),
      )}
      {hidden > 0 ? <Text dimColor>{`  (${hidden} more findings in report.md)`}</Text> : null}
    </Box>
  );
}
