// The bytes of a fake database file: a small JSON document saying which tables it holds and what integrity_check
// would print. Every fake (container exec, local inspector) reads a file's health from its bytes, so a file keeps
// its health wherever it is copied or renamed, as a real one does.
export interface FakeDbState {
  /** Row count per table. */
  tables: Record<string, number>;
  /** Rows both quick_check and integrity_check print (damaged pages, broken b-trees); empty means "ok". */
  errors?: string[];
  /** Rows only integrity_check prints: an index that disagrees with its table, which quick_check does not look at. */
  indexErrors?: string[];
  /** An error SQLite throws before it can check anything (sqlite3 exits 11). */
  fatal?: string;
  /** Free text that makes two databases with the same tables differ byte-wise. */
  note?: string;
}

const MAGIC = 'fake-sqlite:';
const HEADER_BYTES = 100;

// A real SQLite header first (WAL mode, 4 KiB pages): discovery finds databases by their header, as in a container.
function sqliteHeader(): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  header.write('SQLite format 3\0', 0, 'latin1');
  header.writeUInt16BE(4096, 16);
  header[18] = 2;
  header[19] = 2;
  header[21] = 64;
  header[22] = 32;
  header[23] = 32;
  header.writeUInt32BE(1, 56);
  return header;
}

export function fakeDb(state: FakeDbState): Buffer {
  return Buffer.concat([sqliteHeader(), Buffer.from(`${MAGIC}${JSON.stringify(state)}`)]);
}

/** null when the bytes are not a fake database ("file is not a database"). */
export function readFakeDb(content: Buffer): FakeDbState | null {
  if (content.subarray(0, 16).toString('latin1') !== 'SQLite format 3\0') return null;
  const text = content.subarray(HEADER_BYTES).toString('utf8');
  if (!text.startsWith(MAGIC)) return null;
  return JSON.parse(text.slice(MAGIC.length)) as FakeDbState;
}

/** The rows PRAGMA quick_check or integrity_check prints for a fake database; empty means "ok". */
export function checkRows(db: FakeDbState, check: 'quick_check' | 'integrity_check'): string[] {
  return check === 'quick_check' ? (db.errors ?? []) : [...(db.errors ?? []), ...(db.indexErrors ?? [])];
}
