// `sqlite-rescue check FILE...`: integrity of local SQLite files, opened read-only through their WAL. Exit 0 when
// every file is healthy, 1 otherwise.
import { createSqliteInspector } from '../adapters/better-sqlite3/index.js';
import { describeErrorCount, type IntegrityResult } from '../ports/sqlite-inspector.js';
import { describeError } from '../runbook/errors.js';

export interface CheckFlags {
  quick: boolean;
  json: boolean;
}

type CheckLine = { path: string; ok: boolean; check?: string; errorCount: number; errors: string[]; durationMs?: number; problem?: string };

function toLine(result: IntegrityResult): CheckLine {
  return {
    path: result.path,
    ok: result.ok,
    check: result.check,
    errorCount: result.errorCount,
    errors: result.errors,
    durationMs: result.durationMs,
  };
}

export async function runCheck(files: string[], flags: CheckFlags, out: (line: string) => void): Promise<number> {
  const inspector = createSqliteInspector();
  try {
    const lines = await Promise.all(
      files.map(async (path): Promise<CheckLine> => {
        try {
          return toLine(await inspector.check(path, flags.quick ? 'quick' : 'full'));
        } catch (error) {
          return { path, ok: false, errorCount: 1, errors: [], problem: describeError(error).message };
        }
      }),
    );
    for (const line of lines) {
      if (flags.json) out(JSON.stringify(line));
      else if (line.problem) out(`ERROR    ${line.path}: ${line.problem}`);
      else if (line.ok) out(`ok       ${line.path} (${line.check}, ${line.durationMs} ms)`);
      else
        out(
          `CORRUPT  ${line.path} (${line.check}): ${describeErrorCount(line.errorCount)}\n${line.errors
            .slice(0, 5)
            .map((error) => `           ${error}`)
            .join('\n')}`,
        );
    }
    return lines.every((line) => line.ok) ? 0 : 1;
  } finally {
    await inspector.close();
  }
}
