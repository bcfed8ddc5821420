// One HTTP probe of the service URL, used by verify and by the ECS health poller.
import { abortableDelay, errorMessage } from '../../aws/aws-errors';
import type { StepOutput } from './ecs-steps';

export interface ProbeResult {
  readonly ok: boolean;
  readonly statusCode: number | null;
  readonly latencyMs: number;
  readonly error: string | null;
}

export async function probe(url: string, timeoutMs: number, signal?: AbortSignal): Promise<ProbeResult> {
  const started = performance.now();
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, { redirect: 'manual', signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
    await response.body?.cancel();
    const ok = response.status >= 200 && response.status < 400;
    return { ok, statusCode: response.status, latencyMs: performance.now() - started, error: ok ? null : `HTTP ${response.status}` };
  } catch (error) {
    const message = timeout.aborted ? `no answer within ${timeoutMs} ms` : errorMessage((error as { cause?: unknown }).cause ?? error);
    return { ok: false, statusCode: null, latencyMs: performance.now() - started, error: message };
  }
}

export interface VerifyOptions {
  readonly url: string;
  readonly timeoutMs: number;
  readonly intervalMs: number;
  readonly probeTimeoutMs: number;
  readonly output: StepOutput;
  readonly signal?: AbortSignal;
}

/** Probes until one succeeds or the verify timeout passes. Returns the last failed result, or null on success. */
export async function probeUntilHealthy(options: VerifyOptions): Promise<ProbeResult | null> {
  const deadline = Date.now() + options.timeoutMs;
  options.output.stdout(`Probing ${options.url} (up to ${Math.round(options.timeoutMs / 1000)} s)`);
  let last: ProbeResult | null = null;
  for (let attempt = 1; ; attempt++) {
    const result = await probe(options.url, options.probeTimeoutMs, options.signal);
    if (result.ok) {
      options.output.stdout(`Probe ${attempt}: HTTP ${result.statusCode} in ${Math.round(result.latencyMs)} ms`);
      return null;
    }
    // Log the first failure and every change; a 60 s wait must not flood the step.
    if (last?.error !== result.error) options.output.stdout(`Probe ${attempt}: ${result.error}`);
    last = result;
    if (Date.now() + options.intervalMs >= deadline) break;
    await abortableDelay(options.intervalMs, options.signal);
  }
  options.output.stderr(`Error: verify failed: ${options.url} did not answer successfully within ${Math.round(options.timeoutMs / 1000)} s (last: ${last?.error ?? 'unknown'})`);
  return last;
}
