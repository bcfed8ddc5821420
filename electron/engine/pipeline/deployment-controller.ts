import type { DeployResult, Deployment, RunDetail } from '../../../shared';
import type { ProjectRecord } from '../store/projects';
import type { StopOptions } from '../targets/target';

/**
 * What the host asks of the deploy pipeline. The pipeline issue implements it; the host's
 * handlers only translate requests into these calls.
 */
export interface DeploymentController {
  /** Starts a deploy (or redeploy) run; resolves once the run is created, not when it ends. */
  deploy(project: ProjectRecord): Promise<DeployResult>;
  /** Starts a manual rollback run to `releaseId`, or to the release before the current one. */
  rollback(project: ProjectRecord, releaseId?: string): Promise<RunDetail>;
  pause(runId: string): Promise<RunDetail>;
  resume(runId: string): Promise<RunDetail>;
  stop(runId: string): Promise<RunDetail>;
  /**
   * The stop sequence for a deployment (docs/product-rules.md, "Stopping"). Answers as soon as the deployment reads `stopped`; the
   * sequence itself (SIGTERM, grace, SIGKILL, removal) goes on in the background.
   */
  stopDeployment(deploymentId: string, options?: StopOptions): Promise<Deployment>;
  /** Resolves once a stop's background sequence has finished, with the deployment as it then is. */
  whenStopped(deploymentId: string): Promise<Deployment | undefined>;
  /** After its project was deleted: waits for the deployment's stop, then its target removes what it kept on disk for it. */
  forget(deployment: Deployment): Promise<void>;
  /** Called once at start-up: closes interrupted runs, reconciles with the target. */
  recover(): Promise<void>;
  close(): Promise<void>;
}
