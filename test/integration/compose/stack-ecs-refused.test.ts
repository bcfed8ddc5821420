// A Compose stack is deployed to local Docker only: on ECS (moto_server) the build step refuses it, naming the
// compose file, before anything is built or registered (docs/product-rules.md, "Compose stacks").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEcsHarness, type EcsHarness } from '../ecs/ecs-harness';
import { startMoto, useEmulatorEnvironment, type RunningServer } from '../../support/aws-emulator';
import { ComposeFixtures } from './compose-harness';

describe('a compose stack on ECS', () => {
  let moto: RunningServer;
  let restoreEnvironment: () => void;
  let harness: EcsHarness;
  const fixtures = new ComposeFixtures();

  beforeAll(async () => {
    moto = await startMoto();
    restoreEnvironment = useEmulatorEnvironment(moto);
    harness = await startEcsHarness(moto);
  });

  afterAll(async () => {
    await harness?.close();
    restoreEnvironment?.();
    await moto?.stop();
    fixtures.cleanupDirs();
  });

  it('is refused at build with PROJECT_SHAPE_UNSUPPORTED, naming the compose file', async () => {
    const project = harness.project({ region: 'us-east-1', cluster: 'stack-cluster', service: 'stack-service', registryHost: '127.0.0.1:1', publicUrl: 'http://127.0.0.1:1' }, {}, await fixtures.copy('stack'));
    const { run } = await harness.engine.controller.deploy(project);
    const finished = await harness.waitForRun(run.id);
    expect(finished.status).toBe('failed');
    expect(finished.failure).toMatchObject({ code: 'PROJECT_SHAPE_UNSUPPORTED', stage: 'build' });
    expect(finished.failure!.likelyCause).toContain('compose.yaml makes this project a Compose stack, which Berth deploys to local Docker only');
    expect(finished.steps.find((step) => step.name === 'publish')?.status).not.toBe('success');
  });
});
