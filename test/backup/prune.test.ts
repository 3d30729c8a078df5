import { describe, expect, it } from 'vitest';
import { choosePrunes, type OwnBackup } from '../../src/backup/prune.js';

const own = (hour: number, isHealthy = true, minute = 0): OwnBackup => ({
  name: `app-2026-11-25-${String(hour).padStart(2, '0')}${String(minute).padStart(2, '0')}.db`,
  takenAt: new Date(Date.UTC(2026, 10, 25, hour, minute)).toISOString(),
  isHealthy,
});
const names = (list: OwnBackup[]) => list.map((backup) => backup.name);

describe('choosePrunes', () => {
  const taken = own(23);

  it('keeps the N newest, the new one counted, and removes the rest oldest first', () => {
    expect(names(choosePrunes([own(1), own(7), own(13), own(19)], taken, 3))).toEqual(['app-2026-11-25-0100.db', 'app-2026-11-25-0700.db']);
  });

  it('removes nothing while there are no more than N', () => {
    expect(choosePrunes([own(1), own(7)], taken, 3)).toEqual([]);
    expect(choosePrunes([], taken, 1)).toEqual([]);
  });

  it('never removes the backup just taken, even with --keep 1', () => {
    expect(names(choosePrunes([own(1), own(7)], taken, 1))).toEqual(['app-2026-11-25-0100.db', 'app-2026-11-25-0700.db']);
  });

  it('never removes the newest healthy one, whatever --keep says', () => {
    const newestFirstUnhealthy = { ...own(23), isHealthy: false };
    // A manifest says a later one is unhealthy (never written by backup itself, but a manifest is a file anyone can edit).
    const kept = choosePrunes([own(1), own(7), { ...own(23, false, 30), name: 'app-2026-11-25-2330.db' }], newestFirstUnhealthy, 1);
    expect(names(kept)).toEqual(['app-2026-11-25-0100.db']);
  });

  it('orders by the time in the manifest, the name breaking ties', () => {
    const a = { name: 'app-2026-11-25-0100-2.db', takenAt: own(1).takenAt, isHealthy: true };
    expect(names(choosePrunes([own(1), a, own(7)], taken, 2))).toEqual(['app-2026-11-25-0100.db', 'app-2026-11-25-0100-2.db']);
  });

  it('refuses a keep below one', () => {
    expect(() => choosePrunes([], taken, 0)).toThrow(RangeError);
  });
});
