import { describe, expect, it } from 'vitest';
import { bytesFromOd, splitHeadStream } from '../../src/discovery/parse-head-stream.js';
import { parseOpenFiles } from '../../src/discovery/parse-open-files.js';
import { parseWalkOutput } from '../../src/discovery/parse-walk-output.js';

function od(bytes: Buffer): string {
  const lines: string[] = [];
  for (let at = 0; at < bytes.length; at += 16)
    lines.push([...bytes.subarray(at, at + 16)].map((byte) => ` ${byte.toString(16).padStart(2, '0')}`).join(''));
  return lines.join('\n');
}

const A = Buffer.from('SQLite format 3\0abcdefghij');

describe('bytesFromOd', () => {
  it('reads every hex word whatever the line layout', () => {
    expect(bytesFromOd(' 53 51 4c\n 69 74\n')).toEqual(Buffer.from('SQLit'));
    expect(bytesFromOd('')).toEqual(Buffer.alloc(0));
  });
});

describe('splitHeadStream', () => {
  // Streams as coreutils and busybox `head -v -c 100` print them (measured here with both).
  it.each([
    ['two files', Buffer.from(`==> a <==\n${A.toString('latin1')}\n==> b c <==\nxy`, 'latin1'), ['a', 'b c'], [A, Buffer.from('xy')]],
    ['coreutils: first missing, no leading newline', Buffer.from('==> a <==\nxy', 'latin1'), ['gone', 'a'], [null, Buffer.from('xy')]],
    ['busybox: first missing, leading newline', Buffer.from('\n==> a <==\nxy', 'latin1'), ['gone', 'a'], [null, Buffer.from('xy')]],
    [
      'a missing name in the middle',
      Buffer.from('==> a <==\nxy\n==> c <==\nzz', 'latin1'),
      ['a', 'b', 'c'],
      [Buffer.from('xy'), null, Buffer.from('zz')],
    ],
    ['an empty file', Buffer.from('==> e <==\n\n==> a <==\nxy', 'latin1'), ['e', 'a'], [Buffer.alloc(0), Buffer.from('xy')]],
    ['a name with spaces and arrows', Buffer.from('==> x ==> y <==\nq', 'latin1'), ['x ==> y'], [Buffer.from('q')]],
    ['nothing printed', Buffer.alloc(0), ['a'], [null]],
  ])('%s', (_name, stream, names, expected) => {
    expect(splitHeadStream(stream, names, 100)).toEqual(expected);
  });

  it('never returns more than maxBytes of a file', () => {
    expect(splitHeadStream(Buffer.from(`==> a <==\n${'x'.repeat(300)}`), ['a'], 100)[0]).toHaveLength(100);
  });
});

describe('parseOpenFiles', () => {
  it.each([
    [
      'coreutils lines, pipes and deleted files left out',
      [
        {
          pid: 1,
          lines: [
            'total 0',
            'lrwx------ 1 root root 64 Dec  1 09:06 3 -> /data/app.db',
            'lrwx------ 1 root root 64 Dec  1 09:06 4 -> /data/app.db-wal',
            'l-wx------ 1 root root 64 Dec  1 09:06 5 -> pipe:[141355]',
            'lrwx------ 1 root root 64 Dec  1 09:06 6 -> /data/old.db (deleted)',
          ],
        },
      ],
      { paths: { '/data/app.db': [1], '/data/app.db-wal': [1] }, readable: 1, denied: 0 },
    ],
    [
      'busybox lines, two processes on one file',
      [
        { pid: 1, lines: ['lrwx------    1 root     root            64 Dec  1 09:06 3 -> /data/a b.db'] },
        { pid: 7, lines: ['lr-x------    1 app      app             64 Dec  1 09:06 10 -> /data/a b.db'] },
      ],
      { paths: { '/data/a b.db': [1, 7] }, readable: 2, denied: 0 },
    ],
    [
      'coreutils refused',
      [{ pid: 1, lines: ["ls: cannot read symbolic link '/proc/1/fd/0': Permission denied"] }],
      { paths: {}, readable: 0, denied: 1 },
    ],
    [
      'busybox refused: entries without targets',
      [
        {
          pid: 1,
          lines: [
            'total 0',
            'ls: /proc/1/fd/0: cannot read link: Permission denied',
            'lrwx------    1 root     root            64 Dec  1 09:08 0',
          ],
        },
      ],
      { paths: {}, readable: 0, denied: 1 },
    ],
    ['a process with no fds is read', [{ pid: 9, lines: ['total 0'] }], { paths: {}, readable: 1, denied: 0 }],
  ])('%s', (_name, listings, expected) => {
    const parsed = parseOpenFiles(listings);
    expect({ paths: Object.fromEntries(parsed.byPath), readable: parsed.readable, denied: parsed.denied }).toEqual(expected);
  });
});

