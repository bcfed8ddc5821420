/** Three consecutive failed probes make a deployment unhealthy (docs/product-rules.md, "Monitoring"). */
export const FAILURES_BEFORE_UNHEALTHY = 3;

export type HealthTransition = 'none' | 'healthy' | 'unhealthy' | 'recovered';

/**
 * The 3-failure rule as a small state machine. `record` returns what changed: the first success
 * (`healthy`), the third consecutive failure (`unhealthy`, exactly once per spell), or the first
 * success after that (`recovered`). Any success resets the count.
 */
export class HealthRule {
  private failures = 0;
  private unhealthy = false;
  private known = false;

  constructor(initiallyUnhealthy = false) {
    this.unhealthy = initiallyUnhealthy;
    this.known = initiallyUnhealthy;
  }

  get consecutiveFailures(): number {
    return this.failures;
  }

  get isUnhealthy(): boolean {
    return this.unhealthy;
  }

  record(ok: boolean): HealthTransition {
    if (ok) {
      this.failures = 0;
      const wasUnhealthy = this.unhealthy;
      const wasKnown = this.known;
      this.unhealthy = false;
      this.known = true;
      if (wasUnhealthy) return 'recovered';
      return wasKnown ? 'none' : 'healthy';
    }
    this.failures += 1;
    if (!this.unhealthy && this.failures === FAILURES_BEFORE_UNHEALTHY) {
      this.unhealthy = true;
      this.known = true;
      return 'unhealthy';
    }
    return 'none';
  }
}
