import React from 'react';
import { describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import { ProgressBar } from '../../src/ui/ProgressBar.js';
import { plain } from './wait-for.js';

const MiB = 1024 * 1024;

describe('ProgressBar', () => {
  it.each([
    [
      'bytes with rate and ETA',
      { done: 12 * MiB, total: 40 * MiB, unit: 'bytes' as const, rate: 3.2 * MiB, etaSec: 9 },
      '██████░░░░░░░░░░░░░░  30%  12.0 MiB / 40.0 MiB  3.2 MiB/s  ETA 0:09',
    ],
    [
      'bytes before the rate is known',
      { done: 0, total: 2 * 1024 ** 3, unit: 'bytes' as const },
      '░░░░░░░░░░░░░░░░░░░░   0%  0 B / 2.0 GiB  ETA --:--',
    ],
    [
      'files',
      { done: 3, total: 4, unit: 'files' as const, rate: 1.5, etaSec: 1 },
      '███████████████░░░░░  75%  3 / 4 files  1.5 files/s  ETA 0:01',
    ],
    [
      'done',
      { done: 40 * MiB, total: 40 * MiB, unit: 'bytes' as const, rate: 4 * MiB, etaSec: 0 },
      '████████████████████ 100%  40.0 MiB / 40.0 MiB  4.0 MiB/s  ETA 0:00',
    ],
  ])('%s', (_name, progress, expected) => {
    const { lastFrame } = render(<ProgressBar progress={progress} width={20} />);
    expect(plain(lastFrame())).toBe(expected);
  });
});
