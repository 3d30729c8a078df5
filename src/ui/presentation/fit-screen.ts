// Chooses how much of the screen to show and how many rows the open prompt gets, so the frame fits the terminal:
// 1. the richest layout in which everything fits at its full height; rows still free go to the why, so it is never
//    cut with … while they are there, and the prompt may grow into what is left (Tab's matches, a filter line);
// 2. else (a list longer than the screen) the richest layout that leaves the prompt a few entries: the prompt then
//    scrolls within every row left;
// 3. else the sparest layout, the prompt scrolling in what remains (at least its question, one entry, its legend).
import type { ScreenLayout } from './screen-layout.js';
import { measurePromptArea, measurePromptMinimum, measureScreen, type ScreenParts } from './measure-screen.js';
import { getWhyLines } from './detail-lines.js';

export interface ScreenFit {
  layout: ScreenLayout;
  /** Rows the prompt may take (its gap aside); unbounded when the terminal's height is unknown. */
  promptRows: number;
}

function widenWhy(parts: ScreenParts, layout: ScreenLayout, spare: number): ScreenLayout {
  const { focusStep, columns } = parts;
  if (!focusStep || spare <= 0 || !Number.isFinite(layout.whyLines)) return layout;
  const whole = getWhyLines(focusStep.why, columns, Number.POSITIVE_INFINITY).length;
  if (whole <= layout.whyLines) return layout;
  // A step's why shows whole or cut at one place: rows it would not fill stay free.
  return { ...layout, whyLines: Math.min(whole, layout.whyLines + spare) };
}

export function fitScreen(parts: ScreenParts, layouts: ScreenLayout[], rows: number | undefined): ScreenFit {
  const unbounded = Number.POSITIVE_INFINITY;
  if (rows === undefined) return { layout: layouts[0], promptRows: unbounded };
  // Ink clears the terminal and redraws from the top once a frame is as tall as it: one row stays free.
  const budget = rows - 1;
  const gap = (layout: ScreenLayout) => (layout.hasGaps ? 1 : 0);
  const rest = (layout: ScreenLayout) => measureScreen(parts, layout) - measurePromptArea(parts, layout);
  const left = (layout: ScreenLayout) => budget - rest(layout) - gap(layout);
  const prompt = parts.view.prompt;

  const whole = layouts.find((layout) => measureScreen(parts, layout) <= budget);
  if (whole) {
    const layout = widenWhy(parts, whole, budget - measureScreen(parts, whole));
    return { layout, promptRows: prompt ? left(layout) : unbounded };
  }
  if (!prompt) return { layout: layouts[layouts.length - 1], promptRows: unbounded };
  const minimum = measurePromptMinimum(prompt, parts.columns);
  const squeezed = layouts.find((layout) => left(layout) >= minimum) ?? layouts[layouts.length - 1];
  return { layout: squeezed, promptRows: Math.max(3, left(squeezed)) };
}
