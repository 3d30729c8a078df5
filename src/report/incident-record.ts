// The incident folder as the run goes: every event appended to events.ndjson at once (fsynced at step boundaries,
// so a crash leaves a usable journal), and report.md rewritten whole (temp file, then rename) at each boundary.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from '../runbook/events.js';
import { renderReport } from './render-report.js';

const boundaries = new Set<RunEvent['type']>([
  'run-started',
  'step-started',
  'step-succeeded',
  'step-failed',
  'step-skipped',
  'step-not-performed',
  'run-finished',
  'finding',
]);

export interface IncidentRecord {
  dir: string;
  write(event: RunEvent): void;
  close(): void;
}

export function openIncidentRecord(dir: string): IncidentRecord {
  mkdirSync(dir, { recursive: true });
  const fd = openSync(join(dir, 'events.ndjson'), 'a');
  const events: RunEvent[] = [];
  let isClosed = false;

  function writeReport(): void {
    const temp = join(dir, '.report.md.tmp');
    writeFileSync(temp, renderReport(events));
    renameSync(temp, join(dir, 'report.md'));
  }

  return {
    dir,
    write(event) {
      if (isClosed) return;
      events.push(event);
      writeSync(fd, `${JSON.stringify(event)}\n`);
      if (boundaries.has(event.type)) {
        fsyncSync(fd);
        writeReport();
      }
    },
    close() {
      if (isClosed) return;
      isClosed = true;
      fsyncSync(fd);
      closeSync(fd);
      writeReport();
    },
  };
}
