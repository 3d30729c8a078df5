import { describe, expect, it } from 'vitest';
import { parseDfOutput } from '../../../src/adapters/ssh2/parse-df.js';

const HEADER = 'Filesystem     1024-blocks      Used Available Capacity Mounted on';

describe('parseDfOutput', () => {
  it.each([
    ['coreutils', `${HEADER}\n/dev/sda1         41152736  20000000  19039312      52% /\n`, 19039312 * 1024, '/'],
    [
      'busybox',
      'Filesystem           1024-blocks    Used Available Capacity Mounted on\noverlay                 1000       10       990   1% /\n',
      990 * 1024,
      '/',
    ],
    ['spaces in device and mount point', `${HEADER}\nmy share:/x  100 40 60 40% /mnt/my disk\n`, 60 * 1024, '/mnt/my disk'],
    ['no trailing newline', `${HEADER}\ntmpfs 2048 0 2048 0% /run/user/0`, 2048 * 1024, '/run/user/0'],
  ])('%s', (_name, output, available, mountPoint) => {
    expect(parseDfOutput(output)).toMatchObject({ availableBytes: available, mountPoint });
  });

  it('throws on output without a filesystem line', () => {
    expect(() => parseDfOutput(`${HEADER}\n`)).toThrow(/unexpected df output/);
    expect(() => parseDfOutput('df: /nope: No such file or directory\n')).toThrow(/unexpected df output/);
  });
});
