export interface ProbeResult {
  readonly ok: boolean;
  readonly statusCode: number | null;
  readonly latencyMs: number | null;
  readonly error: string | null;
}

/** One GET of the app's health endpoint on loopback; 2xx/3xx within the timeout is a success. */
export async function probeHealth(url: string, timeoutMs: number): Promise<ProbeResult> {
  const started = performance.now();
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual', headers: { 'user-agent': 'berth-health' } });
    const latencyMs = Math.round((performance.now() - started) * 10) / 10;
    // Read (and drop) the body so the connection is released.
    await response.arrayBuffer().catch(() => undefined);
    const ok = response.status >= 200 && response.status < 400;
    return { ok, statusCode: response.status, latencyMs, error: ok ? null : `HTTP ${response.status}` };
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : error instanceof Error ? error.message : String(error);
    return { ok: false, statusCode: null, latencyMs: null, error: timedOut ? `no answer within ${timeoutMs} ms` : cause };
  }
}
