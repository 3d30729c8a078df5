import React from 'react';
import { describe, expect, it, vi } from 'vitest';
import { render } from 'ink-testing-library';
import { TypedConfirmation } from '../../src/ui/TypedConfirmation.js';
import { plain, tick, waitFor } from './wait-for.js';

const MESSAGE = 'Stop app-prod and swap /data/app.db for the verified copy';

async function renderConfirmation() {
  const onSubmit = vi.fn();
  const onCancel = vi.fn();
  const result = render(<TypedConfirmation message={MESSAGE} expected="app-prod" onSubmit={onSubmit} onCancel={onCancel} />);
  await tick();
  return { ...result, onSubmit, onCancel };
}

describe('TypedConfirmation', () => {
  it('a mismatch does not submit and says what to type', async () => {
    const { stdin, lastFrame, onSubmit } = await renderConfirmation();
    stdin.write('app-pr');
    await waitFor(() => plain(lastFrame()).includes('> app-pr'));
    stdin.write('\r');
    await waitFor(() => plain(lastFrame()).includes('exactly'));
    expect(plain(lastFrame())).toBe(
      [`⚠ ${MESSAGE}`, 'Type app-prod to confirm:', '> app-pr', 'type app-prod exactly to confirm', 'Enter confirm · Esc cancel'].join(
        '\n',
      ),
    );
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('the exact text, typed key by key, submits', async () => {
    const { stdin, lastFrame, onSubmit } = await renderConfirmation();
    for (const char of 'app-prod') {
      stdin.write(char);
      await tick(2);
    }
    await waitFor(() => plain(lastFrame()).includes('> app-prod'));
    expect(plain(lastFrame())).toBe([`⚠ ${MESSAGE}`, 'Type app-prod to confirm:', '> app-prod', 'Enter confirm · Esc cancel'].join('\n'));
    stdin.write('\r');
    await waitFor(() => onSubmit.mock.calls.length > 0);
    expect(onSubmit).toHaveBeenCalledWith('app-prod');
  });

  it('backspace corrects a typo and clears the mismatch message', async () => {
    const { stdin, lastFrame, onSubmit } = await renderConfirmation();
    stdin.write('app-prox');
    await waitFor(() => plain(lastFrame()).includes('> app-prox'));
    stdin.write('\r');
    await waitFor(() => plain(lastFrame()).includes('exactly'));
    stdin.write('\u007F');
    await waitFor(() => !plain(lastFrame()).includes('exactly') && plain(lastFrame()).includes('> app-pro\n'));
    stdin.write('d');
    await waitFor(() => plain(lastFrame()).includes('> app-prod'));
    stdin.write('\r');
    await waitFor(() => onSubmit.mock.calls.length > 0);
    expect(onSubmit).toHaveBeenCalledWith('app-prod');
  });

  // A held Backspace, a slow link or `tmux send-keys BSpace BSpace BSpace` hands Ink several DEL bytes in one read.
  it('several Backspaces in one read erase one character each', async () => {
    const { stdin, lastFrame, onSubmit } = await renderConfirmation();
    stdin.write('nope');
    await waitFor(() => plain(lastFrame()).includes('> nope'));
    stdin.write('\r');
    await waitFor(() => plain(lastFrame()).includes('exactly'));
    stdin.write('\u007F\u007F\u007F');
    await waitFor(() => plain(lastFrame()).includes('> n\n'));
    expect(plain(lastFrame())).toBe([`⚠ ${MESSAGE}`, 'Type app-prod to confirm:', '> n', 'Enter confirm · Esc cancel'].join('\n'));
    stdin.write('\b');
    await waitFor(() => plain(lastFrame()).includes('>\n'));
    stdin.write('app-prox\u007Fd');
    await waitFor(() => plain(lastFrame()).includes('> app-prod'));
    stdin.write('\r');
    await waitFor(() => onSubmit.mock.calls.length > 0);
    expect(onSubmit).toHaveBeenCalledWith('app-prod');
  });

  it('a chunk mixing keys and Backspaces applies them in order', async () => {
    const { stdin, lastFrame } = await renderConfirmation();
    stdin.write('app-');
    await waitFor(() => plain(lastFrame()).includes('> app-'));
    stdin.write('pq\u007F\u007Fprox\bd');
    await waitFor(() => plain(lastFrame()).includes('> app-prod'));
    expect(plain(lastFrame()).split('\n')[2]).toBe('> app-prod');
  });

  it('a different case is a mismatch', async () => {
    const { stdin, lastFrame, onSubmit } = await renderConfirmation();
    stdin.write('APP-PROD');
    await waitFor(() => plain(lastFrame()).includes('> APP-PROD'));
    stdin.write('\r');
    await waitFor(() => plain(lastFrame()).includes('exactly'));
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('Escape cancels', async () => {
    const { stdin, onSubmit, onCancel } = await renderConfirmation();
    stdin.write('app');
    await tick(10);
    stdin.write('\u001B');
    await waitFor(() => onCancel.mock.calls.length > 0);
    expect(onSubmit).not.toHaveBeenCalled();
  });
});
