// The step kinds by name, as runbooks name them in `uses`.
import { checkLiveDb } from './check-live-db.js';
import { chooseSource } from './choose-source.js';
import { findContainer } from './find-container.js';
import { quarantineAndSwap } from './quarantine-and-swap.js';
import { snapshotSource } from './snapshot-source.js';
import { stageInContainer } from './stage-in-container.js';
import { startApp } from './start-app.js';
import type { StepKind } from './step-kind.js';
import { stopApp } from './stop-app.js';
import { testBackups } from './test-backups.js';
import { verify } from './verify.js';

export const stepKinds: ReadonlyMap<string, StepKind> = new Map(
  [findContainer, checkLiveDb, testBackups, chooseSource, snapshotSource, stageInContainer, stopApp, quarantineAndSwap, startApp, verify].map((kind) => [kind.kind, kind]),
);
