import React from 'react';
import { describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import { Footer } from '../../src/ui/Footer.js';
import type { ControlKey } from '../../src/ui/presentation/screen-state.js';
import { plain } from './wait-for.js';

describe('Footer', () => {
  it.each<[ControlKey[], string]>([
    [['continue', 'skip', 'retry', 'quit', 'help'], 'Enter run/continue · s skip · r retry · q quit · ? help'],
    [['help', 'quit', 'retry'], 'r retry · q quit · ? help'],
    [['quit'], 'q quit'],
    [[], ''],
  ])('%j', (keys, expected) => {
    expect(plain(render(<Footer keys={keys} />).lastFrame())).toBe(expected);
  });
});
