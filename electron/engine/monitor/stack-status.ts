// A Compose stack's status from its services (docs/product-rules.md, "Compose stacks"). Pure.
import type { DeploymentStatus, StackService } from '../../../shared';

/** A one-shot service (a migration, a seed) that ran to completion: its container exited with code 0. */
export const isCompleted = (service: Pick<StackService, 'state' | 'exitCode'>): boolean => service.state === 'exited' && service.exitCode === 0;

/**
 * A service counts as up while its container runs (or is starting) and, with a healthcheck, is not unhealthy; a
 * service other than the public one that exited with code 0 finished its job and counts as up too.
 */
export const isServiceUp = (service: Pick<StackService, 'state' | 'health' | 'exitCode'>): boolean =>
  ((service.state === 'running' || service.state === 'starting') && service.health !== 'unhealthy') || isCompleted(service);

/**
 * The stack's status: `crashed` when the public service is down (as a single container would be),
 * `degraded` while another service is down, `running` when all are up. The health poller's
 * `unreachable` (the public service runs but does not answer) is kept while nothing is down.
 */
export function stackStatus(services: readonly Pick<StackService, 'name' | 'public' | 'state' | 'health' | 'exitCode'>[], current: DeploymentStatus): DeploymentStatus {
  const publicService = services.find((service) => service.public);
  if (publicService && !(publicService.state === 'running' || publicService.state === 'starting' || publicService.state === 'restarting')) return 'crashed';
  if (services.some((service) => !service.public && !isServiceUp(service))) return 'degraded';
  if (publicService && publicService.state === 'restarting') return 'degraded';
  return current === 'unreachable' ? 'unreachable' : 'running';
}
