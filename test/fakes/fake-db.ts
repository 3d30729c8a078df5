// The bytes of a fake database file: a small JSON document saying which tables it holds and what integrity_check
// would print. Every fake (container exec, local inspector) reads a file's health from its bytes, so a file keeps
// its health wherever it is copied or renamed, as a real one does.
export interface FakeDbState {
  /** Row count per table. */
  tables: Record<string, number>;
  /** Rows integrity_check prints; empty means "ok". */
  errors?: string[];
  /** An error SQLite throws before it can check anything (sqlite3 exits 11). */
  fatal?: string;
  /** Free text that makes two databases with the same tables differ byte-wise. */
  note?: string;
}

const MAGIC = 'fake-sqlite:';

export function fakeDb(state: FakeDbState): Buffer {
  return Buffer.from(`${MAGIC}${JSON.stringify(state)}`);
}

/** null when the bytes are not a fake database ("file is not a database"). */
export function readFakeDb(content: Buffer): FakeDbState | null {
  const text = content.toString('utf8');
  if (!text.startsWith(MAGIC)) return null;
  return JSON.parse(text.slice(MAGIC.length)) as FakeDbState;
}
