// Ranks deployment statuses so the tray and badges can show the worst one (issue 5).
import type { DeploymentStatus, HealthStatus } from './vocabulary';

/** How badly each status needs attention; higher is worse. `stopped` is deliberate and quiet. */
const STATUS_SEVERITY: Readonly<Record<DeploymentStatus, number>> = {
  stopped: 0,
  pending: 1,
  paused: 2,
  running: 3,
  deploying: 4,
  degraded: 5,
  unreachable: 6,
  failed: 7,
  crashed: 8,
};

/** The tray's three looks: everything fine, something to look at, something broken. */
export type StatusTone = 'ok' | 'warning' | 'error' | 'idle';

export function statusSeverity(status: DeploymentStatus): number {
  return STATUS_SEVERITY[status];
}

/** The worst of the given statuses, or null when there are none. */
export function worstStatus(statuses: Iterable<DeploymentStatus>): DeploymentStatus | null {
  let worst: DeploymentStatus | null = null;
  for (const status of statuses) {
    if (worst === null || STATUS_SEVERITY[status] > STATUS_SEVERITY[worst]) worst = status;
  }
  return worst;
}

/** Badge colour: green when running, yellow when unhealthy, red when crashed or failed. */
export function statusTone(status: DeploymentStatus | null): StatusTone {
  switch (status) {
    case null:
    case 'stopped':
    case 'pending':
    case 'paused':
      return 'idle';
    case 'running':
    case 'deploying':
      return 'ok';
    case 'degraded':
    case 'unreachable':
      return 'warning';
    case 'failed':
    case 'crashed':
      return 'error';
  }
}

/** A health reading that adds to the status: a `running` deployment with failing probes is a warning. */
export function healthTone(health: HealthStatus): StatusTone {
  if (health === 'healthy') return 'ok';
  if (health === 'unknown') return 'idle';
  return 'warning';
}
