export async function runScan(_run: unknown): Promise<number> {
  return 2;
}
