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
import { findBackupTarget } from './find-backup-target.js';
import { takeBackup } from './take-backup.js';
import { pullBackup } from './pull-backup.js';
import { pruneBackups } from './prune-backups.js';
import { verifyBackups } from './verify-backups.js';
import { scanEngine } from './scan-engine.js';

export const stepKinds: ReadonlyMap<string, StepKind> = new Map(
  [
    findContainer,
    checkLiveDb,
    testBackups,
    chooseSource,
    snapshotSource,
    stageInContainer,
    stopApp,
    quarantineAndSwap,
    startApp,
    verify,
    // backup, verify and scan (issue 14)
    findBackupTarget,
    takeBackup,
    pullBackup,
    pruneBackups,
    verifyBackups,
    scanEngine,
  ].map((kind) => [kind.kind, kind]),
);
