// What resume reads from an incident folder: the journal (a line cut short by a kill is dropped), which steps
// succeeded last, and which unfinished incident of the same target the TUI offers to resume.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { doneSteps, findUnfinished, readJournal } from '../../src/commands/resume.js';
import type { RunEvent } from '../../src/runbook/events.js';

const AT = '2026-11-26T02:00:00.000Z';

function incident(root: string, name: string, flags: Record<string, string>, events: RunEvent[], tail = ''): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'run.json'), JSON.stringify({ version: 1, incidentId: name, startedAt: AT, flags }));
  writeFileSync(join(dir, 'events.ndjson'), `${events.map((event) => JSON.stringify(event)).join('\n')}\n${tail}`);
  return dir;
}

const finished = (exitCode: number): RunEvent => ({ type: 'run-finished', at: AT, exitCode, headline: 'h', incidentDir: '' });
const target = { container: 'app', db: '/data/app.db' };

describe('resume', () => {
  it('reads the journal and drops a last line cut short by a kill', () => {
    const root = mkdtempSync(join(tmpdir(), 'resume-'));
    const dir = incident(root, 'a', target, [{ type: 'step-started', at: AT, stepId: 'find-container' }], '{"type":"step-succ');
    expect(readJournal(dir)).toEqual([{ type: 'step-started', at: AT, stepId: 'find-container' }]);
  });

  it('counts a step done only if its latest attempt succeeded', () => {
    const done = doneSteps([
      { type: 'step-started', at: AT, stepId: 'a' },
      { type: 'step-succeeded', at: AT, stepId: 'a', durationMs: 1, summary: 'first', data: 1 },
      { type: 'step-started', at: AT, stepId: 'b' },
      { type: 'step-succeeded', at: AT, stepId: 'b', durationMs: 1, summary: 'b ok' },
      { type: 'step-started', at: AT, stepId: 'b' },
      { type: 'step-started', at: AT, stepId: 'a' },
      { type: 'step-succeeded', at: AT, stepId: 'a', durationMs: 1, summary: 'verified after the interruption: again', data: 2 },
    ]);
    expect([...done.entries()]).toEqual([['a', { at: AT, summary: 'again', data: 2 }]]);
  });

  it('offers the newest unfinished incident of the same target, never a finished one or another target', () => {
    const root = mkdtempSync(join(tmpdir(), 'resume-'));
    incident(root, '20261126T010000Z', target, [finished(1)]);
    const newest = incident(root, '20261126T020000Z', target, [{ type: 'step-started', at: AT, stepId: 'stop-app' }]);
    incident(root, '20261126T030000Z', target, [finished(0)]);
    incident(root, '20261126T040000Z', { container: 'other', db: '/data/app.db' }, []);
    expect(findUnfinished(root, target)).toBe(newest);
    expect(findUnfinished(root, { container: 'nope', db: '/data/app.db' })).toBeUndefined();
    expect(findUnfinished(join(root, 'missing'), target)).toBeUndefined();
  });
});
