import { describe, expect, it } from 'vitest';
import { afterAttempt, backoffMs, outcomeOfStatus, retryAfterMs, type RetryPolicy } from '../../../electron/engine/alerts/retry-schedule';

const policy: RetryPolicy = { baseMs: 1000, maxMs: 30_000, maxAttempts: 5 };

describe('the retry schedule', () => {
  it('sorts answers: 2xx delivered; 408, 429 and 5xx worth another try; any other 4xx or a redirect refused for good', () => {
    expect([200, 201, 204].map(outcomeOfStatus)).toEqual(['delivered', 'delivered', 'delivered']);
    expect([408, 429, 500, 502, 503].map(outcomeOfStatus)).toEqual(Array(5).fill('http_error'));
    expect([301, 400, 401, 404, 410].map(outcomeOfStatus)).toEqual(Array(5).fill('rejected'));
  });

  it('doubles the wait from the base up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((attempt) => backoffMs(attempt, policy))).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
  });

  it('retries what may pass later, until the last try; gives up at once on a refusal', () => {
    expect(afterAttempt(1, 'delivered', 0, policy)).toEqual({ status: 'delivered', nextAttemptAt: null });
    expect(afterAttempt(1, 'http_error', 100, policy)).toEqual({ status: 'pending', nextAttemptAt: 1100 });
    expect(afterAttempt(2, 'timeout', 100, policy)).toEqual({ status: 'pending', nextAttemptAt: 2100 });
    expect(afterAttempt(3, 'network_error', 0, policy)).toEqual({ status: 'pending', nextAttemptAt: 4000 });
    expect(afterAttempt(1, 'interrupted', 0, policy)).toEqual({ status: 'pending', nextAttemptAt: 1000 });
    expect(afterAttempt(5, 'http_error', 0, policy)).toEqual({ status: 'failed', nextAttemptAt: null });
    expect(afterAttempt(1, 'rejected', 0, policy)).toEqual({ status: 'failed', nextAttemptAt: null });
    expect(afterAttempt(1, 'not_configured', 0, policy)).toEqual({ status: 'failed', nextAttemptAt: null });
  });

  it('honours a longer Retry-After, within the cap', () => {
    expect(afterAttempt(1, 'http_error', 0, policy, 10_000)).toEqual({ status: 'pending', nextAttemptAt: 10_000 });
    expect(afterAttempt(1, 'http_error', 0, policy, 3_600_000)).toEqual({ status: 'pending', nextAttemptAt: 30_000 });
    expect(afterAttempt(3, 'http_error', 0, policy, 100)).toEqual({ status: 'pending', nextAttemptAt: 4000 });
    expect(retryAfterMs('7', 0)).toBe(7000);
    expect(retryAfterMs(new Date(60_000).toUTCString(), 0)).toBe(60_000);
    expect(retryAfterMs('soon', 0)).toBeNull();
    expect(retryAfterMs(null, 0)).toBeNull();
  });
});
