// One queue per deployment: its probes, crash handling and reconciles run one at a time, so a death
// and a probe result landing together never interleave their status changes.
import { createLogger } from '../logger';

const log = createLogger('monitor');

export class DeploymentQueue {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `work` after everything queued for the deployment; a failure is logged and never blocks the queue. */
  run(deploymentId: string, work: () => Promise<void>): Promise<void> {
    const previous = this.tails.get(deploymentId) ?? Promise.resolve();
    const next = previous
      .then(work)
      .catch((error: unknown) => log.error(`monitoring ${deploymentId} hit an error`, error))
      .finally(() => {
        if (this.tails.get(deploymentId) === next) this.tails.delete(deploymentId);
      });
    this.tails.set(deploymentId, next);
    return next;
  }

  /** Resolves once everything queued so far has run. */
  async idle(): Promise<void> {
    await Promise.all([...this.tails.values()]);
  }
}
