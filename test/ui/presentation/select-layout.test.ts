import { describe, expect, it } from 'vitest';
import type { SelectOption } from '../../../src/runbook/events.js';
import { countSelectRows, getOptionRows, layoutSelect, type SelectState } from '../../../src/ui/presentation/select-layout.js';

const options: SelectOption[] = Array.from({ length: 12 }, (_, index) => ({
  value: `c${index}`,
  label: `app-pr-${index}`,
  ...(index % 2 === 0 ? { hint: `preview ${index}` } : {}),
}));
const state = (extra: Partial<SelectState> = {}): SelectState => ({
  highlighted: 0,
  isFiltering: false,
  query: '',
  windowStart: 0,
  ...extra,
});
const texts = (layout: ReturnType<typeof layoutSelect>) => layout.items.flatMap((item) => item.rows.map((row) => row.text));

describe('getOptionRows', () => {
  it('the label after the pointer, wrapped under it; the hint indented four', () => {
    expect(
      getOptionRows(
        { value: 'v', label: 'app-prod ghcr.io/acme/app:1.4 running', hint: 'production: label coolify.pullRequestId=0' },
        30,
        true,
      ),
    ).toEqual([
      { text: '❯ app-prod', kind: 'label' },
      { text: '  ghcr.io/acme/app:1.4 running', kind: 'label' },
      { text: '    production: label', kind: 'hint' },
      { text: '    coolify.pullRequestId=0', kind: 'hint' },
    ]);
  });
});

describe('layoutSelect', () => {
  it('unbounded: every option, the plain legend', () => {
    const layout = layoutSelect('Which?', options, state(), 80);
    expect(layout.items).toHaveLength(12);
    expect(layout.legend).toBe('↑/↓ or j/k move · / filter · Enter pick · Esc cancel');
    expect(countSelectRows(layout)).toBe(1 + 12 + 6 + 1);
  });

  it('bounded: a window around the highlight, the legend says where it is', () => {
    const layout = layoutSelect('Which?', options, state({ highlighted: 9 }), 80, 8);
    // Preselected far down: the window ends at it, whole options only.
    expect(texts(layout)).toEqual(['  app-pr-6', '    preview 6', '  app-pr-7', '  app-pr-8', '    preview 8', '❯ app-pr-9']);
    expect(layout.legend).toBe('7–10 of 12 · ↑/↓ or j/k move · / filter · Enter pick · Esc cancel');
    expect(countSelectRows(layout)).toBeLessThanOrEqual(8);
  });

  it('filtering: the filter row, the options that match, the legend for it', () => {
    const layout = layoutSelect('Which?', options, state({ isFiltering: true, query: '1', highlighted: 10 }), 80, 20);
    expect(layout.filter).toBe('/ 1');
    expect(layout.shown).toEqual([1, 10, 11]);
    expect(texts(layout)).toEqual(['  app-pr-1', '❯ app-pr-10', '    preview 10', '  app-pr-11']);
    expect(layout.legend).toBe('↑/↓ move · Enter pick · Esc clear the filter');
  });

  it('a filter that matches nothing says so', () => {
    const layout = layoutSelect('Which?', options, state({ isFiltering: true, query: 'zzz' }), 80, 20);
    expect(layout.items).toEqual([]);
    expect(layout.empty).toBe('  no option matches "zzz"');
    expect(countSelectRows(layout)).toBe(1 + 1 + 1 + 1);
  });

  it('a narrow terminal: the legend is cut to one row', () => {
    expect(layoutSelect('Which?', options, state(), 30).legend).toBe('↑/↓ or j/k move · / filter · …');
  });
});
