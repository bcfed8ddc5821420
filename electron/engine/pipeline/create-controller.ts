// Builds the engine's deploy pipeline with every target this build has. A target registers a
// factory here (ECS: `registerTarget('ecs', (context) => new EcsTarget(context))`).
import type { Target } from '../../../shared';
import type { EngineContext } from '../host/engine';
import { DockerTarget } from '../targets/docker/docker-target';
import type { DeploymentController } from './deployment-controller';
import { PipelineController, type TargetFactories } from './runner';
import type { DeployTarget } from '../targets/target';

const factories: Partial<Record<Target, (context: EngineContext) => DeployTarget>> = {
  docker: (context) => new DockerTarget(context),
};

/** Adds (or replaces) the target used for `name` by controllers created afterwards. */
export function registerTarget(name: Target, factory: (context: EngineContext) => DeployTarget): void {
  factories[name] = factory;
}

export function createDeploymentController(context: EngineContext, overrides: TargetFactories = {}): DeploymentController {
  return new PipelineController(context, { ...factories, ...overrides });
}
