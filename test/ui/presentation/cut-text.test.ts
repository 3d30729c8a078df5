import { describe, expect, it } from 'vitest';
import { abbreviateHashes, cutEnd, cutStart } from '../../../src/ui/presentation/cut-text.js';
import { textWidth } from '../../../src/ui/presentation/wrap-text.js';

describe('cutEnd and cutStart', () => {
  it.each([
    ['fits', 'data/app.db', 20, 'data/app.db', 'data/app.db'],
    ['exactly fits', 'data/app.db', 11, 'data/app.db', 'data/app.db'],
    ['one too long', 'data/app.db', 10, 'data/app.…', '…ta/app.db'],
    ['no room', 'data/app.db', 0, '', ''],
    ['a pictograph counts two', '⚠ changes', 5, '⚠ c…', '…nges'],
  ])('%s', (_name, text, width, end, start) => {
    expect(cutEnd(text, width)).toBe(end);
    expect(cutStart(text, width)).toBe(start);
    expect(textWidth(cutEnd(text, width))).toBeLessThanOrEqual(width);
    expect(textWidth(cutStart(text, width))).toBeLessThanOrEqual(width);
  });
});

describe('abbreviateHashes', () => {
  const sha = '9f2c51e0a4b8d7c3e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8';
  it.each([
    ['a sha256 before a path', `${sha}  /q/app.db`, '9f2c51e0a4b8…  /q/app.db'],
    ['two in a line', `${sha} ${sha}`, '9f2c51e0a4b8… 9f2c51e0a4b8…'],
    ['a short hex word stays', 'page 0x1f2e, id 9f2c51e0a4b8', 'page 0x1f2e, id 9f2c51e0a4b8'],
    ['already short', '1c2d…  /q/app.db', '1c2d…  /q/app.db'],
  ])('%s', (_name, text, expected) => {
    expect(abbreviateHashes(text)).toBe(expected);
  });
});
