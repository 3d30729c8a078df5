// A connect deadline that stops counting while the operator is being asked something (host key, passphrase):
// the network gets timeoutMs, the human gets as long as they need.
export class PausableDeadline {
  private remainingMs: number;
  private startedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private pauses = 0;
  private stopped = false;

  constructor(
    timeoutMs: number,
    private readonly onExpire: () => void,
  ) {
    this.remainingMs = timeoutMs;
    this.arm();
  }

  pause(): void {
    if (this.stopped || this.pauses++ > 0) return;
    clearTimeout(this.timer);
    this.remainingMs -= Date.now() - this.startedAt;
  }

  resume(): void {
    if (this.stopped || --this.pauses > 0) return;
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private arm(): void {
    this.startedAt = Date.now();
    this.timer = setTimeout(
      () => {
        this.stopped = true;
        this.onExpire();
      },
      Math.max(0, this.remainingMs),
    );
  }
}
