// The step implementations by kind, as runbooks name them in `uses`.
import type { StepImpl } from '../runbook/engine.js';
import type { Deps } from './deps.js';
import { checkLiveDb } from './check-live-db.js';
import { chooseSource } from './choose-source.js';
import { findContainer } from './find-container.js';
import { quarantineAndSwap } from './quarantine-and-swap.js';
import { snapshotSource } from './snapshot-source.js';
import { stageInContainer } from './stage-in-container.js';
import { startApp } from './start-app.js';
import { stopApp } from './stop-app.js';
import { testBackups } from './test-backups.js';
import { verify } from './verify.js';

export const stepImpls: ReadonlyMap<string, StepImpl<Deps>> = new Map(
  [findContainer, checkLiveDb, testBackups, chooseSource, snapshotSource, stageInContainer, stopApp, quarantineAndSwap, startApp, verify].map((impl) => [impl.kind, impl]),
);
