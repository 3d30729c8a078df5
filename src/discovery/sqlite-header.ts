// The 100-byte header every SQLite database file starts with (https://sqlite.org/fileformat.html#the_database_header).
// A file is a database because of these bytes, never because of its name.

/** The 16 bytes a database file starts with: "SQLite format 3" and a NUL. */
export const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
export const SQLITE_HEADER_BYTES = 100;

/** Bytes 18/19: 1 = rollback journal (legacy), 2 = WAL. Anything else is a file SQLite itself would refuse to write. */
export type JournalMode = 'wal' | 'rollback' | 'unknown';

export interface SqliteHeader {
  journalMode: JournalMode;
  /** Bytes 16-17; 1 there means 65536. */
  pageSize: number;
  /** Bytes 28-31, only when SQLite vouches for it (bytes 92-95 equal the change counter at 24-27); else null. */
  pageCount: number | null;
  /** Bytes 56-59: 1 UTF-8, 2 UTF-16le, 3 UTF-16be. */
  textEncoding: 'utf8' | 'utf16le' | 'utf16be' | 'unknown';
  /** Byte 20: bytes reserved at the end of every page (encryption, checksums). */
  reservedBytes: number;
}

export function hasSqliteMagic(bytes: Buffer): boolean {
  return bytes.length >= SQLITE_MAGIC.length && bytes.subarray(0, SQLITE_MAGIC.length).equals(SQLITE_MAGIC);
}

function journalModeOf(write: number, read: number): JournalMode {
  if (write === 2 && read === 2) return 'wal';
  if (write === 1 && read === 1) return 'rollback';
  return 'unknown';
}

function encodingOf(code: number): SqliteHeader['textEncoding'] {
  return code === 1 ? 'utf8' : code === 2 ? 'utf16le' : code === 3 ? 'utf16be' : 'unknown';
}

/**
 * null unless the bytes start with the magic. A header cut short (a file under 100 bytes that starts like one) still
 * parses what it holds: such a file is a broken database, and a backup that broken is something to report.
 */
export function parseSqliteHeader(bytes: Buffer): SqliteHeader | null {
  if (!hasSqliteMagic(bytes)) return null;
  const byte = (offset: number) => (offset < bytes.length ? bytes[offset] : 0);
  const u32 = (offset: number) => (offset + 4 <= bytes.length ? bytes.readUInt32BE(offset) : null);
  const rawPageSize = bytes.length >= 18 ? bytes.readUInt16BE(16) : 0;
  const changeCounter = u32(24);
  const validFor = u32(92);
  const inHeaderSize = u32(28);
  return {
    journalMode: journalModeOf(byte(18), byte(19)),
    pageSize: rawPageSize === 1 ? 65536 : rawPageSize,
    pageCount: changeCounter !== null && changeCounter === validFor && inHeaderSize ? inHeaderSize : null,
    textEncoding: encodingOf(u32(56) ?? 0),
    reservedBytes: byte(20),
  };
}
