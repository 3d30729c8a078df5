// Deps for step tests: every port faked and wired to the others (the runtime copies to and from the fake local disk
// the inspector reads; the incident folder lives on that disk too). Nothing touches the real filesystem.
import type { Deps, RestoreOptions } from '../../src/steps/deps.js';
import type { Facts } from '../../src/steps/facts.js';
import { createRunServices } from '../../src/steps/services.js';
import { FakeClock } from './fake-clock.js';
import { FakeContainerRuntime } from './fake-container-runtime.js';
import { FakeIncidentFiles } from './fake-incident-files.js';
import { FakeLocalFiles } from './fake-local-files.js';
import { FAKE_IDENTITY, FakeRemoteHost } from './fake-remote-host.js';
import { FakeSqliteInspector } from './fake-sqlite-inspector.js';

export const INCIDENT_ID = '20250101T020000Z';
export const INCIDENT_DIR = `/incidents/${INCIDENT_ID}`;

export interface TestWorld {
  deps: Deps;
  runtime: FakeContainerRuntime;
  sqlite: FakeSqliteInspector;
  files: FakeLocalFiles;
  incidentFiles: FakeIncidentFiles;
  clock: FakeClock;
  facts: Facts;
  remoteHost?: FakeRemoteHost;
}

/** Tokens a test can predict: "t1", "t2", … padded to the size asked. */
function countingEntropy() {
  let count = 0;
  return { token: (bytes: number) => String((count += 1)).padStart(bytes * 2, '0') };
}

/** `overSsh`: the engine is on a fake SSH server (deps.remote), as with --host. */
export function makeDeps(options: RestoreOptions = {}, facts: Facts = {}, opts: { overSsh?: boolean } = {}): TestWorld {
  const clock = new FakeClock();
  const files = new FakeLocalFiles();
  const sqlite = new FakeSqliteInspector(files);
  const runtime = new FakeContainerRuntime(clock, files);
  const incidentFiles = new FakeIncidentFiles(INCIDENT_DIR, files);
  const deps: Deps = {
    runtime,
    sqlite,
    files,
    incidentFiles,
    clock,
    entropy: countingEntropy(),
    options,
    incident: { id: INCIDENT_ID, dir: INCIDENT_DIR },
    facts,
    services: createRunServices(sqlite, clock),
  };
  const remoteHost = opts.overSsh ? new FakeRemoteHost(runtime, files) : undefined;
  if (remoteHost)
    deps.remote = {
      host: remoteHost,
      identity: FAKE_IDENTITY,
      transport: 'the fake engine',
      stagingDir: `/tmp/sqlite-rescue/${INCIDENT_ID}`,
    };
  return { deps, runtime, sqlite, files, incidentFiles, clock, facts, remoteHost };
}
