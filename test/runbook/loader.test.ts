import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseRunbook, RunbookError } from '../../src/runbook/loader.js';
import { stepKinds } from '../../src/steps/index.js';
import { printRunbook } from '../../src/commands/load-runbook.js';

const KINDS = ['find-container', 'verify'];
const SHIPPED = fileURLToPath(new URL('../../runbooks/sqlite-wal-restore.yaml', import.meta.url));

const step = (lines: string) => `name: demo\ntitle: Demo\nsteps:\n${lines}`;
const goodStep = (id: string, uses = 'verify') => `  - id: ${id}\n    uses: ${uses}\n    title: T\n    why: W\n    skippable: false\n`;

function errorOf(text: string): string {
  try {
    parseRunbook(text, 'runbooks/demo.yaml', KINDS);
  } catch (error) {
    expect(error).toBeInstanceOf(RunbookError);
    expect((error as RunbookError).exitCode).toBe(2);
    expect((error as RunbookError).hint).toContain('sqlite-rescue runbook print');
    return (error as Error).message;
  }
  throw new Error('parseRunbook accepted it');
}

describe('parseRunbook', () => {
  it('parses a step, defaulting skippable to false', () => {
    expect(parseRunbook(step(goodStep('check').replace('    skippable: false\n', '')), 'runbooks/demo.yaml', KINDS)).toEqual({
      name: 'demo',
      title: 'Demo',
      source: 'runbooks/demo.yaml',
      steps: [{ id: 'check', uses: 'verify', title: 'T', why: 'W', skippable: false }],
    });
  });

  it.each([
    ['bad YAML', 'name: demo\nsteps: [\n', /^runbooks\/demo\.yaml: not valid YAML: /],
    ['missing top-level field', 'name: demo\nsteps: []\n', /^runbooks\/demo\.yaml: field "title" is missing$/],
    ['no steps', 'name: demo\ntitle: Demo\nsteps: []\n', /^runbooks\/demo\.yaml: field "steps": /],
    [
      'missing field names the step and the field',
      step('  - id: check\n    uses: verify\n    title: T\n'),
      /^runbooks\/demo\.yaml: step "check": field "why" is missing$/,
    ],
    [
      'a step without an id is named by its position',
      step(`${goodStep('first')}  - uses: verify\n    title: T\n    why: W\n`),
      /^runbooks\/demo\.yaml: step 2: field "id" is missing$/,
    ],
    [
      'wrong type',
      step(goodStep('check').replace('skippable: false', 'skippable: maybe')),
      /^runbooks\/demo\.yaml: step "check": field "skippable": /,
    ],
    [
      'bad id',
      step(goodStep('Check_It')),
      /^runbooks\/demo\.yaml: step "Check_It": field "id": must be lower-case words joined by dashes$/,
    ],
    [
      'unknown uses',
      step(goodStep('check', 'rm-rf')),
      /^runbooks\/demo\.yaml: step "check": field "uses": unknown step kind "rm-rf" \(known: find-container, verify\)$/,
    ],
    ['duplicate id', step(goodStep('check') + goodStep('check')), /^runbooks\/demo\.yaml: step "check": field "id": used twice$/],
    [
      'unknown step field',
      step(`${goodStep('check')}    retries: 3\n`),
      /^runbooks\/demo\.yaml: step "check": unknown field\(s\) "retries"$/,
    ],
    ['unknown top-level field', `${step(goodStep('check'))}author: me\n`, /^runbooks\/demo\.yaml: unknown field\(s\) "author"$/],
    // What a step runs and whether it changes anything are the step kind's to declare, never the YAML's.
    [
      'commands in the YAML',
      step(`${goodStep('check')}    commands: [ls]\n`),
      /^runbooks\/demo\.yaml: step "check": unknown field\(s\) "commands"$/,
    ],
    [
      'mutates in the YAML',
      step(`${goodStep('check')}    mutates: false\n`),
      /^runbooks\/demo\.yaml: step "check": unknown field\(s\) "mutates"$/,
    ],
  ])('%s', (_name, text, expected) => {
    expect(errorOf(text)).toMatch(expected);
  });

  it('loads the shipped runbook with its ten steps in order', () => {
    const runbook = parseRunbook(readFileSync(SHIPPED, 'utf8'), SHIPPED, [...stepKinds.keys()]);
    expect(runbook.name).toBe('sqlite-wal-restore');
    expect(runbook.steps.map((entry) => entry.id)).toEqual([
      'find-container',
      'check-live-db',
      'test-backups',
      'choose-source',
      'snapshot-source',
      'stage-in-container',
      'stop-app',
      'quarantine-and-swap',
      'start-app',
      'verify',
    ]);
    expect(runbook.steps.filter((entry) => stepKinds.get(entry.uses)?.mutates).map((entry) => entry.id)).toEqual([
      'stage-in-container',
      'stop-app',
      'quarantine-and-swap',
      'start-app',
    ]);
    expect(runbook.steps.filter((entry) => entry.skippable).map((entry) => entry.id)).toEqual(['test-backups']);
    for (const entry of runbook.steps) expect(stepKinds.has(entry.uses), entry.uses).toBe(true);
  });

  it('the shipped runbook, as printed, never tells the operator to delete anything', () => {
    const removals = printRunbook()
      .split('\n')
      .filter((line) => /(^|[\s;|&])(rm|unlink|shred|truncate)\s/.test(line));
    // The one removal the run performs is of its own helper container, never a file.
    expect(removals).toEqual(["docker rm -f '<swap-helper>'"]);
  });
});
