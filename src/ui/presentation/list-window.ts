// Which items of a list show when the list is taller than the rows it has. The window keeps the highlighted item in
// view and moves as little as it can from where it was, so the list does not jump under the operator's eyes.

export interface ListWindow {
  /** First item shown. */
  start: number;
  /** One past the last item shown. */
  end: number;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}

/** `heights[i]` is the rows item i takes; the window's items take at most `maxRows` rows (the highlighted one always shows). */
export function getListWindow(heights: number[], highlighted: number, previousStart: number, maxRows: number): ListWindow {
  const count = heights.length;
  if (count === 0) return { start: 0, end: 0 };
  const total = heights.reduce((sum, height) => sum + height, 0);
  if (total <= maxRows) return { start: 0, end: count };
  const focus = clamp(highlighted, 0, count - 1);
  let start = Math.min(clamp(previousStart, 0, count - 1), focus);
  let end = fillForward(heights, start, maxRows);
  if (focus >= end) {
    start = focus;
    let used = heights[focus];
    while (start > 0 && used + heights[start - 1] <= maxRows) used += heights[--start];
    end = fillForward(heights, start, maxRows);
  }
  // Items taken away below (a narrower filter, a taller terminal's shrink) leave no blank rows while items above fit.
  let used = heights.slice(start, end).reduce((sum, height) => sum + height, 0);
  while (end === count && start > 0 && used + heights[start - 1] <= maxRows) used += heights[--start];
  return { start, end: Math.max(end, start + 1) };
}

function fillForward(heights: number[], start: number, maxRows: number): number {
  let end = start;
  let used = 0;
  while (end < heights.length && used + heights[end] <= maxRows) used += heights[end++];
  return end;
}
