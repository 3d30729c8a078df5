// A monitor a scheduled `verify` reports to (healthchecks.io and the like): a GET of the URL on success, of URL/fail on
// failure. Its answer never changes the exit code; a ping that fails is said.
export interface PingResult {
  url: string;
  ok: boolean;
  /** HTTP status when one came back. */
  status?: number;
  /** Why it failed: the network error or the timeout. */
  error?: string;
  durationMs: number;
}

export interface Monitor {
  /** Never rejects: a failure is a result with ok=false. */
  ping(url: string, timeoutMs: number): Promise<PingResult>;
}
