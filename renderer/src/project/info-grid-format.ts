// What the info grid says about how a project is built and checked; pure, so it is unit-tested.
import type { HealthCheck, Run, ScanRecord } from '../../../shared';
import { healthCheckSummary, scanSummary } from '../../../shared/scan-summary';

/** The scan of the newest run that has one: a run in progress has none until its scan step, so the previous one stands. */
export function latestScanOf(runs: readonly Pick<Run, 'scan'>[]): ScanRecord | null {
  return runs.find((run) => run.scan !== null)?.scan ?? null;
}

/** "server · Python 3.11 · gunicorn app:app", or null before any run was scanned. */
export function shapeLine(scan: ScanRecord | null): string | null {
  return scan === null ? null : scanSummary(scan);
}

/** "GET /health, 2xx–3xx", or "answers HTTP on / (no health route)"; null before a release went live. */
export function healthCheckLine(check: HealthCheck | null): string | null {
  return check === null ? null : healthCheckSummary(check);
}
