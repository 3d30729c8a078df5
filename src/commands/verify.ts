export async function runVerify(_run: unknown): Promise<number> {
  return 2;
}
