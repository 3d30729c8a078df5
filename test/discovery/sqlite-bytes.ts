// Bytes that start like a real SQLite file, for fakes: discovery reads headers, so a fake database must carry one.
export function sqliteBytes(opts: { journal?: 'wal' | 'rollback'; pageSize?: number; size?: number; pageCount?: number } = {}): Buffer {
  const pageSize = opts.pageSize ?? 4096;
  const bytes = Buffer.alloc(opts.size ?? pageSize);
  bytes.write('SQLite format 3\0', 0, 'latin1');
  bytes.writeUInt16BE(pageSize === 65536 ? 1 : pageSize, 16);
  const version = opts.journal === 'rollback' ? 1 : 2;
  bytes[18] = version;
  bytes[19] = version;
  bytes[21] = 64;
  bytes[22] = 32;
  bytes[23] = 32;
  if (bytes.length >= 100) {
    bytes.writeUInt32BE(7, 24);
    bytes.writeUInt32BE(opts.pageCount ?? Math.max(1, Math.floor(bytes.length / pageSize)), 28);
    bytes.writeUInt32BE(1, 56);
    bytes.writeUInt32BE(7, 92);
  }
  return bytes;
}
