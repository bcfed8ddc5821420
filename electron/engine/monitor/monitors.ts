// The engine's monitoring: Docker deployments go to the Docker monitor, ECS ones to the ECS monitor
// (each ignores the other's target). Both are built from one context and share its notifier, so
// crash loops fold across targets.
import type { DeploymentMonitor } from './deployment-monitor';
import { DockerMonitor, type DockerMonitorContext } from './docker-monitor';
import { EcsMonitor, type EcsMonitorContext } from './ecs/ecs-monitor';

/** Everything the engine's monitors are built from (the Engine provides it). */
export type MonitorContext = DockerMonitorContext & EcsMonitorContext;

/** Fans every call out to monitors that each watch only their own target. */
export function combineMonitors(monitors: readonly DeploymentMonitor[]): DeploymentMonitor {
  return {
    watch: (deploymentId) => monitors.forEach((monitor) => monitor.watch(deploymentId)),
    unwatch: (deploymentId) => monitors.forEach((monitor) => monitor.unwatch(deploymentId)),
    start: async () => {
      for (const monitor of monitors) await monitor.start();
    },
    close: async () => {
      await Promise.allSettled(monitors.map((monitor) => monitor.close()));
    },
  };
}

export function createMonitors(context: MonitorContext): DeploymentMonitor {
  return combineMonitors([new DockerMonitor(context), new EcsMonitor(context)]);
}
