// Reading a database's schema and row counts through the container's sqlite3 in one exec, comparing schemas, and
// hashing several files with one sha256sum: what verify needs to call a backup restorable and how far behind it is.
import type { ExecResult } from '../ports/container-runtime.js';
import type { StepIO } from '../runbook/engine.js';
import type { Deps } from './deps.js';
import { execIn, type ContainerRef } from './port-actions.js';
import { countSql, isMissingBinary } from './sqlite-cli.js';

export const SCHEMA_SQL = "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name;";

export interface SchemaRow {
  type: string;
  name: string;
  tbl_name: string;
  sql: string | null;
}

export interface SchemaAndCounts {
  schema: SchemaRow[];
  /** Row count per table of `tables`; undefined when counting failed (a table missing: the schema says which). */
  counts?: Record<string, number>;
  error?: string;
}

function parseJsonRows<T>(text: string): T[] {
  const trimmed = text.trim();
  return trimmed === '' ? [] : (JSON.parse(trimmed) as T[]);
}

/** The tables of a schema, sorted. */
export function tablesOf(schema: SchemaRow[]): string[] {
  return schema
    .filter((row) => row.type === 'table')
    .map((row) => row.name)
    .sort();
}

/**
 * Schema, then a marker row, then the counts of `tables`, in one sqlite3 run (-json prints each result as an array).
 * With no `tables` the database's own are counted in a second run. null when the image has no sqlite3.
 */
export async function readSchemaAndCounts(
  io: StepIO,
  deps: Pick<Deps, 'entropy'>,
  ref: ContainerRef,
  open: string,
  tables?: string[],
): Promise<SchemaAndCounts | null> {
  const mark = `mark-${deps.entropy.token(8)}`;
  const counts = tables && tables.length > 0 ? ` SELECT '${mark}' AS m; ${countSql(tables)}` : '';
  const result: ExecResult = await io.perform(execIn(ref, ['sqlite3', '-readonly', '-json', open, `${SCHEMA_SQL}${counts}`]));
  if (isMissingBinary(result)) return null;
  const [schemaPart, countPart] = result.stdout.split(`[{"m":"${mark}"}]`);
  let schema: SchemaRow[];
  try {
    schema = parseJsonRows<SchemaRow>(schemaPart ?? '');
  } catch {
    return { schema: [], error: (result.stderr || result.stdout).trim().slice(0, 300) || `sqlite3 exited ${result.exitCode}` };
  }
  if (tables === undefined) {
    const own = tablesOf(schema);
    if (own.length === 0) return { schema, counts: {} };
    const again = await readSchemaAndCounts(io, deps, ref, open, own);
    return again ? { schema, counts: again.counts, ...(again.error ? { error: again.error } : {}) } : null;
  }
  if (tables.length === 0) return { schema, counts: {} };
  if (result.exitCode !== 0 || countPart === undefined)
    return { schema, error: result.stderr.trim().slice(0, 300) || `sqlite3 exited ${result.exitCode}` };
  const rows = parseJsonRows<{ name: string; n: number }>(countPart);
  return { schema, counts: Object.fromEntries(rows.map((row) => [row.name, row.n])) };
}

const describeRow = (row: SchemaRow) => `${row.type} ${row.name}`;

/** How `backup` differs from `production`, one line per object: missing, extra, or defined differently. Empty: equal. */
export function schemaDiff(production: SchemaRow[], backup: SchemaRow[]): string[] {
  const key = (row: SchemaRow) => `${row.type}\0${row.name}`;
  const ours = new Map(backup.map((row) => [key(row), row]));
  const theirs = new Map(production.map((row) => [key(row), row]));
  const diff: string[] = [];
  for (const [id, row] of theirs) {
    const other = ours.get(id);
    if (!other) diff.push(`${describeRow(row)} missing`);
    else if ((other.sql ?? '').replace(/\s+/g, ' ') !== (row.sql ?? '').replace(/\s+/g, ' '))
      diff.push(`${describeRow(row)} defined differently`);
  }
  for (const [id, row] of ours) if (!theirs.has(id)) diff.push(`${describeRow(row)} not in production`);
  return diff;
}

/** sha256 of each path with one sha256sum (in argument order); null when the image has none or it failed. */
export async function sha256Many(
  io: StepIO,
  ref: ContainerRef,
  paths: string[],
  where: 'container' | 'helper' = 'container',
): Promise<Map<string, string> | null> {
  if (paths.length === 0) return new Map();
  const result = await io.perform(execIn(ref, ['sha256sum', '--', ...paths], { where, timeoutMs: 30 * 60_000 }));
  if (isMissingBinary(result) || result.exitCode !== 0) return null;
  const hashes = result.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => /^\\?([0-9a-f]{64}) /.exec(line)?.[1]);
  if (hashes.length !== paths.length || hashes.some((hash) => !hash)) return null;
  return new Map(paths.map((path, index) => [path, hashes[index] as string]));
}
