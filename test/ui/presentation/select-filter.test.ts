import { describe, expect, it } from 'vitest';
import { filterOptionIndices, keepHighlight, matchesFilter, moveHighlight } from '../../../src/ui/presentation/select-filter.js';

const prod = { value: 'c1', label: 'app-prod  ghcr.io/acme/app:1.4  running', hint: 'production: coolify.pullRequestId=0' };
const preview = { value: 'c2', label: 'app-pr-7  ghcr.io/acme/app:1.4  exited', hint: 'preview: pr-7 in the name' };
const proxy = { value: 'c3', label: 'coolify-proxy  traefik:3.1  running' };

describe('matchesFilter', () => {
  it.each([
    ['', true],
    ['prod', true],
    ['PROD', true],
    ['prod running', true],
    ['running prod', true],
    ['prod exited', false],
    ['pullrequestid', true],
    ['c1', true],
    ['traefik', false],
    ['  prod  ', true],
  ])('%j matches app-prod: %s', (query, expected) => {
    expect(matchesFilter(prod, query)).toBe(expected);
  });
});

describe('filterOptionIndices', () => {
  it.each<[string, number[]]>([
    ['', [0, 1, 2]],
    ['app', [0, 1]],
    ['running', [0, 2]],
    ['pr-7', [1]],
    ['nothing', []],
  ])('%j keeps %j, in rank order', (query, expected) => {
    expect(filterOptionIndices([prod, preview, proxy], query)).toEqual(expected);
  });
});

describe('keepHighlight and moveHighlight', () => {
  it.each<[string, number[], number, number]>([
    ['still listed: kept', [0, 2, 5], 2, 2],
    ['filtered out: the first listed', [0, 2, 5], 3, 0],
    ['nothing listed: unchanged', [], 3, 3],
  ])('keep: %s', (_name, shown, highlighted, expected) => {
    expect(keepHighlight(shown, highlighted)).toBe(expected);
  });

  it.each<[string, number[], number, number, number]>([
    ['down to the next listed', [0, 2, 5], 2, 1, 5],
    ['up to the one before', [0, 2, 5], 2, -1, 0],
    ['stops at the end', [0, 2, 5], 5, 1, 5],
    ['stops at the top', [0, 2, 5], 0, -1, 0],
    ['a page down stops at the end', [0, 2, 5, 7], 0, 5, 7],
    ['nothing listed: unchanged', [], 4, 1, 4],
  ])('move: %s', (_name, shown, highlighted, delta, expected) => {
    expect(moveHighlight(shown, highlighted, delta)).toBe(expected);
  });
});
