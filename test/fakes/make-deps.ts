// Deps for step tests (call it inside a test: its temp folder goes when the test ends): every port faked and wired to the others (the runtime copies to and from the fake local
// disk the inspector reads). The incident folder is a real temp dir because steps create scratch folders in it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import type { Deps, RestoreOptions } from '../../src/steps/deps.js';
import type { Facts } from '../../src/steps/facts.js';
import { FakeClock } from './fake-clock.js';
import { FakeContainerRuntime } from './fake-container-runtime.js';
import { FakeLocalFiles } from './fake-local-files.js';
import { FakeSqliteInspector } from './fake-sqlite-inspector.js';

export const INCIDENT_ID = '20250101T020000Z';

export interface TestWorld {
  deps: Deps;
  runtime: FakeContainerRuntime;
  sqlite: FakeSqliteInspector;
  files: FakeLocalFiles;
  clock: FakeClock;
  facts: Facts;
}

export function makeDeps(options: RestoreOptions = {}, facts: Facts = {}): TestWorld {
  const clock = new FakeClock();
  const files = new FakeLocalFiles();
  const sqlite = new FakeSqliteInspector(files);
  const runtime = new FakeContainerRuntime(clock, files);
  const dir = mkdtempSync(join(tmpdir(), 'sqlite-rescue-test-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const deps: Deps = { runtime, sqlite, files, clock, options, incident: { id: INCIDENT_ID, dir }, facts };
  return { deps, runtime, sqlite, files, clock, facts };
}
