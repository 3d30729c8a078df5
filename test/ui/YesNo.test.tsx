import React from 'react';
import { describe, expect, it, vi } from 'vitest';
import { render } from 'ink-testing-library';
import { YesNo } from '../../src/ui/YesNo.js';
import { plain, tick, waitFor } from './wait-for.js';

describe('YesNo', () => {
  it.each([
    [true, '(Y/n)'],
    [false, '(y/N)'],
  ])('default yes=%s reads %s', (isDefaultYes, suffix) => {
    const { lastFrame } = render(<YesNo message="Trust this host key?" isDefaultYes={isDefaultYes} onSubmit={() => {}} />);
    expect(plain(lastFrame())).toBe(`? Trust this host key? ${suffix}`);
  });

  it.each([
    ['y', true, true],
    ['Y', false, true],
    ['n', true, false],
    ['N', true, false],
    ['\r', true, true],
    ['\r', false, false],
  ])('key %j with default yes=%s answers %s', async (key, isDefaultYes, expected) => {
    const onSubmit = vi.fn();
    const { stdin } = render(<YesNo message="?" isDefaultYes={isDefaultYes} onSubmit={onSubmit} />);
    await tick();
    stdin.write(key);
    await waitFor(() => onSubmit.mock.calls.length > 0);
    expect(onSubmit).toHaveBeenCalledWith(expected);
  });

  it('other keys do nothing; Escape cancels', async () => {
    const onSubmit = vi.fn();
    const onCancel = vi.fn();
    const { stdin } = render(<YesNo message="?" isDefaultYes onSubmit={onSubmit} onCancel={onCancel} />);
    await tick();
    stdin.write('x');
    stdin.write('\u001B');
    await waitFor(() => onCancel.mock.calls.length > 0);
    expect(onSubmit).not.toHaveBeenCalled();
  });
});
