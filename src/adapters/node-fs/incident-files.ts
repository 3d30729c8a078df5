// IncidentFiles over node:fs.
import { mkdir, mkdtemp, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { IncidentFiles } from '../../ports/incident-files.js';

export function createIncidentFiles(dir: string): IncidentFiles {
  return {
    dir,
    path: (name) => join(dir, name),
    async makeScratchDir(prefix) {
      await mkdir(dir, { recursive: true });
      return mkdtemp(join(dir, prefix));
    },
    async writeText(name, text) {
      const final = join(dir, name);
      const temp = join(dir, `.${name}.tmp`);
      const file = await open(temp, 'w');
      try {
        await file.writeFile(text);
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temp, final);
    },
    async readText(name) {
      try {
        return await readFile(join(dir, name), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
  };
}
