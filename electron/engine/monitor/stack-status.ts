// A Compose stack's status from its services (docs/product-rules.md, "Compose stacks"). Pure.
import type { DeploymentStatus, StackService } from '../../../shared';

/** A service counts as up while its container runs (or is starting) and, with a healthcheck, is not unhealthy. */
export const isServiceUp = (service: Pick<StackService, 'state' | 'health'>): boolean => (service.state === 'running' || service.state === 'starting') && service.health !== 'unhealthy';

/**
 * The stack's status: `crashed` when the public service is down (as a single container would be),
 * `degraded` while another service is down, `running` when all are up. The health poller's
 * `unreachable` (the public service runs but does not answer) is kept while nothing is down.
 */
export function stackStatus(services: readonly Pick<StackService, 'name' | 'public' | 'state' | 'health'>[], current: DeploymentStatus): DeploymentStatus {
  const publicService = services.find((service) => service.public);
  if (publicService && !(publicService.state === 'running' || publicService.state === 'starting' || publicService.state === 'restarting')) return 'crashed';
  if (services.some((service) => !service.public && !isServiceUp(service))) return 'degraded';
  if (publicService && publicService.state === 'restarting') return 'degraded';
  return current === 'unreachable' ? 'unreachable' : 'running';
}
