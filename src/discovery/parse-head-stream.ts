// `head -v -c N f1 f2 …` prints "==> f1 <==\n", up to N bytes of f1, then "\n==> f2 <==\n" and so on; a file head
// cannot open gets no header (busybox still prints the newline before the next one, coreutils does not). Given the
// names in the order head got them, this cuts the stream back into each file's first bytes. Pure.

/** Bytes from `od -An -tx1 -v` text: every two-digit hex word, whatever the line layout. */
export function bytesFromOd(text: string): Buffer {
  const words = text.match(/\b[0-9a-f]{2}\b/gi) ?? [];
  return Buffer.from(words.map((word) => Number.parseInt(word, 16)));
}

/**
 * Each name's first bytes (at most maxBytes), or null for a name head printed no header for (unreadable or gone).
 * Headers are searched forward only, so a missing one cannot take a later file's bytes.
 */
export function splitHeadStream(raw: Buffer, names: string[], maxBytes: number): Array<Buffer | null> {
  // One shape for every header: a leading newline, as coreutils prints for all but the first.
  const stream = raw.length > 0 && raw[0] !== 0x0a ? Buffer.concat([Buffer.from('\n'), raw]) : raw;
  const found: Array<{ index: number; headerStart: number; dataStart: number }> = [];
  let position = 0;
  names.forEach((name, index) => {
    const header = Buffer.from(`\n==> ${name} <==\n`, 'utf8');
    const at = stream.indexOf(header, position);
    if (at === -1) return;
    found.push({ index, headerStart: at, dataStart: at + header.length });
    position = at + header.length;
  });
  const heads: Array<Buffer | null> = names.map(() => null);
  found.forEach(({ index, dataStart }, k) => {
    const end = k + 1 < found.length ? found[k + 1].headerStart : stream.length;
    heads[index] = Buffer.from(stream.subarray(dataStart, Math.min(end, dataStart + maxBytes)));
  });
  return heads;
}
