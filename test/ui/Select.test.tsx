import React from 'react';
import { describe, expect, it, vi } from 'vitest';
import { render } from 'ink-testing-library';
import { Select } from '../../src/ui/Select.js';
import { plain, tick, waitFor } from './wait-for.js';

const DOWN = '\u001B[B';
const UP = '\u001B[A';
const ESCAPE = '\u001B';

const OPTIONS = [
  { value: 'app-prod', label: 'app-prod', hint: 'running, mounts /data/app.db' },
  { value: 'app-pr-41', label: 'app-pr-41', hint: 'PR preview' },
  { value: 'app-pr-42', label: 'app-pr-42' },
];

async function renderSelect(initialIndex = 0) {
  const onSubmit = vi.fn();
  const onCancel = vi.fn();
  const result = render(
    <Select message="Which container?" options={OPTIONS} initialIndex={initialIndex} onSubmit={onSubmit} onCancel={onCancel} />,
  );
  await tick();
  return { ...result, onSubmit, onCancel };
}

describe('Select', () => {
  it('renders the options with hints and the preselected one marked', async () => {
    const { lastFrame } = await renderSelect(1);
    expect(plain(lastFrame())).toBe(
      [
        '? Which container?',
        '  app-prod',
        '    running, mounts /data/app.db',
        '❯ app-pr-41',
        '    PR preview',
        '  app-pr-42',
        '↑/↓ or j/k move · / filter · Enter pick · Esc cancel',
      ].join('\n'),
    );
  });

  it('Enter picks the preselected option', async () => {
    const { stdin, onSubmit } = await renderSelect(2);
    stdin.write('\r');
    await waitFor(() => onSubmit.mock.calls.length > 0);
    expect(onSubmit).toHaveBeenCalledWith('app-pr-42');
  });

  it('arrows move the choice', async () => {
    const { stdin, lastFrame, onSubmit } = await renderSelect(0);
    stdin.write(DOWN);
    await waitFor(() => plain(lastFrame()).includes('❯ app-pr-41'));
    stdin.write(DOWN);
    await waitFor(() => plain(lastFrame()).includes('❯ app-pr-42'));
    stdin.write(UP);
    await waitFor(() => plain(lastFrame()).includes('❯ app-pr-41'));
    stdin.write('\r');
    await waitFor(() => onSubmit.mock.calls.length > 0);
    expect(onSubmit).toHaveBeenCalledWith('app-pr-41');
  });

  it('j/k move too and stop at the ends', async () => {
    const { stdin, lastFrame, onSubmit } = await renderSelect(0);
    stdin.write('k');
    await tick(20);
    expect(plain(lastFrame())).toContain('❯ app-prod');
    for (const key of ['j', 'j', 'j']) {
      stdin.write(key);
      await tick(10);
    }
    await waitFor(() => plain(lastFrame()).includes('❯ app-pr-42'));
    stdin.write('\r');
    await waitFor(() => onSubmit.mock.calls.length > 0);
    expect(onSubmit).toHaveBeenCalledWith('app-pr-42');
  });

  it.each([
    ['Escape', ESCAPE],
    ['q', 'q'],
  ])('%s cancels without picking', async (_name, key) => {
    const { stdin, onSubmit, onCancel } = await renderSelect(0);
    stdin.write(key);
    await waitFor(() => onCancel.mock.calls.length > 0);
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('ignores keys when inactive', async () => {
    const onSubmit = vi.fn();
    const { stdin } = render(<Select message="?" options={OPTIONS} onSubmit={onSubmit} onCancel={() => {}} isActive={false} />);
    await tick();
    stdin.write('\r');
    await tick(30);
    expect(onSubmit).not.toHaveBeenCalled();
  });
});

describe('Select with keys arriving in one chunk', () => {
  it('reads the latest choice, not the one of the last render', async () => {
    const { stdin, onSubmit } = await renderSelect(0);
    stdin.write(`${DOWN}${DOWN}\r`);
    await waitFor(() => onSubmit.mock.calls.length > 0);
    expect(onSubmit).toHaveBeenCalledWith('app-pr-42');
  });
});

describe('Select with a filter typed in one chunk', () => {
  it('/ and the text after it in one read filter, as typed one by one', async () => {
    const { stdin, lastFrame, onSubmit, onCancel } = await renderSelect(0);
    stdin.write('/pr-42');
    await waitFor(() => plain(lastFrame()).includes('/ pr-42'));
    expect(plain(lastFrame())).toBe(
      ['? Which container?', '/ pr-42', '❯ app-pr-42', '↑/↓ move · Enter pick · Esc clear the filter'].join('\n'),
    );
    stdin.write('\r');
    await waitFor(() => onSubmit.mock.calls.length > 0);
    expect(onSubmit).toHaveBeenCalledWith('app-pr-42');
    expect(onCancel).not.toHaveBeenCalled();
  });
});
