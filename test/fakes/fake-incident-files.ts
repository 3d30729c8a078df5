// The incident folder in memory, on the fake local disk: scratch folders and the files a step writes there are
// readable by the other fakes (a file copied out into a scratch folder is checked by the fake inspector).
import { join } from 'node:path';
import type { IncidentFiles } from '../../src/ports/incident-files.js';
import type { FakeLocalFiles } from './fake-local-files.js';

export class FakeIncidentFiles implements IncidentFiles {
  private scratchCount = 0;

  constructor(
    readonly dir: string,
    private readonly disk: FakeLocalFiles,
  ) {}

  path(name: string): string {
    return join(this.dir, name);
  }

  async makeScratchDir(prefix: string): Promise<string> {
    this.scratchCount += 1;
    const path = join(this.dir, `${prefix}${this.scratchCount}`);
    this.disk.dirs.add(path);
    return path;
  }

  async writeText(name: string, text: string): Promise<void> {
    this.disk.put(this.path(name), text);
  }

  async readText(name: string): Promise<string | null> {
    return this.disk.files.has(this.path(name)) ? this.disk.read(this.path(name)).toString('utf8') : null;
  }

  /** What a step wrote under `name`; throws when it wrote nothing there. */
  read(name: string): string {
    return this.disk.read(this.path(name)).toString('utf8');
  }
}
