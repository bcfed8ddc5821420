// Start-up reconciliation of a Compose stack (like targets/docker/reconcile.ts for one container): the
// deployment row's services are made to agree with the containers Compose's labels find.
import type Dockerode from 'dockerode';
import { isLiveDeployment, type Deployment } from '../../../../shared';
import type { DeploymentsPort } from '../../context';
import { stackStatus } from '../../monitor/stack-status';
import type { DeploymentChanges } from '../../store/deployments';
import { observeStack } from '../../docker/compose';

export async function reconcileStack(options: { readonly docker: Dockerode; readonly deployments: Pick<DeploymentsPort, 'update'> }, deployment: Deployment, system: (text: string) => void): Promise<void> {
  const known = deployment.services ?? [];
  const services = await observeStack(options.docker, deployment.id, known);
  const changes: DeploymentChanges = { services };
  const publicService = services.find((service) => service.public);
  if (services.every((service) => service.state === 'missing')) {
    if (isLiveDeployment(deployment.status) || ['deploying', 'paused', 'crashed'].includes(deployment.status)) {
      system('[RECONCILE] none of the stack\'s containers exist any more');
      changes.status = deployment.status === 'crashed' ? 'crashed' : 'stopped';
    }
    changes.containerId = null;
    changes.hostPort = null;
  } else if (deployment.currentReleaseId && deployment.status !== 'stopped') {
    const status = stackStatus(services, ['failed', 'deploying', 'paused', 'pending'].includes(deployment.status) ? 'running' : deployment.status);
    if (status !== deployment.status) {
      system(`[RECONCILE] the stack is ${status}: ${services.map((service) => `${service.name} ${service.state}`).join(', ')}`);
      changes.status = status;
    }
    changes.containerId = publicService?.containerId ?? null;
    changes.hostPort = publicService?.hostPort ?? null;
  }
  options.deployments.update(deployment.id, changes);
}
