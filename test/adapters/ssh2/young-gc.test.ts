import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import vm from 'node:vm';
import { expect, test } from 'vitest';
import { collectYoungGarbage } from '../../../src/adapters/ssh2/young-gc.js';

test('runs a minor GC without exposing gc() to this context or to contexts made later', async () => {
  const seen: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => seen.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  try {
    collectYoungGarbage();
    collectYoungGarbage();
    await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    observer.disconnect();
  }
  const kind = (entry: PerformanceEntry) => (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
  const minor = seen.filter((entry) => kind(entry) === constants.NODE_PERFORMANCE_GC_MINOR);
  expect(minor.length).toBeGreaterThanOrEqual(2);
  expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
  expect(vm.runInNewContext('typeof gc')).toBe('undefined');
});
