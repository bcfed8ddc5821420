// The target-neutral runner against real SQLite and a scripted fake target: step order, line
// ranges, events, pause/resume/stop, one active run, classification, rollback and recovery.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STEP_ORDER, isFinishedRun, projectSettingsSchema, type RunDetail, type StepName } from '../../../shared';
import { EventBus } from '../../../electron/engine/event-bus';
import { Deployments } from '../../../electron/engine/deployments';
import { Notifier } from '../../../electron/engine/monitor/notifier';
import { createTestAlerting } from '../../support/alerting';
import { LogWriter } from '../../../electron/engine/logs/log-writer';
import type { DeploymentMonitor } from '../../../electron/engine/monitor/deployment-monitor';
import { PipelineController } from '../../../electron/engine/pipeline/runner';
import { StepAborted, StepFailure } from '../../../electron/engine/step-failure';
import type { DeployTarget, StepContext } from '../../../electron/engine/targets/target';
import type { ProjectRecord } from '../../../electron/engine/store/projects';
import { Store } from '../../../electron/engine/store/store';
import { makeTempDir } from '../../support/temp-dir';

type Script = (context: StepContext) => Promise<void>;

class FakeTarget implements DeployTarget {
  readonly target = 'docker' as const;
  initialState(): Record<never, never> {
    return {};
  }
  scripts: Partial<Record<StepName, Script>> = {};
  readonly calls: StepName[] = [];
  cleanups = 0;
  steps(kind: 'deploy' | 'redeploy' | 'rollback'): readonly StepName[] {
    return kind === 'rollback' ? ['rollback', 'verify', 'done'] : STEP_ORDER.docker;
  }
  async runStep(step: StepName, context: StepContext): Promise<void> {
    this.calls.push(step);
    context.stdout(`running ${step}`);
    if (step === 'build') context.state.imageRef = `image:${context.run.id}`;
    await this.scripts[step]?.(context);
  }
  async cleanupRun(): Promise<void> {
    this.cleanups += 1;
  }
  async stopDeployment(): Promise<void> {}
}

function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Waits until the signal aborts, as a build stream would, then fails as aborted. */
const untilAborted: Script = (context) =>
  new Promise((_resolve, reject) => context.signal.addEventListener('abort', () => reject(new StepAborted()), { once: true }));

