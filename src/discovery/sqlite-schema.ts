// The names in a database's sqlite_schema, read from the file's bytes (page 1 is the root of sqlite_schema's b-tree),
// with the pages its -wal holds taking precedence, as SQLite reads them. Nothing is opened through SQLite, so nothing
// is created, checkpointed or deleted: reading the operator's only healthy copy leaves it byte-for-byte as it was.
// Pure over two byte readers.
import { parseSqliteHeader } from './sqlite-header.js';
import { readWalIndex, type ReadBytes } from './wal-index.js';

export interface SchemaEntry {
  type: string;
  name: string;
}

export interface SchemaRead {
  entries: SchemaEntry[];
  /** User tables: type 'table', names not LIKE 'sqlite_%' (what the sqlite3 CLI lists), sorted. */
  tables: string[];
  /** Pages read from the -wal rather than the main file. */
  pagesFromWal: number;
}

/** The file is no database we can read a schema from; the message says where it broke. */
export class SchemaReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaReadError';
  }
}

/** Pages read before giving up: a schema of thousands of objects fits in far fewer. */
const MAX_PAGES = 20_000;

function varint(bytes: Buffer, at: number): { value: number; next: number } {
  let value = 0;
  for (let i = 0; i < 9; i += 1) {
    if (at + i >= bytes.length) throw new SchemaReadError('a varint runs past its page');
    const byte = bytes[at + i];
    if (i === 8) return { value: value * 256 + byte, next: at + 9 };
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) return { value, next: at + i + 1 };
  }
  throw new SchemaReadError('unreachable varint');
}

function serialLength(type: number): number {
  if (type >= 12) return type % 2 === 0 ? (type - 12) / 2 : (type - 13) / 2;
  return [0, 1, 2, 3, 4, 6, 8, 8, 0, 0, 0, 0][type];
}

function decodeText(bytes: Buffer, encoding: 'utf8' | 'utf16le' | 'utf16be' | 'unknown'): string {
  if (encoding === 'utf16le') return bytes.toString('utf16le');
  if (encoding === 'utf16be') return Buffer.from(bytes).swap16().toString('utf16le');
  return bytes.toString('utf8');
}

export interface SchemaSources {
  readMain: ReadBytes;
  mainSize: number;
  /** Absent when there is no -wal beside the file. */
  readWal?: ReadBytes;
  walSize?: number;
}

