/**
 * What the pipeline asks of monitoring (the monitoring issue implements it): start watching a
 * deployment once a run puts it live, stop before it is stopped or replaced.
 */
export interface DeploymentMonitor {
  /** Starts (or restarts) runtime logs, metrics, health and crash watching for the deployment. */
  watch(deploymentId: string): void;
  unwatch(deploymentId: string): void;
  /** Called once at start-up, after the pipeline's own recovery. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export const idleMonitor: DeploymentMonitor = {
  watch: () => undefined,
  unwatch: () => undefined,
  start: async () => undefined,
  close: async () => undefined,
};
