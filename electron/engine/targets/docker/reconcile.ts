// Start-up reconciliation of Docker deployments: each deployment row is made to agree with the
// containers Docker has for it. Containers labelled for a deployment that the row does not track are
// adopted (a running container of the current release) or removed. Containers of deployments this data
// dir does not know are left alone: another Berth data dir may own them.
import type Dockerode from 'dockerode';
import { isLiveDeployment, type Deployment, type DeploymentStatus } from '../../../../shared';
import type { DeploymentsPort } from '../../context';
import { containersOf } from '../../docker/containers';
import { containerNameFor } from '../../docker/labels';
import type { DeploymentChanges } from '../../store/deployments';
import type { ReleaseRepository } from '../../store/releases';
import { containerCondition } from './verify';

export interface DockerReconcileOptions {
  readonly docker: Dockerode;
  readonly deployments: Pick<DeploymentsPort, 'update'>;
  readonly releases: Pick<ReleaseRepository, 'get'>;
}

/** Statuses a tracked, running container of the current release turns into `running`. */
const RUNNING_AGAIN: readonly DeploymentStatus[] = ['deploying', 'paused', 'failed', 'crashed', 'stopped', 'pending'];

export async function reconcileDeployment(options: DockerReconcileOptions, deployment: Deployment, system: (text: string) => void): Promise<void> {
  const { docker } = options;
  const containers = await containersOf(docker, deployment.id);
  let tracked = deployment.containerId ? containers.find((info) => info.Id === deployment.containerId) : undefined;
  const changes: DeploymentChanges = {};
  if (deployment.containerId && !tracked) {
    system(`[RECONCILE] container ${deployment.containerId.slice(0, 12)} no longer exists`);
    changes.containerId = null;
    changes.hostPort = null;
  }
  if (!tracked && deployment.currentReleaseId && deployment.status !== 'stopped') {
    const imageId = options.releases.get(deployment.currentReleaseId)?.imageId ?? null;
    const adoptable = imageId === null ? undefined : containers.find((info) => info.State === 'running' && info.ImageID === imageId);
    if (adoptable) {
      const hostPort = adoptable.Ports.find((port) => port.PublicPort)?.PublicPort ?? null;
      const name = containerNameFor(deployment.id);
      if (!adoptable.Names.includes(`/${name}`)) {
        const holder = containers.find((info) => info.Names.includes(`/${name}`));
        if (holder) await docker.getContainer(holder.Id).remove({ force: true });
        await docker.getContainer(adoptable.Id).rename({ name });
      }
      tracked = adoptable;
      changes.containerId = adoptable.Id;
      changes.hostPort = hostPort;
      system(`[RECONCILE] adopted running container ${adoptable.Id.slice(0, 12)} of release ${deployment.currentReleaseId} as ${name}`);
    }
  }
  for (const info of containers) {
    if (info.Id === tracked?.Id) continue;
    await docker.getContainer(info.Id).remove({ force: true, v: true });
    system(`[RECONCILE] removed untracked container ${info.Names[0]?.replace(/^\//, '') ?? info.Id.slice(0, 12)}`);
  }
  if (tracked) {
    const condition = await containerCondition(docker, tracked.Id);
    if (condition.status === 'running' && RUNNING_AGAIN.includes(deployment.status) && deployment.currentReleaseId) changes.status = 'running';
    // A tracked container that died while Berth was down is the monitor's to report: its start-up
    // reconcile writes the one [CRASH] line (exit code, OOM, last lines) and sends the notification.
  } else if (isLiveDeployment(deployment.status) || ['deploying', 'paused', 'crashed'].includes(deployment.status)) {
    changes.status = deployment.status === 'crashed' ? 'crashed' : 'stopped';
  }
  if (Object.keys(changes).length > 0) options.deployments.update(deployment.id, changes);
}