export async function readSchema(sources: SchemaSources): Promise<SchemaRead> {
  const first = await sources.readMain(0, 100);
  const header = parseSqliteHeader(first);
  if (!header || first.length < 100) throw new SchemaReadError('no SQLite header');
  const encoding = header.textEncoding;
  const wal = sources.readWal && sources.walSize ? await readWalIndex(sources.readWal, sources.walSize) : null;
  const pageSize = wal?.pageSize ?? header.pageSize;
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) {
    throw new SchemaReadError(`page size ${pageSize} is no power of two from 512 to 65536`);
  }
  const usable = pageSize - header.reservedBytes;
  const lastPage = Math.max(Math.ceil(sources.mainSize / pageSize), wal?.dbPages ?? 0);
  let pagesRead = 0;
  let pagesFromWal = 0;

  async function page(number: number): Promise<Buffer> {
    if (number < 1 || number > lastPage) throw new SchemaReadError(`page ${number} is outside the database (1-${lastPage})`);
    pagesRead += 1;
    if (pagesRead > MAX_PAGES) throw new SchemaReadError(`more than ${MAX_PAGES} pages in the schema`);
    const inWal = wal?.pages.get(number);
    if (inWal !== undefined && sources.readWal) {
      pagesFromWal += 1;
      return sources.readWal(inWal, pageSize);
    }
    const bytes = await sources.readMain((number - 1) * pageSize, pageSize);
    if (bytes.length < pageSize) throw new SchemaReadError(`page ${number} is cut short (${bytes.length} of ${pageSize} bytes)`);
    return bytes;
  }

  // The first `need` bytes of a cell's payload: its local part, then overflow pages as far as needed.
  async function payloadStart(bytes: Buffer, at: number, total: number, need: number): Promise<Buffer> {
    const maxLocal = usable - 35;
    let local = total;
    if (total > maxLocal) {
      const minLocal = Math.floor(((usable - 12) * 32) / 255) - 23;
      const k = minLocal + ((total - minLocal) % (usable - 4));
      local = k <= maxLocal ? k : minLocal;
    }
    const parts = [bytes.subarray(at, at + local)];
    let have = Math.min(local, total);
    let next = total > local ? bytes.readUInt32BE(at + local) : 0;
    const seen = new Set<number>();
    while (have < Math.min(need, total) && next !== 0) {
      if (seen.has(next)) throw new SchemaReadError(`overflow pages loop at page ${next}`);
      seen.add(next);
      const overflow = await page(next);
      parts.push(overflow.subarray(4, 4 + Math.min(usable - 4, total - have)));
      have += Math.min(usable - 4, total - have);
      next = overflow.readUInt32BE(0);
    }
    return Buffer.concat(parts);
  }

  // type and name: the first two columns of a sqlite_schema row.
  async function readRow(bytes: Buffer, cell: number): Promise<SchemaEntry> {
    const size = varint(bytes, cell);
    const rowid = varint(bytes, size.next);
    const peek = await payloadStart(bytes, rowid.next, size.value, 10);
    const headerSize = varint(peek, 0);
    const full = await payloadStart(bytes, rowid.next, size.value, headerSize.value);
    const typeSerial = varint(full, headerSize.next);
    const nameSerial = varint(full, typeSerial.next);
    const typeStart = headerSize.value;
    const nameStart = typeStart + serialLength(typeSerial.value);
    const nameEnd = nameStart + serialLength(nameSerial.value);
    const values = await payloadStart(bytes, rowid.next, size.value, nameEnd);
    if (values.length < nameEnd) throw new SchemaReadError('a sqlite_schema row ends before its name');
    const isText = (serial: number) => serial >= 13 && serial % 2 === 1;
    const text = (start: number, end: number, serial: number) => (isText(serial) ? decodeText(values.subarray(start, end), encoding) : '');
    return { type: text(typeStart, nameStart, typeSerial.value), name: text(nameStart, nameEnd, nameSerial.value) };
  }

  const entries: SchemaEntry[] = [];
  const visited = new Set<number>();
  async function walk(number: number, depth: number): Promise<void> {
    if (visited.has(number)) throw new SchemaReadError(`the schema b-tree visits page ${number} twice`);
    if (depth > 20) throw new SchemaReadError('the schema b-tree is deeper than 20 levels');
    visited.add(number);
    const bytes = await page(number);
    const at = number === 1 ? 100 : 0;
    const kind = bytes[at];
    const cells = bytes.readUInt16BE(at + 3);
    if (kind === 0x0d) {
      for (let i = 0; i < cells; i += 1) entries.push(await readRow(bytes, bytes.readUInt16BE(at + 8 + 2 * i)));
      return;
    }
    if (kind !== 0x05) throw new SchemaReadError(`page ${number} is no table b-tree page (type ${kind})`);
    for (let i = 0; i < cells; i += 1) await walk(bytes.readUInt32BE(bytes.readUInt16BE(at + 12 + 2 * i)), depth + 1);
    await walk(bytes.readUInt32BE(at + 8), depth + 1);
  }

  try {
    await walk(1, 0);
  } catch (error) {
    if (error instanceof SchemaReadError) throw error;
    // A Buffer read past its end (a cell pointer into nowhere) is a damaged page, not a bug.
    if (error instanceof RangeError) throw new SchemaReadError(`a damaged page: ${error.message}`);
    throw error;
  }
  const tables = entries
    .filter((entry) => entry.type === 'table' && !/^sqlite./i.test(entry.name))
    .map((entry) => entry.name)
    .sort();
  return { entries, tables, pagesFromWal };
}
