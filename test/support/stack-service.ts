// A Compose stack service as Deployment.services holds it (shared/schemas.ts stackServiceSchema), for tests that
// seed a stack: running, not public, no ports, image `berth/shop-<name>:r1`, unless `changes` say otherwise.
import type { StackService } from '../../shared';

export const stackService = (name: string, changes: Partial<StackService> = {}): StackService => ({
  name,
  public: false,
  state: 'running',
  health: null,
  containerId: `c-${name}`,
  image: `berth/shop-${name}:r1`,
  imageId: null,
  hostPort: null,
  containerPort: null,
  restarts: 0,
  exitCode: null,
  ...changes,
});
