// Waits on a condition instead of sleeping a fixed time: polls `probe` until it answers truthy or the time is up, then
// fails naming what it waited for (and what it saw last). A fixed sleep either wastes time or fails on a busy machine.
export async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  opts: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  let last: unknown;
  for (;;) {
    try {
      const answer = await probe();
      if (answer !== undefined && answer !== false) return answer;
      last = answer;
    } catch (error) {
      last = error instanceof Error ? error.message : error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what} (last: ${String(last)})`);
    await new Promise((done) => setTimeout(done, opts.intervalMs ?? 100));
  }
}
