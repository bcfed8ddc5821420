// When a delivery is tried again, and when it gives up. Pure; the delivery queue (delivery-queue.ts) asks.
import type { AttemptOutcome, DeliveryStatus } from '../../../shared';

export interface RetryPolicy {
  /** The wait after the first failed try; each later one doubles, up to `maxMs`. */
  readonly baseMs: number;
  readonly maxMs: number;
  /** Tries in all, the first included. */
  readonly maxAttempts: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseMs: 2000, maxMs: 5 * 60_000, maxAttempts: 6 };

/** What one try's answer means: delivered, worth another try, or refused for good. */
export function outcomeOfStatus(statusCode: number): AttemptOutcome {
  if (statusCode >= 200 && statusCode < 300) return 'delivered';
  // A timeout the receiver admits to, throttling, or a server error: the same request may succeed later.
  if (statusCode === 408 || statusCode === 429 || statusCode >= 500) return 'http_error';
  // Redirects are not followed (a signed body is not re-posted elsewhere), and a 4xx will not change.
  return 'rejected';
}

const RETRYABLE: ReadonlySet<AttemptOutcome> = new Set(['http_error', 'timeout', 'network_error', 'interrupted']);

/** The wait before try `attempt + 1` after try `attempt` (1-based) failed: base × 2^(attempt-1), capped. */
export function backoffMs(attempt: number, policy: RetryPolicy): number {
  return Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
}

/**
 * After try number `attempt` (1-based) ended with `outcome`: delivered, pending again (and when), or failed
 * for good. A receiver's Retry-After is honoured when it asks for longer than the back-off (within maxMs).
 */
export function afterAttempt(
  attempt: number,
  outcome: AttemptOutcome,
  now: number,
  policy: RetryPolicy,
  retryAfterMs: number | null = null,
): { status: DeliveryStatus; nextAttemptAt: number | null } {
  if (outcome === 'delivered') return { status: 'delivered', nextAttemptAt: null };
  if (!RETRYABLE.has(outcome) || attempt >= policy.maxAttempts) return { status: 'failed', nextAttemptAt: null };
  const wait = Math.max(backoffMs(attempt, policy), Math.min(retryAfterMs ?? 0, policy.maxMs));
  return { status: 'pending', nextAttemptAt: now + wait };
}

/** A Retry-After header (seconds, or an HTTP date) as milliseconds from now; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number | null {
  if (!header) return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
