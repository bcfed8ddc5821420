// The deployment rows, with the rule that every change is published: `update` writes the row and emits
// `deploymentUpdated` in one call, so no caller can change a deployment and leave a window stale.
import type { Deployment, Target } from '../../shared';
import type { EventBus } from './event-bus';
import type { DeploymentChanges, DeploymentRepository } from './store/deployments';

export class Deployments {
  constructor(
    private readonly rows: DeploymentRepository,
    private readonly events: Pick<EventBus, 'emit'>,
  ) {}

  get(id: string): Deployment | undefined {
    return this.rows.get(id);
  }

  list(): Deployment[] {
    return this.rows.list();
  }

  listForProject(projectId: string): Deployment[] {
    return this.rows.listForProject(projectId);
  }

  forProjectTarget(projectId: string, target: Target): Deployment | undefined {
    return this.rows.forProjectTarget(projectId, target);
  }

  /** A new `pending` deployment; it is announced by the first change a run makes to it. */
  create(projectId: string, target: Target): Deployment {
    return this.rows.create(projectId, target);
  }

  /** Changes the row (undefined keys are left alone; pass null to clear) and publishes the result. */
  update(id: string, changes: DeploymentChanges): Deployment | undefined {
    const updated = this.rows.update(id, changes);
    if (updated) this.events.emit('deploymentUpdated', updated);
    return updated;
  }
}
