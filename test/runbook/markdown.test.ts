import { describe, expect, it } from 'vitest';
import { runbookToMarkdown } from '../../src/runbook/markdown.js';

describe('runbookToMarkdown', () => {
  it('numbers the steps, marks the mutating ones and keeps placeholders', () => {
    const markdown = runbookToMarkdown(
      {
        name: 'demo',
        title: 'Demo restore',
        source: 'demo.yaml',
        steps: [
          { id: 'look', uses: 'x', title: 'Look', why: 'Because.', skippable: false },
          { id: 'swap', uses: 'y', title: 'Swap', why: 'Renames.', skippable: false },
        ],
      },
      (step) =>
        step.uses === 'x'
          ? { mutates: false, commands: ['docker ps'] }
          : { mutates: true, commands: ['mv <db> <quarantine>/', 'docker start <container>'] },
    );
    expect(markdown).toBe(
      [
        '# Demo restore',
        '',
        'Runbook `demo`. Placeholders in angle brackets: fill them in. Steps marked ⚠ change something.',
        '',
        '## 1. Look',
        '',
        'Because.',
        '',
        '```sh',
        'docker ps',
        '```',
        '',
        '## 2. Swap ⚠',
        '',
        'Renames.',
        '',
        '```sh',
        'mv <db> <quarantine>/',
        'docker start <container>',
        '```',
        '',
      ].join('\n'),
    );
  });
});
