// Which pages a -wal file holds, as SQLite itself would see them (https://sqlite.org/fileformat.html#the_write_ahead_log):
// only frames whose salts match the header and whose running checksum holds, up to the last commit frame. A -wal
// left from an older generation, or torn at its end, contributes only what SQLite would read from it. Pure.

export type ReadBytes = (offset: number, length: number) => Promise<Buffer>;

export const WAL_HEADER_BYTES = 32;
const FRAME_HEADER_BYTES = 24;
const MAGIC_LE = 0x377f0682;
const MAGIC_BE = 0x377f0683;
/** Frames read at once: one read per chunk, not per frame. */
const READ_CHUNK_BYTES = 1 << 20;

export interface WalIndex {
  pageSize: number;
  /** Page number → offset of its newest committed copy in the -wal. */
  pages: Map<number, number>;
  /** Database size in pages after the last commit. */
  dbPages: number;
  /** Valid committed frames. */
  frames: number;
}

/** SQLite's WAL checksum: pairs of 32-bit words, big- or little-endian as the magic says, carried from frame to frame. */
export function walChecksum(data: Buffer, bigEndian: boolean, seed: [number, number]): [number, number] {
  let [s0, s1] = seed;
  for (let at = 0; at + 8 <= data.length; at += 8) {
    const x0 = bigEndian ? data.readUInt32BE(at) : data.readUInt32LE(at);
    const x1 = bigEndian ? data.readUInt32BE(at + 4) : data.readUInt32LE(at + 4);
    s0 = (s0 + x0 + s1) >>> 0;
    s1 = (s1 + x1 + s0) >>> 0;
  }
  return [s0, s1];
}

/** null when the file is no valid -wal (SQLite would ignore it too). */
export async function readWalIndex(read: ReadBytes, walSize: number): Promise<WalIndex | null> {
  if (walSize < WAL_HEADER_BYTES) return null;
  const header = await read(0, WAL_HEADER_BYTES);
  const magic = header.readUInt32BE(0);
  if (magic !== MAGIC_LE && magic !== MAGIC_BE) return null;
  const bigEndian = magic === MAGIC_BE;
  const pageSize = header.readUInt32BE(8);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) return null;
  let sum = walChecksum(header.subarray(0, 24), bigEndian, [0, 0]);
  if (sum[0] !== header.readUInt32BE(24) || sum[1] !== header.readUInt32BE(28)) return null;
  const salt1 = header.readUInt32BE(16);
  const salt2 = header.readUInt32BE(20);

  const frameBytes = FRAME_HEADER_BYTES + pageSize;
  const totalFrames = Math.floor((walSize - WAL_HEADER_BYTES) / frameBytes);
  const perChunk = Math.max(1, Math.floor(READ_CHUNK_BYTES / frameBytes));
  const committed = new Map<number, number>();
  const pending = new Map<number, number>();
  let dbPages = 0;
  let frames = 0;
  for (let first = 0; first < totalFrames; first += perChunk) {
    const count = Math.min(perChunk, totalFrames - first);
    const chunkOffset = WAL_HEADER_BYTES + first * frameBytes;
    const chunk = await read(chunkOffset, count * frameBytes);
    for (let k = 0; k < count; k += 1) {
      const at = k * frameBytes;
      if (at + frameBytes > chunk.length) return { pageSize, pages: committed, dbPages, frames };
      const frame = chunk.subarray(at, at + FRAME_HEADER_BYTES);
      if (frame.readUInt32BE(8) !== salt1 || frame.readUInt32BE(12) !== salt2) return { pageSize, pages: committed, dbPages, frames };
      sum = walChecksum(frame.subarray(0, 8), bigEndian, sum);
      sum = walChecksum(chunk.subarray(at + FRAME_HEADER_BYTES, at + frameBytes), bigEndian, sum);
      if (sum[0] !== frame.readUInt32BE(16) || sum[1] !== frame.readUInt32BE(20)) return { pageSize, pages: committed, dbPages, frames };
      pending.set(frame.readUInt32BE(0), chunkOffset + at + FRAME_HEADER_BYTES);
      const commitSize = frame.readUInt32BE(4);
      if (commitSize !== 0) {
        for (const [page, offset] of pending) committed.set(page, offset);
        pending.clear();
        dbPages = commitSize;
        frames = first + k + 1;
      }
    }
  }
  return { pageSize, pages: committed, dbPages, frames };
}