describe('parseWalkOutput', () => {
  const M = '-srw-0011-';
  const headStream = Buffer.from(`==> /data/app.db <==\n${A.toString('latin1')}\n==> /data/x y.db <==\nxy`, 'latin1');
  const full = [
    `${M} T find stat head od ls date timeout`,
    `${M} P 1`,
    'total 0',
    'lrwx------ 1 root root 64 Dec  1 09:06 3 -> /data/app.db',
    `${M} PE`,
    `${M} Q /data/rescue-quarantine`,
    `${M} L /data/a/b/c`,
    `${M} U /data/new`,
    `${M} B`,
    `${M} N /data/app.db`,
    `${M} N /data/x y.db`,
    '26 1796116105 /data/app.db',
    '2 1796116000 /data/x y.db',
    `${M} H`,
    od(headStream),
    `${M} BE`,
    `${M} S files 2`,
    `${M} END`,
    '',
  ].join('\n');

  it('reads every kind of line the script prints', () => {
    const parsed = parseWalkOutput(full, M);
    expect(parsed).toMatchObject({
      tools: ['find', 'stat', 'head', 'od', 'ls', 'date', 'timeout'],
      quarantine: ['/data/rescue-quarantine'],
      atDepthLimit: ['/data/a/b/c'],
      unlisted: ['/data/new'],
      stoppedBy: { reason: 'files', limit: 2 },
      complete: true,
    });
    expect(parsed.files).toEqual([
      { path: '/data/app.db', size: 26, mtime: new Date(1796116105 * 1000).toISOString(), head: A },
      { path: '/data/x y.db', size: 2, mtime: new Date(1796116000 * 1000).toISOString(), head: Buffer.from('xy') },
    ]);
    const open = parsed.openFiles && 'byPath' in parsed.openFiles ? Object.fromEntries(parsed.openFiles.byPath) : null;
    expect(open).toEqual({ '/data/app.db': [1] });
  });

  it('a batch from an image without stat, head or od has names only', () => {
    const parsed = parseWalkOutput(
      [`${M} T`, `${M} PX no ls in the image`, `${M} B`, `${M} N /data/a.db`, `${M} H`, `${M} BE`, `${M} END`].join('\n'),
      M,
    );
    expect(parsed.files).toEqual([{ path: '/data/a.db', size: null, mtime: null, head: null }]);
    expect(parsed.openFiles).toEqual({ unknown: 'no ls in the image' });
    expect(parsed.tools).toEqual([]);
  });

  it('output cut before END is incomplete; a stop by time is read', () => {
    const parsed = parseWalkOutput([`${M} T find`, `${M} S time 20`].join('\n'), M);
    expect(parsed).toMatchObject({ complete: false, stoppedBy: { reason: 'time', limit: 20 }, openFiles: null, tools: ['find'] });
    expect(parseWalkOutput('', M).tools).toBeNull();
  });

  it('a line that only looks like a mark (another mark, file content) is no marker', () => {
    const parsed = parseWalkOutput([`${M} T find`, '-srw-9999- Q /data/fake', `${M}X Q /data/fake2`, `${M} END`].join('\n'), M);
    expect(parsed.quarantine).toEqual([]);
  });
});
