// One restore at a time per container and database, among the runs on this machine: a lock file created with O_EXCL
// under ~/.local/state/sqlite-rescue/locks. A lock whose process is gone is stale: the same incident (resume) takes it
// over; another run is told how to resume that incident or clear the lock.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { RescueError } from '../runbook/errors.js';

export interface LockHolder {
  key: string;
  pid: number;
  host: string;
  incidentId: string;
  incidentDir: string;
  startedAt: string;
}

export function locksDir(): string {
  return join(process.env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'sqlite-rescue', 'locks');
}

function lockPath(key: string): string {
  return join(locksDir(), `${createHash('sha256').update(key).digest('hex').slice(0, 24)}.json`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface TargetLock {
  acquire(key: string, containerName: string): Promise<void>;
  release(): void;
}

export function makeTargetLock(me: { incidentId: string; incidentDir: string; breakStale: boolean }): TargetLock {
  let held: string | undefined;
  return {
    async acquire(key, containerName) {
      if (held) return;
      mkdirSync(locksDir(), { recursive: true });
      const path = lockPath(key);
      const mine: LockHolder = {
        key,
        pid: process.pid,
        host: hostname(),
        incidentId: me.incidentId,
        incidentDir: me.incidentDir,
        startedAt: new Date().toISOString(),
      };
      for (let attempt = 0; attempt < 2; attempt += 1) {
        try {
          writeFileSync(path, `${JSON.stringify(mine, null, 2)}\n`, { flag: 'wx' });
          held = path;
          return;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        }
        const holder = JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
        const isStale = holder.host === hostname() && !isAlive(holder.pid);
        if (!isStale) {
          throw new RescueError(
            `another sqlite-rescue run (pid ${holder.pid} on ${holder.host}, incident ${holder.incidentId}, since ${holder.startedAt}) is working on ${containerName}`,
            {
              kind: 'operator',
              exitCode: 2,
              hint: `wait for it to finish; its record is in ${holder.incidentDir}`,
            },
          );
        }
        if (holder.incidentId !== me.incidentId && !me.breakStale) {
          throw new RescueError(
            `a stale lock on ${containerName}: run ${holder.incidentId} (pid ${holder.pid}) was killed before it finished`,
            {
              kind: 'operator',
              exitCode: 2,
              hint: `finish that run with \`sqlite-rescue resume ${holder.incidentDir}\` (safest), or clear the lock with --break-stale-lock`,
            },
          );
        }
        // Ours from before the interruption (resume), or a stale one the operator asked to clear.
        rmSync(path, { force: true });
      }
      throw new RescueError(`could not take the lock on ${containerName}`, { hint: `remove ${path} if no run is working on it` });
    },
    release() {
      if (held) rmSync(held, { force: true });
      held = undefined;
    },
  };
}
