// The fake engine with what `backup` runs modelled too: the folder listing script, VACUUM INTO (and a disk that fills
// up under it), the journal-mode switch, ln (which refuses to replace), mv, rm of named files, sync, a multi-file
// sha256sum, and helpers from the sqlite3 tool image, which have sqlite3 whatever the app's image lacks. A fake
// database (fake-db.ts) reads as SQLite by its first bytes, as a real one does. Anything else still throws.
import { posix } from 'node:path';
import type { ArchiveWalk, ArchiveWalkLimits, ExecResult, HelperSpec } from '../../src/ports/container-runtime.js';
import { LIST_SCRIPT, MANIFEST_LINES } from '../../src/backup/list-script.js';
import { PROBE_SCRIPT } from '../../src/steps/image-tools.js';
import { JOURNAL_SQL } from '../../src/steps/take-backup.js';
import { fakeDb, readFakeDb } from './fake-db.js';
import { FakeContainerRuntime } from './fake-container-runtime.js';
import { sha256Of } from './fake-local-files.js';

type Answer = Omit<ExecResult, 'argv' | 'durationMs'>;

const ok = (stdout = ''): Answer => ({ exitCode: 0, stdout, stderr: '' });
const fail = (exitCode: number, stderr: string): Answer => ({ exitCode, stdout: '', stderr });

/** A header SQLite would write: the magic, then bytes 18/19 = 2 (WAL). */
function sqliteHead(): Buffer {
  const head = Buffer.alloc(100);
  head.write('SQLite format 3\0', 0, 'latin1');
  head.writeUInt16BE(4096, 16);
  head[18] = 2;
  head[19] = 2;
  return head;
}

export class FakeBackupRuntime extends FakeContainerRuntime {
  /** Binaries the app's image lacks; a helper from another image (the tool image) has them all. */
  readonly appLacks = new Set<string>();
  readonly toolHelpers = new Set<string>();
  /** VACUUM INTO fails with SQLITE_FULL after writing half the file, leaving it and its -journal behind. */
  diskFillsUp = false;

  async startHelper(targetId: string, spec: HelperSpec): Promise<string> {
    const id = await super.startHelper(targetId, spec);
    if (spec.image) this.toolHelpers.add(spec.name);
    return id;
  }

  async removeHelper(helperId: string): Promise<void> {
    await super.removeHelper(helperId);
    this.toolHelpers.delete(helperId);
  }

  async walkArchive(id: string, path: string, limits: ArchiveWalkLimits): Promise<ArchiveWalk | null> {
    const walk = await super.walkArchive(id, path, limits);
    if (!walk) return walk;
    const entries = walk.entries.map((entry) =>
      entry.head.toString('utf8').startsWith('fake-sqlite:') ? { ...entry, head: sqliteHead().subarray(0, limits.headBytes) } : entry,
    );
    return { ...walk, entries };
  }

  async exec(id: string, argv: string[]): Promise<ExecResult> {
    const inTool = this.toolHelpers.has(id);
    let command = argv;
    if (command[0] === 'timeout' && command[1] === '-s' && command[2] === 'KILL') command = command.slice(4);
    const [binary, ...args] = command;
    const answer = (result: Answer): ExecResult => {
      this.calls.push({ method: 'exec', args: [id, [...argv]] });
      return { argv, durationMs: 5, ...result };
    };
    if (!inTool && this.appLacks.has(binary))
      return answer(fail(127, `OCI runtime exec failed: exec: "${binary}": executable file not found in $PATH\r\n`));
    if (binary === 'sh' && args[1] === PROBE_SCRIPT) {
      const tools = args.slice(3).filter((tool) => !this.lacks(tool) && (inTool || !this.appLacks.has(tool)));
      return answer(ok(tools.map((tool) => `${tool}\n`).join('')));
    }
    if (binary === 'sh' && args[1] === LIST_SCRIPT) {
      const folder = await this.statPath(id, args[4]);
      return answer(this.listFolder(id, args[3], args[4], args[5], folder?.isDirectory === true));
    }
    if (binary === 'sqlite3' && args[0] === '-readonly' && /VACUUM INTO '((?:[^']|'')*)';$/.test(args[2] ?? '')) {
      const into = (/VACUUM INTO '((?:[^']|'')*)';$/.exec(args[2]) as RegExpExecArray)[1].replaceAll("''", "'");
      const folder = await this.statPath(id, posix.dirname(into));
      return answer(this.vacuumInto(id, args[1], into, folder?.isDirectory === true));
    }
    if (binary === 'sqlite3' && args.length === 2 && args[1] === JOURNAL_SQL)
      return answer(this.fileAt(id, args[0]) ? ok('delete\n') : fail(1, `Error: unable to open database "${args[0]}"\n`));
    if (binary === 'ln' && args.length === 2) return answer(this.link(id, args[0], args[1]));
    if (binary === 'rm' && args[0] === '-f' && args[1] === '--') {
      for (const path of args.slice(2)) if (this.fileAt(id, path)) this.deleteFile(id, path);
      return answer(ok());
    }
    if (binary === 'sync' && args[0] === '-f') return answer(ok());
    if (binary === 'sha256sum' && args[0] === '--') {
      const lines = args.slice(1).map((path) => {
        const file = this.fileAt(id, path);
        return file ? `${sha256Of(file.content)}  ${path}` : undefined;
      });
      return answer(lines.every(Boolean) ? ok(`${lines.join('\n')}\n`) : fail(1, 'sha256sum: No such file or directory\n'));
    }
    return super.exec(id, argv);
  }

  private listFolder(id: string, mark: string, dir: string, stem: string, exists: boolean): Answer {
    if (!exists) return ok(`${mark} X\n${mark} END\n`);
    const files = this.listFiles(id, dir).filter((path) => posix.dirname(path) === dir);
    const out: string[] = [];
    for (const path of files) {
      const name = posix.basename(path);
      out.push(`${mark} F ${name}`);
      if (name.startsWith(`${stem}-`) && name.endsWith('.db.json')) {
        const lines = (this.fileAt(id, path)?.content.toString('utf8') ?? '').split('\n').slice(0, MANIFEST_LINES);
        out.push(`${mark} J ${name}`, ...lines, `${mark} JE`);
      }
    }
    out.push(`${mark} END`);
    return ok(`${out.join('\n')}\n`);
  }

  private vacuumInto(id: string, db: string, into: string, hasFolder: boolean): Answer {
    const source = this.fileAt(id, db);
    if (!source) return fail(1, `Error: unable to open database "${db}": unable to open database file\n`);
    const state = readFakeDb(source.content);
    if (!state) return fail(26, 'Error: file is not a database\n');
    if (!hasFolder) return fail(14, `Error: unable to open database: ${into}\n`);
    if (this.fileAt(id, into)) return fail(1, 'Error: output file already exists\n');
    const copy = fakeDb({ tables: state.tables, errors: state.errors, indexErrors: state.indexErrors, note: 'vacuum' });
    if (this.diskFillsUp) {
      this.putFile(id, into, copy.subarray(0, Math.floor(copy.length / 2)));
      this.putFile(id, `${into}-journal`, 'journal');
      return fail(13, 'Error: stepping, database or disk is full (13)\n');
    }
    this.putFile(id, into, copy);
    return ok('10000\n');
  }

  private link(id: string, from: string, to: string): Answer {
    const file = this.fileAt(id, from);
    if (!file) return fail(1, `ln: ${from}: No such file or directory\n`);
    if (this.fileAt(id, to)) return fail(1, `ln: ${to}: File exists\n`);
    this.putFile(id, to, file.content, file);
    return ok();
  }
}