describe('PipelineController (fake target, real SQLite)', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let context: { store: Store; logs: LogWriter; events: EventBus };
  let target: FakeTarget;
  let controller: PipelineController;
  let alerting: ReturnType<typeof createTestAlerting>;
  let project: ProjectRecord;
  let runEvents: RunDetail[];
  const watched: string[] = [];

  beforeEach(() => {
    temp = makeTempDir('pipeline-runner-');
    const store = Store.open(join(temp.dir, 'berth.db'));
    const logs = new LogWriter(store);
    const monitor: DeploymentMonitor = { watch: (id) => watched.push(id), unwatch: () => undefined, start: async () => undefined, close: async () => undefined };
    const events = new EventBus();
    context = { store, logs, events };
    target = new FakeTarget();
    controller = new PipelineController({
      store,
      deployments: new Deployments(store.deployments, events),
      logs,
      events,
      monitor,
      notifier: new Notifier((alerting = createTestAlerting(store, events)).alerts),
      targets: { docker: target },
    });
    project = store.projects.create({ name: 'pipeline-unit', sourceDir: temp.dir, target: 'docker', settings: projectSettingsSchema.parse({}) });
    runEvents = [];
    context.events.on('runUpdated', (run) => runEvents.push(run));
    watched.length = 0;
  });

  afterEach(async () => {
    await controller.close();
    await alerting.alerts.close();
    context.logs.close();
    context.store.close();
    temp.cleanup();
  });

  const finished = (runId: string): Promise<RunDetail> =>
    new Promise((resolve) => {
      const check = () => {
        const run = context.store.runs.getDetail(runId)!;
        if (isFinishedRun(run.status)) {
          off();
          resolve(run);
        }
      };
      const off = context.events.on('runUpdated', check);
      check();
    });
  const statuses = (run: RunDetail) => Object.fromEntries(run.steps.map((step) => [step.name, step.status]));

  it('runs the steps in order, stamps times and line ranges, records a release and starts monitoring', async () => {
    const { run, deployment } = await controller.deploy(project);
    expect(run.status).toBe('started');
    expect(deployment.status).toBe('deploying');
    const done = await finished(run.id);
    expect(target.calls).toEqual(['detect', 'build', 'setup', 'deploy', 'verify', 'done']);
    expect(done.status).toBe('completed');
    expect(Object.values(statuses(done))).toEqual(Array(6).fill('success'));
    let previousLast = 0;
    for (const step of done.steps) {
      expect(step.startedAt).not.toBeNull();
      expect(step.firstLineNo).toBeGreaterThan(previousLast);
      expect(step.lastLineNo).toBeGreaterThanOrEqual(step.firstLineNo!);
      previousLast = step.lastLineNo!;
    }
    const release = context.store.releases.get(done.releaseId!)!;
    expect(release.imageRef).toBe(`image:${run.id}`);
    expect(context.store.deployments.get(deployment.id)).toMatchObject({ status: 'running', currentReleaseId: release.id });
    expect(watched).toEqual([deployment.id]);
    expect(runEvents.map((event) => event.status)).toContain('in_progress');
    expect((await controller.deploy(project)).run.kind).toBe('redeploy');
  });

  it('one active run per deployment: a second deploy is a CONFLICT', async () => {
    const hold = gate();
    target.scripts.build = () => hold.promise;
    const { run } = await controller.deploy(project);
    await expect(controller.deploy(project)).rejects.toMatchObject({ code: 'CONFLICT' });
    hold.open();
    expect((await finished(run.id)).status).toBe('completed');
  });

  it('pause lets the current step finish, then waits; resume continues from the next step', async () => {
    const hold = gate();
    target.scripts.build = () => hold.promise;
    const { run } = await controller.deploy(project);
    await new Promise<void>((resolve) => {
      const off = context.events.on('runUpdated', (event) => {
        if (event.id === run.id && event.steps.some((step) => step.name === 'build' && step.status === 'running')) {
          off();
          resolve();
        }
      });
    });
    await controller.pause(run.id);
    hold.open();
    const paused = await new Promise<RunDetail>((resolve) => {
      const off = context.events.on('runUpdated', (event) => {
        if (event.id === run.id && event.status === 'paused') {
          off();
          resolve(event);
        }
      });
    });
    expect(statuses(paused)).toMatchObject({ build: 'success', setup: 'pending' });
    expect(target.calls).toEqual(['detect', 'build']);
    expect(context.store.deployments.get(run.deploymentId)!.status).toBe('paused');
    await controller.resume(run.id);
    const done = await finished(run.id);
    expect(done.status).toBe('completed');
    expect(target.calls).toEqual(['detect', 'build', 'setup', 'deploy', 'verify', 'done']);
  });

  it('stop aborts the current step through its signal and skips the rest; completed steps stay', async () => {
    target.scripts.build = untilAborted;
    const { run } = await controller.deploy(project);
    await new Promise<void>((resolve) => {
      const off = context.events.on('runUpdated', (event) => {
        if (event.id === run.id && event.steps.some((step) => step.name === 'build' && step.status === 'running')) {
          off();
          resolve();
        }
      });
    });
    const stopped = await controller.stop(run.id);
    expect(stopped.status).toBe('stopped');
    expect(statuses(stopped)).toEqual({ detect: 'success', build: 'skipped', setup: 'skipped', deploy: 'skipped', verify: 'skipped', done: 'skipped' });
    expect(target.cleanups).toBe(1);
    expect(context.store.deployments.get(run.deploymentId)!.status).toBe('stopped');
  });

  it('a paused run can be stopped', async () => {
    const { run } = await controller.deploy(project);
    await controller.pause(run.id);
    const stopped = await controller.stop(run.id);
    expect(stopped.status).toBe('stopped');
    expect(stopped.steps.filter((step) => step.status === 'success').length).toBeGreaterThanOrEqual(1);
  });

  it('a StepFailure becomes the classified failure with the first error line as evidence', async () => {
    target.scripts.build = async (step) => {
      step.stdout('Step 1/2 : RUN make');
      step.stderr('make: *** [all] Error 2');
      step.stdout('cleanup');
      throw new StepFailure('DOCKER_IMAGE_BUILD_FAILED', 'make failed');
    };
    const { run } = await controller.deploy(project);
    const done = await finished(run.id);
    expect(done.status).toBe('failed');
    expect(done.failure).toMatchObject({ stage: 'build', category: 'build_failure', code: 'DOCKER_IMAGE_BUILD_FAILED', retryable: false, likelyCause: 'make failed' });
    expect(done.failure!.evidence.line).toBe('make: *** [all] Error 2');
    expect(context.store.logLines.range(run.deploymentId, done.failure!.evidence.lineNo!, done.failure!.evidence.lineNo!)[0]!.text).toBe('make: *** [all] Error 2');
    expect(done.failure!.evidence.context).toEqual(['running build', 'Step 1/2 : RUN make', 'make: *** [all] Error 2', 'cleanup', 'DOCKER_IMAGE_BUILD_FAILED: make failed']);
    expect(statuses(done)).toMatchObject({ build: 'failed', setup: 'skipped', done: 'skipped' });
    expect(context.store.deployments.get(run.deploymentId)!.status).toBe('failed');
  });

  it('announces finished runs as deploy_succeeded / deploy_failed notifications unless muted', async () => {
    const kinds: string[] = [];
    context.events.on('notification', (notification) => kinds.push(notification.kind));
    await finished((await controller.deploy(project)).run.id);
    target.scripts.build = async () => {
      throw new StepFailure('DOCKER_IMAGE_BUILD_FAILED', 'broken');
    };
    await finished((await controller.deploy(project)).run.id);
    expect(kinds).toEqual(['deploy_succeeded', 'deploy_failed']);
    const muted = context.store.projects.update(project.id, { settings: { ...project.settings, muteNotifications: true } })!;
    await finished((await controller.deploy(muted)).run.id);
    expect(kinds).toHaveLength(2);
  });

  it('an unexpected error is DEPLOYMENT_FAILED_GENERIC', async () => {
    target.scripts.setup = async () => {
      throw new Error('kaboom');
    };
    const done = await finished((await controller.deploy(project)).run.id);
    expect(done.failure).toMatchObject({ stage: 'setup', code: 'DEPLOYMENT_FAILED_GENERIC', category: 'unknown_failure' });
    expect(done.failure!.likelyCause).toContain('kaboom');
  });

  it('verify fails with an earlier release: a rollback step restores it; the verify failure is kept', async () => {
    const first = await finished((await controller.deploy(project)).run.id);
    let restored: string | undefined;
    target.scripts.verify = async () => {
      throw new StepFailure('DEPLOYMENT_VERIFICATION_FAILED', 'no 2xx');
    };
    target.scripts.rollback = async (step) => {
      restored = step.state.rollbackTo?.id;
    };
    const done = await finished((await controller.deploy(project)).run.id);
    expect(restored).toBe(first.releaseId);
    expect(done.steps.map((step) => step.name)).toEqual(['detect', 'build', 'setup', 'deploy', 'verify', 'rollback', 'done']);
    expect(statuses(done)).toMatchObject({ verify: 'failed', rollback: 'success', done: 'skipped' });
    expect(done.failure).toMatchObject({ stage: 'verify', code: 'DEPLOYMENT_VERIFICATION_FAILED' });
    expect(context.store.deployments.get(done.deploymentId)!.currentReleaseId).toBe(first.releaseId);
  });

  it('a failing automatic rollback is AUTOMATIC_ROLLBACK_FAILED; a redeploy without any release is AUTOMATIC_ROLLBACK_NO_CANDIDATE', async () => {
    target.scripts.build = async () => {
      throw new StepFailure('DOCKER_IMAGE_BUILD_FAILED', 'broken');
    };
    await finished((await controller.deploy(project)).run.id);
    target.scripts.build = undefined;
    target.scripts.verify = async () => {
      throw new StepFailure('CONTAINER_START_FAILED', 'exited');
    };
    const noCandidate = await finished((await controller.deploy(project)).run.id);
    expect(noCandidate.kind).toBe('redeploy');
    expect(noCandidate.failure).toMatchObject({ stage: 'rollback', code: 'AUTOMATIC_ROLLBACK_NO_CANDIDATE', category: 'rollback_failure' });

    target.scripts.verify = undefined;
    await finished((await controller.deploy(project)).run.id);
    target.scripts.verify = async () => {
      throw new StepFailure('CONTAINER_START_FAILED', 'exited');
    };
    target.scripts.rollback = async () => {
      throw new StepFailure('AUTOMATIC_ROLLBACK_FAILED', 'old image gone');
    };
    const failedRollback = await finished((await controller.deploy(project)).run.id);
    expect(failedRollback.failure).toMatchObject({ stage: 'rollback', code: 'AUTOMATIC_ROLLBACK_FAILED' });
    expect(failedRollback.failure!.likelyCause).toContain('old image gone');
  });

  it('manual rollback runs the target rollback steps; a failure there is MANUAL_ROLLBACK_FAILED', async () => {
    const first = await finished((await controller.deploy(project)).run.id);
    await finished((await controller.deploy(project)).run.id);
    const rollback = await controller.rollback(project);
    expect(rollback).toMatchObject({ kind: 'rollback', rollbackOfReleaseId: first.releaseId });
    const done = await finished(rollback.id);
    expect(done.status).toBe('completed');
    expect(context.store.deployments.get(done.deploymentId)!.currentReleaseId).toBe(first.releaseId);
    expect(context.store.releases.listForDeployment(done.deploymentId)).toHaveLength(2);

    target.scripts.verify = async () => {
      throw new StepFailure('DEPLOYMENT_VERIFICATION_FAILED', 'no 2xx');
    };
    const second = context.store.releases.listForDeployment(done.deploymentId)[0]!;
    const failed = await finished((await controller.rollback(project, second.id)).id);
    expect(failed.failure).toMatchObject({ stage: 'verify', code: 'MANUAL_ROLLBACK_FAILED', category: 'rollback_failure' });
    await expect(controller.rollback(project, first.releaseId!)).rejects.toMatchObject({ code: 'CONFLICT' }); // already current
  });

  it('an engine shutdown during a run ends it as RUN_INTERRUPTED, not as a user stop', async () => {
    target.scripts.build = untilAborted;
    const { run } = await controller.deploy(project);
    await new Promise<void>((resolve) => {
      const off = context.events.on('runUpdated', (event) => {
        if (event.id === run.id && event.steps.some((step) => step.name === 'build' && step.status === 'running')) {
          off();
          resolve();
        }
      });
    });
    await controller.close();
    const closed = context.store.runs.getDetail(run.id)!;
    expect(closed.status).toBe('failed');
    expect(closed.failure).toMatchObject({ code: 'RUN_INTERRUPTED', stage: 'build' });
    await expect(controller.deploy(project)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('recover closes runs left in progress by an earlier process as RUN_INTERRUPTED', async () => {
    const deployment = context.store.deployments.create(project.id, 'docker');
    const stale = context.store.runs.create({ projectId: project.id, deploymentId: deployment.id, kind: 'deploy', steps: STEP_ORDER.docker });
    context.store.runs.update(stale.id, { status: 'in_progress', startedAt: Date.now() });
    context.store.runs.updateStep(stale.id, 'detect', { status: 'success', startedAt: Date.now(), finishedAt: Date.now() });
    context.store.runs.updateStep(stale.id, 'build', { status: 'running', startedAt: Date.now() });
    context.store.deployments.update(deployment.id, { status: 'deploying' });

    await controller.recover();
    const closed = context.store.runs.getDetail(stale.id)!;
    expect(closed.status).toBe('failed');
    expect(closed.failure).toMatchObject({ code: 'RUN_INTERRUPTED', stage: 'build', retryable: true });
    expect(statuses(closed)).toEqual({ detect: 'success', build: 'failed', setup: 'skipped', deploy: 'skipped', verify: 'skipped', done: 'skipped' });
    expect(context.store.deployments.get(deployment.id)!.status).toBe('failed');
    expect(context.store.runs.listActive()).toEqual([]);
  });
});
