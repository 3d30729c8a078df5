// POSIX paths inside a container, whatever the OS this tool runs on.
import { posix } from 'node:path';

export const dirname = (path: string): string => posix.dirname(path);
export const basename = (path: string): string => posix.basename(path);
export const join = (...parts: string[]): string => posix.join(...parts);

/** The files SQLite keeps beside a WAL database. */
export function sidecars(dbPath: string): { wal: string; shm: string } {
  return { wal: `${dbPath}-wal`, shm: `${dbPath}-shm` };
}

/** Where the staged copy waits beside the live file: a name no app opens. */
export function stagedPath(dbPath: string, incidentId: string): string {
  return join(dirname(dbPath), `.${basename(dbPath)}.rescue-${incidentId}.incoming`);
}

export function quarantineDir(dbPath: string, incidentId: string): string {
  return join(dirname(dbPath), 'rescue-quarantine', incidentId);
}

// Globs match the last path segment only (`/data/backups/*.db`): `*`, `?` and `[...]`.
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let index = 0; index < pattern.length; index += 1) {
    const char = pattern[index];
    if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else if (char === '[') {
      const end = pattern.indexOf(']', index + 1);
      if (end === -1) source += '\\[';
      else {
        const body = pattern
          .slice(index + 1, end)
          .replace(/^!/, '^')
          .replaceAll('\\', '\\\\');
        source += `[${body}]`;
        index = end;
      }
    } else source += char.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
