// The engine's monitor with ECS included: Docker deployments go to the Docker monitor, ECS ones to
// the ECS monitor (each ignores the other's target), and both share one notifier so crash loops fold.
import type { EngineContext } from '../../host/engine';
import type { DeploymentMonitor } from '../deployment-monitor';
import { DockerMonitor } from '../docker-monitor';
import { EcsMonitor } from './ecs-monitor';

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

export function createDockerAndEcsMonitor(context: EngineContext): DeploymentMonitor {
  const docker = new DockerMonitor(context);
  return combineMonitors([docker, new EcsMonitor(context, { notifications: docker.notifier })]);
}
