// Reading SQLite b-tree pages straight from the file's bytes (https://www.sqlite.org/fileformat2.html), so that a
// corruption recipe knows which rows sit on the pages it destroys without asking SQLite, and tests can count what a
// salvage must lose independently of the code that salvages.
import fs from 'node:fs';

export const TABLE_LEAF = 0x0d;
export const TABLE_INTERIOR = 0x05;
export const INDEX_LEAF = 0x0a;
export const INDEX_INTERIOR = 0x02;

export interface BtreePage {
  pageNumber: number;
  type: number;
  /** Offsets (within the page) of each cell's start, in key order. */
  cellOffsets: number[];
  /** Child page numbers of an interior page, left to right (the right-most pointer last). */
  children: number[];
  bytes: Buffer;
}

export function pageSizeOf(file: string): number {
  const header = readBytes(file, 0, 100);
  const size = header.readUInt16BE(16);
  return size === 1 ? 65536 : size;
}

export function readPage(file: string, pageNumber: number, pageSize = pageSizeOf(file)): BtreePage {
  const bytes = readBytes(file, (pageNumber - 1) * pageSize, pageSize);
  // Page 1 carries the 100-byte database header before its b-tree header.
  const at = pageNumber === 1 ? 100 : 0;
  const type = bytes[at];
  const interior = type === TABLE_INTERIOR || type === INDEX_INTERIOR;
  const cells = bytes.readUInt16BE(at + 3);
  const pointers = at + (interior ? 12 : 8);
  const cellOffsets = Array.from({ length: cells }, (_, i) => bytes.readUInt16BE(pointers + 2 * i));
  const children = interior ? [...cellOffsets.map((offset) => bytes.readUInt32BE(offset)), bytes.readUInt32BE(at + 8)] : [];
  return { pageNumber, type, cellOffsets, children, bytes };
}

/** A varint at `offset`: its value (as a bigint, rowids are 64-bit) and its length. */
export function readVarint(bytes: Buffer, offset: number): { value: bigint; length: number } {
  let value = 0n;
  for (let i = 0; i < 8; i++) {
    const byte = bytes[offset + i];
    value = (value << 7n) | BigInt(byte & 0x7f);
    if ((byte & 0x80) === 0) return { value, length: i + 1 };
  }
  return { value: (value << 8n) | BigInt(bytes[offset + 8]), length: 9 };
}

/** The rowids on a table leaf page. */
export function leafRowids(page: BtreePage): number[] {
  if (page.type !== TABLE_LEAF) throw new Error(`page ${page.pageNumber} is not a table leaf (type ${page.type})`);
  return page.cellOffsets.map((offset) => {
    const payload = readVarint(page.bytes, offset);
    return Number(readVarint(page.bytes, offset + payload.length).value);
  });
}

/** Where a leaf cell's record starts, for table and index leaves (payloads that fit in the page). */
export function recordStart(page: BtreePage, cell: number): number {
  const offset = page.cellOffsets[cell];
  const payload = readVarint(page.bytes, offset);
  if (page.type === INDEX_LEAF) return offset + payload.length;
  return offset + payload.length + readVarint(page.bytes, offset + payload.length).length;
}

/** Serial types and value offsets of the record at `start` (see "Record Format"). */
export function recordColumns(bytes: Buffer, start: number): { serialType: number; offset: number; size: number }[] {
  const headerLength = readVarint(bytes, start);
  const columns: { serialType: number; offset: number; size: number }[] = [];
  let at = start + headerLength.length;
  let value = start + Number(headerLength.value);
  while (at < start + Number(headerLength.value)) {
    const serial = readVarint(bytes, at);
    at += serial.length;
    const serialType = Number(serial.value);
    const size = serialSize(serialType);
    columns.push({ serialType, offset: value, size });
    value += size;
  }
  return columns;
}

function serialSize(type: number): number {
  if (type >= 12) return Math.floor((type - (type % 2 === 0 ? 12 : 13)) / 2);
  return [0, 1, 2, 3, 4, 6, 8, 8, 0, 0][type] ?? 0;
}

/** The integer in column `n` of a leaf cell's record (a WITHOUT ROWID table's integer key; an index entry's rowid). */
export function integerColumn(page: BtreePage, cell: number, n: number): number {
  const column = recordColumns(page.bytes, recordStart(page, cell)).at(n);
  if (!column) throw new Error(`page ${page.pageNumber} cell ${cell}: no column ${n}`);
  if (column.serialType === 8) return 0;
  if (column.serialType === 9) return 1;
  if (column.serialType < 1 || column.serialType > 6) {
    throw new Error(`page ${page.pageNumber} cell ${cell}: column ${n} is not an integer`);
  }
  const raw = page.bytes.subarray(column.offset, column.offset + column.size);
  return Number(BigInt.asIntN(column.size * 8, BigInt(`0x${raw.toString('hex')}`)));
}

/** Column `n` of a leaf cell's record when it is an integer or a text (UTF-8): a WITHOUT ROWID table's key. */
export function keyColumn(page: BtreePage, cell: number, n: number): number | string {
  const column = recordColumns(page.bytes, recordStart(page, cell)).at(n);
  if (column && column.serialType >= 13 && column.serialType % 2 === 1) {
    return page.bytes.subarray(column.offset, column.offset + column.size).toString('utf8');
  }
  return integerColumn(page, cell, n);
}

/** Every leaf page reached from `pageNumber`, left to right. */
export function leavesUnder(file: string, pageNumber: number, pageSize = pageSizeOf(file)): BtreePage[] {
  const page = readPage(file, pageNumber, pageSize);
  if (page.children.length === 0) return [page];
  return page.children.flatMap((child) => leavesUnder(file, child, pageSize));
}

function readBytes(file: string, position: number, length: number): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(length);
    fs.readSync(fd, buffer, 0, length, position);
    return buffer;
  } finally {
    fs.closeSync(fd);
  }
}

export function writeBytes(file: string, bytes: Buffer, position: number): void {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.writeSync(fd, bytes, 0, bytes.length, position);
  } finally {
    fs.closeSync(fd);
  }
}
