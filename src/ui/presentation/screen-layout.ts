// How much of a screen to show so that it fits the terminal. Each list runs from the richest layout to the
// sparest; every later one gives up what an operator misses least. App measures them against the rows it has
// and takes the first that fits.

export interface ScreenLayout {
  /** Blank lines between header, steps, detail, prompt and footer. */
  hasGaps: boolean;
  /** Whether each step's summary line shows under it. */
  hasStepSummaries: boolean;
  /** Whether the step list is one line counting how the steps ended (once the run is over). */
  isStepListCollapsed: boolean;
  /** Most lines of the focused step's why; a cut shows as … */
  whyLines: number;
  /** Most lines of the focused step's live output (the latest ones). */
  outputLines: number;
  /** How the focused step's commands show: wrapped, cut to one line each, or not at all. */
  commands: 'wrap' | 'truncate' | 'hidden';
  /** Whether the commands sit in a rounded border. */
  hasCommandBorder: boolean;
  /** Whether the summary sits in a rounded border. */
  hasSummaryBorder: boolean;
  /** Blank lines between the summary's sections. */
  hasSummaryGaps: boolean;
  /** Most findings the summary lists (the latest); the others are counted and left to report.md. */
  maxFindings: number;
}

const FULL: ScreenLayout = {
  hasGaps: true,
  hasStepSummaries: true,
  isStepListCollapsed: false,
  whyLines: Number.POSITIVE_INFINITY,
  outputLines: Number.POSITIVE_INFINITY,
  commands: 'wrap',
  hasCommandBorder: true,
  hasSummaryBorder: true,
  hasSummaryGaps: true,
  maxFindings: 5,
};

/** While the run goes on: steps, the focused step's detail, a prompt. */
export const LIVE_LAYOUTS: ScreenLayout[] = [
  FULL,
  { ...FULL, hasStepSummaries: false, whyLines: 3, outputLines: 4 },
  { ...FULL, hasStepSummaries: false, whyLines: 2, outputLines: 3, commands: 'truncate' },
  { ...FULL, hasStepSummaries: false, whyLines: 2, outputLines: 2, commands: 'truncate', hasCommandBorder: false },
  { ...FULL, hasGaps: false, hasStepSummaries: false, whyLines: 2, outputLines: 2, commands: 'truncate', hasCommandBorder: false },
  { ...FULL, hasGaps: false, hasStepSummaries: false, whyLines: 1, outputLines: 1, commands: 'truncate', hasCommandBorder: false },
  // What is about to run outlasts why: a typed confirmation must still show the commands it confirms.
  { ...FULL, hasGaps: false, hasStepSummaries: false, whyLines: 0, outputLines: 0, commands: 'truncate', hasCommandBorder: false },
  { ...FULL, hasGaps: false, hasStepSummaries: false, whyLines: 0, outputLines: 0, commands: 'hidden', hasCommandBorder: false },
];

/**
 * Once the run is over: steps and the summary. Past the step summaries, the list of steps gives way to one line that
 * counts them before the findings do: the headline says how the run ended, the findings (the quarantine manifest) say
 * where things are.
 */
const FINISHED_COLLAPSED: ScreenLayout = { ...FULL, hasStepSummaries: false, isStepListCollapsed: true };
export const FINISHED_LAYOUTS: ScreenLayout[] = [
  FULL,
  { ...FULL, hasStepSummaries: false },
  FINISHED_COLLAPSED,
  { ...FINISHED_COLLAPSED, maxFindings: 3 },
  { ...FINISHED_COLLAPSED, maxFindings: 3, hasSummaryGaps: false },
  { ...FINISHED_COLLAPSED, maxFindings: 3, hasSummaryGaps: false, hasGaps: false },
  { ...FINISHED_COLLAPSED, maxFindings: 1, hasSummaryGaps: false, hasGaps: false },
  { ...FINISHED_COLLAPSED, maxFindings: 1, hasSummaryGaps: false, hasGaps: false, hasSummaryBorder: false },
  { ...FINISHED_COLLAPSED, maxFindings: 0, hasSummaryGaps: false, hasGaps: false, hasSummaryBorder: false },
];

// Ink clears the whole terminal and redraws from the top once a frame is as tall as the terminal (the top
// scrolls away), so a frame keeps one row free. Unknown rows (not a terminal) leave nothing to fit.
export function chooseLayout(layouts: ScreenLayout[], rows: number | undefined, measure: (layout: ScreenLayout) => number): ScreenLayout {
  if (rows === undefined) return layouts[0];
  return layouts.find((layout) => measure(layout) <= rows - 1) ?? layouts[layouts.length - 1];
}
