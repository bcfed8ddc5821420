// The target-neutral pipeline runner (docs/architecture.md, "How data flows"). It owns Runs and Steps:
// creates them, runs the target's steps in order, honours pause/resume/stop between and during
// steps, writes step output to the deployment's log, stamps step times and line ranges, emits
// `runUpdated`/`deploymentUpdated` on every change, classifies failures and rolls back.
import { DEFAULT_KEEP_RELEASES, type Deployment, type DeployResult, type Failure, type FailureCode, type Release, type RunDetail, type RunKind, type StepName, type Target } from '../../../shared';
import { createLogger, redact, redactText } from '../logger';
import type { EventsPort, LogLinesPort, MonitorPort } from '../context';
import type { Deployments } from '../deployments';
import type { Notifier } from '../monitor/notifier';
import type { Store } from '../store/store';
import { EngineError, errorText, notFound } from '../engine-error';
import type { DeploymentChanges } from '../store/deployments';
import type { ProjectRecord } from '../store/projects';
import { classifyFailure, type EvidenceLine } from './classify-failure';
import type { DeploymentController } from './deployment-controller';
import { StepAborted, StepFailure } from '../step-failure';
import type { DeployTarget, LineOptions, RunState, StepContext, StopOptions } from '../targets/target';
import { splitLines } from '../logs/line-assembler';

const log = createLogger('pipeline/runner');

/** Verify failures that mean "this release is bad": they trigger the automatic rollback. */
const ROLLBACK_TRIGGERS: ReadonlySet<FailureCode> = new Set(['DEPLOYMENT_VERIFICATION_FAILED', 'CONTAINER_START_FAILED']);

/** How long `stop()` waits for the aborted step to settle before it answers. */
const STOP_SETTLE_MS = 30_000;

interface ActiveRun {
  readonly runId: string;
  readonly deploymentId: string;
  readonly project: ProjectRecord;
  readonly target: DeployTarget;
  readonly kind: RunKind;
  readonly previousRelease: Release | null;
  readonly state: RunState;
  readonly abort: AbortController;
  pauseRequested: boolean;
  stopRequested: boolean;
  /** The stop came from the engine shutting down, not from the user: the run ends RUN_INTERRUPTED. */
  interrupted: boolean;
  /** Set while the run waits in `paused`; calling it wakes the run. */
  wake: (() => void) | null;
  done: Promise<void>;
}

type StepOutcome = { readonly kind: 'success' } | { readonly kind: 'stopped' } | { readonly kind: 'failed'; readonly failure: StepFailure };

/** The targets this build deploys to, by name (the Engine hands them in). */
export type TargetSet = Readonly<Partial<Record<Target, DeployTarget>>>;

export interface PipelineOptions {
  readonly store: Pick<Store, 'runs' | 'releases' | 'logLines' | 'projects'>;
  readonly deployments: Pick<Deployments, 'get' | 'list' | 'update' | 'create' | 'forProjectTarget'>;
  readonly logs: LogLinesPort;
  readonly events: EventsPort;
  readonly monitor: MonitorPort;
  readonly notifier: Pick<Notifier, 'runFinished' | 'rolledBack'>;
  readonly targets: TargetSet;
}

export class PipelineController implements DeploymentController {
  private readonly active = new Map<string, ActiveRun>();
  private readonly targets = new Map<Target, DeployTarget>();
  /** Deployments whose stop sequence is still running in the background. */
  private readonly teardowns = new Map<string, Promise<void>>();
  private closing = false;

  private readonly store: PipelineOptions['store'];
  private readonly deployments: PipelineOptions['deployments'];
  private readonly logs: LogLinesPort;
  private readonly events: EventsPort;
  private readonly monitor: MonitorPort;
  private readonly notifier: PipelineOptions['notifier'];

  constructor(options: PipelineOptions) {
    ({ store: this.store, deployments: this.deployments, logs: this.logs, events: this.events, monitor: this.monitor, notifier: this.notifier } = options);
    for (const [name, target] of Object.entries(options.targets) as [Target, DeployTarget][]) this.targets.set(name, target);
  }

  async deploy(project: ProjectRecord): Promise<DeployResult> {
    const target = this.requireTarget(project.target);
    let deployment = this.deployments.forProjectTarget(project.id, project.target);
    const kind: RunKind = deployment ? 'redeploy' : 'deploy';
    deployment ??= this.deployments.create(project.id, project.target);
    this.assertNoActiveRun(deployment.id);
    const run = this.startRun(project, target, deployment, kind, null);
    return { run, deployment: this.deployments.get(deployment.id)! };
  }

  async rollback(project: ProjectRecord, releaseId?: string): Promise<RunDetail> {
    const target = this.requireTarget(project.target);
    const { store } = this;
    const deployment = this.deployments.forProjectTarget(project.id, project.target);
    if (!deployment) throw new EngineError('CONFLICT', `"${project.name}" has never been deployed to ${project.target}, so there is nothing to roll back to. Deploy it first.`);
    this.assertNoActiveRun(deployment.id);
    let release: Release | undefined;
    if (releaseId) {
      release = store.releases.get(releaseId);
      if (!release || release.deploymentId !== deployment.id) throw notFound('release', releaseId);
      if (release.current) throw new EngineError('CONFLICT', `Release ${release.id} is already the current release. Pick an earlier one from \`GET /api/projects/${project.id}/releases\`.`);
      // Image retention removed its image (docs/product-rules.md, "Retention"): nothing to start it from.
      if (release.imageRemoved) {
        const keep = project.settings.keepReleases ?? DEFAULT_KEEP_RELEASES;
        const what = release.imageRef.startsWith('s3-artifact:')
          ? `site files (${release.imageRef}) were removed from Berth's data dir by retention (only the last ${keep} releases keep theirs)`
          : `image ${release.imageRef} was removed by image retention (only the last ${keep} releases keep their images)`;
        throw new EngineError(
          'CONFLICT',
          `Release ${release.id}'s ${what}, so it cannot be rolled back to. Pick a newer release from \`GET /api/projects/${project.id}/releases\`, or raise the project's keepReleases setting for the future.`,
        );
      }
    } else {
      release = store.releases.previous(deployment.id);
      if (!release) throw new EngineError('CONFLICT', `"${project.name}" has no earlier release to roll back to.`);
    }
    return this.startRun(project, target, deployment, 'rollback', release);
  }

  async pause(runId: string): Promise<RunDetail> {
    const active = this.requireActive(runId);
    if (!active.stopRequested) {
      active.pauseRequested = true;
      this.log(active, '[PAUSE] requested: the current step finishes, then the run waits.');
    }
    return this.emitRun(runId);
  }

  async resume(runId: string): Promise<RunDetail> {
    const active = this.requireActive(runId);
    if (active.pauseRequested || active.wake) {
      active.pauseRequested = false;
      const wake = active.wake;
      active.wake = null;
      if (wake) wake();
      else this.log(active, '[RESUME] pause cancelled before the step finished.');
    }
    return this.emitRun(runId);
  }

  async stop(runId: string): Promise<RunDetail> {
    const active = this.active.get(runId);
    if (!active) {
      const run = this.store.runs.getDetail(runId);
      if (!run) throw notFound('run', runId);
      return run; // already finished: stopping is a no-op
    }
    this.requestStop(active);
    await Promise.race([active.done, new Promise((resolve) => setTimeout(resolve, STOP_SETTLE_MS).unref())]);
    return this.store.runs.getDetail(runId)!;
  }

  private requestStop(active: ActiveRun): void {
    if (active.stopRequested) return;
    active.stopRequested = true;
    this.log(active, '[STOP] run stop requested: the current step is aborted and the remaining steps are skipped.');
    active.abort.abort(new StepAborted());
    const wake = active.wake;
    active.wake = null;
    wake?.();
  }

  /**
   * The stop (docs/product-rules.md, "Stopping"): the deployment reads `stopped` at once (so monitoring ignores the dying container)
   * and the answer returns; the run (if any) is stopped and the target's SIGTERM → grace → SIGKILL → rm
   * goes on in the background, each step written as a system line. `whenStopped` waits for it.
   */
  async stopDeployment(deploymentId: string, options: StopOptions = {}): Promise<Deployment> {
    const { store, monitor } = this;
    const deployment = this.deployments.get(deploymentId);
    if (!deployment) throw notFound('deployment', deploymentId);
    if (this.teardowns.has(deploymentId)) return deployment;
    // The project as it is now: a teardown may outlive it (deleting a project stops its deployments).
    const project = store.projects.get(deployment.projectId);
    const runs = [...this.active.values()].filter((active) => active.deploymentId === deploymentId);
    for (const active of runs) this.requestStop(active);
    try {
      monitor.unwatch(deploymentId);
    } catch (error) {
      log.warn('monitor.unwatch failed', error);
    }
    // Status first, so everyone sees `stopped` while the container is torn down.
    const stopped = this.updateDeployment(deploymentId, { status: 'stopped' });
    this.stopLine(deploymentId, '[STOP] stopping the deployment');
    const teardown = this.tearDown(deployment, project, runs, options)
      .catch((error: unknown) => log.error(`stopping ${deploymentId} hit an error`, error))
      .finally(() => this.teardowns.delete(deploymentId));
    this.teardowns.set(deploymentId, teardown);
    return stopped;
  }

  async forget(deployment: Deployment): Promise<void> {
    await this.teardowns.get(deployment.id);
    try {
      await this.targets.get(deployment.target)?.forgetDeployment?.(deployment.id);
    } catch (error) {
      log.warn(`could not remove the files kept for deployment ${deployment.id}`, error);
    }
  }

  async whenStopped(deploymentId: string): Promise<Deployment | undefined> {
    await this.teardowns.get(deploymentId);
    return this.deployments.get(deploymentId);
  }

  private async tearDown(requested: Deployment, project: ProjectRecord | undefined, runs: readonly ActiveRun[], options: StopOptions): Promise<void> {
    const deploymentId = requested.id;
    await Promise.race([Promise.allSettled(runs.map((active) => active.done)), new Promise((resolve) => setTimeout(resolve, STOP_SETTLE_MS).unref())]);
    const deployment = this.deployments.get(deploymentId) ?? requested;
    const target = this.targets.get(deployment.target);
    const system = (text: string): void => this.stopLine(deploymentId, text);
    if (!target) system(`[STOP] no ${deployment.target} target in this build of Berth; only the record was cleared`);
    else if (!project) system('[STOP] the project no longer exists, so its instance cannot be found; only the record was cleared');
    else {
      try {
        await target.stopDeployment(deployment, project, { system }, options);
      } catch (error) {
        system(`[STOP] ${errorText(error)}`);
      }
    }
    // Whatever failed above, the row never stays stuck with a container it no longer has.
    const current = this.deployments.get(deploymentId);
    if (!current) return;
    // A deploy asked for meanwhile waits for this teardown and owns the status from then on.
    this.updateDeployment(deploymentId, { ...(current.status === 'stopped' ? { status: 'stopped' as const } : {}), containerId: null, taskArn: null, hostPort: null, health: 'unknown' });
  }

  /** A `[STOP]` line; once the deployment's row is gone (its project was deleted) the engine log gets it. */
  private stopLine(deploymentId: string, text: string): void {
    if (!this.deployments.get(deploymentId)) {
      log.info(`${deploymentId}: ${text}`);
      return;
    }
    try {
      this.logs.system(deploymentId, text, { source: 'runtime' });
    } catch (error) {
      log.warn('could not write a stop line', error);
    }
  }

  async recover(): Promise<void> {
    const { store, logs } = this;
    for (const run of store.runs.listActive()) {
      if (this.active.has(run.id)) continue;
      const detail = store.runs.getDetail(run.id)!;
      const interrupted = detail.steps.find((step) => step.status === 'running') ?? detail.steps.find((step) => step.status === 'pending');
      const now = Date.now();
      const lineNo = logs.system(run.deploymentId, `[INTERRUPTED] Berth stopped while run ${run.id} was ${run.status}${interrupted ? ` (step ${interrupted.name})` : ''}; the run is closed as RUN_INTERRUPTED.`, {
        runId: run.id,
        step: interrupted?.name ?? null,
        source: 'deploy',
      });
      for (const step of detail.steps) {
        if (step.status === 'running') store.runs.updateStep(run.id, step.name, { status: 'failed', finishedAt: now, lastLineNo: lineNo });
        else if (step.status === 'pending') store.runs.updateStep(run.id, step.name, { status: 'skipped' });
      }
      const failure = classifyFailure({
        step: interrupted?.name ?? null,
        code: 'RUN_INTERRUPTED',
        likelyCause: 'The Berth engine exited (crash, kill or power loss) in the middle of this run. Nothing half-done was kept; deploy again.',
        lines: this.stepLines(detail, interrupted?.name ?? null),
      });
      store.runs.update(run.id, { status: 'failed', finishedAt: now, failure });
      this.events.emit('runUpdated', store.runs.getDetail(run.id)!);
      const deployment = this.deployments.get(run.deploymentId);
      if (deployment && (deployment.status === 'deploying' || deployment.status === 'paused')) {
        this.updateDeployment(deployment.id, { status: deployment.currentReleaseId ? 'running' : 'failed' });
      }
    }
    for (const [name, target] of this.targets) {
      if (!target.reconcile) continue;
      const deployments = this.deployments.list().filter((deployment) => deployment.target === name);
      await target.reconcile(deployments, (deploymentId, text) => logs.system(deploymentId, text, { source: 'runtime' }));
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    const running = [...this.active.values()];
    for (const active of running) {
      active.stopRequested = true;
      active.interrupted = true;
      active.abort.abort(new StepAborted('Berth is shutting down.'));
      active.wake?.();
    }
    await Promise.race([Promise.allSettled(running.map((active) => active.done)), new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
    // A stop sequence that was answered already finishes; each of its Docker calls is bounded.
    await Promise.allSettled([...this.teardowns.values()]);
  }

  /** The target for `name`; ECS registers itself through the same factories. */
  targetFor(name: Target): DeployTarget | undefined {
    return this.targets.get(name);
  }

  // ---- running a run ----

  private startRun(project: ProjectRecord, target: DeployTarget, deployment: Deployment, kind: RunKind, rollbackTo: Release | null): RunDetail {
    if (this.closing) throw new EngineError('CONFLICT', 'Berth is shutting down; deploy again once it has restarted.');
    const { store } = this;
    for (const variable of project.settings.env) if (variable.secret) redact(variable.value);
    const previousRelease = deployment.currentReleaseId ? (store.releases.get(deployment.currentReleaseId) ?? null) : null;
    const run = store.runs.create({ projectId: project.id, deploymentId: deployment.id, kind, steps: target.steps(kind), rollbackOfReleaseId: rollbackTo?.id ?? null });
    const active: ActiveRun = {
      runId: run.id,
      deploymentId: deployment.id,
      project,
      target,
      kind,
      previousRelease,
      state: { ...target.initialState(), ...(rollbackTo ? { rollbackTo } : {}) },
      abort: new AbortController(),
      pauseRequested: false,
      stopRequested: false,
      interrupted: false,
      wake: null,
      done: Promise.resolve(),
    };
    this.active.set(run.id, active);
    this.updateDeployment(deployment.id, { status: 'deploying' });
    const created = this.emitRun(run.id);
    active.done = this.execute(active)
      .catch((error: unknown) => {
        log.error(`run ${run.id} ended unexpectedly`, error);
        this.finishFailed(active, null, new StepFailure('DEPLOYMENT_FAILED_GENERIC', `Berth hit an internal error: ${errorText(error)}`));
      })
      .finally(() => this.active.delete(run.id));
    return created;
  }

  // Each finish* removes the run from `active` before its last `runUpdated`, so a listener that
  // sees the final status can start the next run of the deployment at once.
  private async execute(active: ActiveRun): Promise<void> {
    const { store } = this;
    // A stop of this deployment that is still tearing down finishes first.
    const teardown = this.teardowns.get(active.deploymentId);
    if (teardown) await teardown;
    store.runs.update(active.runId, { status: 'in_progress', startedAt: Date.now() });
    this.log(active, `[RUN] ${active.kind} run ${active.runId} started for ${active.project.name} (${active.target.target})${active.state.rollbackTo ? ` to release ${active.state.rollbackTo.id}` : ''}`);
    this.emitRun(active.runId);

    for (;;) {
      const next = store.runs.steps(active.runId).find((step) => step.status === 'pending');
      if (!next) break;
      if (!active.stopRequested && active.pauseRequested) await this.waitWhilePaused(active);
      if (active.stopRequested) return this.finishStopped(active);

      const outcome = await this.runStep(active, next.name);
      if (outcome.kind === 'stopped') return this.finishStopped(active);
      if (outcome.kind === 'failed') return this.handleFailure(active, next.name, outcome.failure);
    }
    this.finishCompleted(active);
  }

  private async runStep(active: ActiveRun, step: StepName): Promise<StepOutcome> {
    const { store } = this;
    store.runs.updateStep(active.runId, step, { status: 'running', startedAt: Date.now() });
    this.emitRun(active.runId);
    const context = this.stepContext(active, step);
    let outcome: StepOutcome;
    try {
      await active.target.runStep(step, context);
      if (active.stopRequested) throw new StepAborted();
      outcome = { kind: 'success' };
    } catch (error) {
      if (active.stopRequested) outcome = { kind: 'stopped' };
      else if (error instanceof StepFailure) outcome = { kind: 'failed', failure: error };
      else {
        const classified = active.target.classifyError?.(error, step);
        outcome = { kind: 'failed', failure: classified ?? new StepFailure('DEPLOYMENT_FAILED_GENERIC', `The ${step} step failed: ${errorText(error)}`, { cause: error }) };
      }
      if (outcome.kind === 'failed') context.stderr(`${outcome.failure.code}: ${outcome.failure.message}`);
      else context.system(`[STOP] ${step} aborted by a stop request`);
    }
    this.logs.flush();
    const lastLineNo = this.logs.lastAllocated(active.deploymentId);
    const status = outcome.kind === 'success' ? 'success' : outcome.kind === 'failed' ? 'failed' : 'skipped';
    store.runs.updateStep(active.runId, step, { status, finishedAt: Date.now(), ...(context.wroteLines() ? { lastLineNo } : {}) });
    this.emitRun(active.runId);
    return outcome;
  }

  private stepContext(active: ActiveRun, step: StepName): StepContext & { wroteLines(): boolean } {
    const { store, logs } = this;
    let wrote = false;
    const write = (stream: 'stdout' | 'stderr' | 'system', text: string, options?: LineOptions): number => {
      let lineNo = logs.lastAllocated(active.deploymentId);
      // The assembler splits, drops a trailing \r and caps each line (marking it cut), as for runtime logs.
      const lines = splitLines(text);
      if (lines.length === 0) lines.push({ text: '', cut: false });
      for (const line of lines) {
        lineNo = logs.append(active.deploymentId, { stream, source: 'deploy', runId: active.runId, step, text: redactText(line.text), cut: line.cut, service: options?.service ?? null });
        if (!wrote) {
          wrote = true;
          store.runs.updateStep(active.runId, step, { firstLineNo: lineNo });
        }
      }
      return lineNo;
    };
    const deploymentAtStart = this.deployments.get(active.deploymentId)!;
    return {
      step,
      signal: active.abort.signal,
      project: active.project,
      run: store.runs.getDetail(active.runId)!,
      deploymentAtStart,
      previousRelease: active.previousRelease,
      state: active.state,
      deployment: () => this.deployments.get(active.deploymentId)!,
      updateDeployment: (changes) => this.updateDeployment(active.deploymentId, changes),
      recordScan: (scan) => {
        active.state.scan = scan;
        store.runs.update(active.runId, { scan });
        this.emitRun(active.runId);
      },
      scanOfRelease: (release) => store.runs.get(release.runId)?.scan ?? null,
      stdout: (text, options) => write('stdout', text, options),
      stderr: (text, options) => write('stderr', text, options),
      system: (text, options) => write('system', text, options),
      wroteLines: () => wrote,
    };
  }

  private async waitWhilePaused(active: ActiveRun): Promise<void> {
    const { store } = this;
    store.runs.update(active.runId, { status: 'paused' });
    this.updateDeployment(active.deploymentId, { status: 'paused' });
    this.log(active, '[PAUSE] run paused; resume it to continue.');
    this.emitRun(active.runId);
    await new Promise<void>((resolve) => {
      active.wake = resolve;
    });
    if (active.stopRequested) return;
    store.runs.update(active.runId, { status: 'in_progress' });
    this.updateDeployment(active.deploymentId, { status: 'deploying' });
    this.log(active, '[RESUME] run resumed.');
    this.emitRun(active.runId);
  }

  private async handleFailure(active: ActiveRun, step: StepName, failure: StepFailure): Promise<void> {
    const { store } = this;
    if (active.kind === 'rollback') {
      const base = this.failureFrom(active, step, failure);
      return this.finishFailed(active, step, failure, { ...base, code: 'MANUAL_ROLLBACK_FAILED', ...codeInfo('MANUAL_ROLLBACK_FAILED'), likelyCause: `${failure.code}: ${failure.likelyCause}` });
    }
    // Only a release that was verified and found bad is rolled back; an unreachable engine or an
    // internal error keeps its own code (a rollback could not succeed and would hide the cause).
    if (step !== 'verify' || !ROLLBACK_TRIGGERS.has(failure.code)) return this.finishFailed(active, step, failure);

    const verifyFailure = this.failureFrom(active, step, failure);
    const candidate = active.previousRelease;
    if (!candidate) {
      if (active.kind === 'deploy') return this.finishFailed(active, step, failure, verifyFailure);
      // A redeploy whose deployment never had a release: nothing can serve in its place.
      return this.finishFailed(active, step, failure, {
        ...verifyFailure,
        stage: 'rollback',
        code: 'AUTOMATIC_ROLLBACK_NO_CANDIDATE',
        ...codeInfo('AUTOMATIC_ROLLBACK_NO_CANDIDATE'),
        likelyCause: `Verify failed (${failure.code}: ${failure.likelyCause}) and there is no earlier release to restore.`,
      });
    }

    store.runs.insertStep(active.runId, 'rollback', 'done');
    active.state.rollbackTo = candidate;
    this.emitRun(active.runId);
    const outcome = await this.runStep(active, 'rollback');
    if (outcome.kind === 'stopped') return this.finishStopped(active);
    if (outcome.kind === 'failed') {
      const rollbackFailure = this.failureFrom(active, 'rollback', outcome.failure);
      return this.finishFailed(active, 'rollback', outcome.failure, {
        ...rollbackFailure,
        code: 'AUTOMATIC_ROLLBACK_FAILED',
        ...codeInfo('AUTOMATIC_ROLLBACK_FAILED'),
        likelyCause: `Verify failed (${failure.code}), then restoring release ${candidate.id} failed: ${outcome.failure.likelyCause}`,
      });
    }
    await this.finishFailed(active, step, failure, {
      ...verifyFailure,
      likelyCause: `${verifyFailure.likelyCause} Berth rolled back automatically: release ${candidate.id} is serving again.`,
    });
    this.notify(active, (deployment) => this.notifier.rolledBack(deployment, { runId: active.runId, releaseId: candidate.id }));
  }

  private failureFrom(active: ActiveRun, step: StepName, failure: StepFailure): Failure {
    const detail = this.store.runs.getDetail(active.runId)!;
    return classifyFailure({
      step,
      code: failure.code,
      likelyCause: failure.likelyCause,
      lines: this.stepLines(detail, step),
      ...(failure.options.evidenceLineNo !== undefined ? { evidenceLineNo: failure.options.evidenceLineNo } : {}),
      ...(failure.options.fallbackEvidenceLineNo !== undefined ? { fallbackEvidenceLineNo: failure.options.fallbackEvidenceLineNo } : {}),
    });
  }

  /** The lines this run wrote for `step` (runtime lines interleaved in the range are left out). */
  private stepLines(run: RunDetail, step: StepName | null): EvidenceLine[] {
    this.logs.flush();
    const stored = step ? run.steps.find((candidate) => candidate.name === step) : undefined;
    const fresh = step ? this.store.runs.steps(run.id).find((candidate) => candidate.name === step) : undefined;
    const first = fresh?.firstLineNo ?? stored?.firstLineNo ?? null;
    if (first === null) return [];
    const last = fresh?.lastLineNo ?? this.logs.lastAllocated(run.deploymentId);
    return this.store.logLines
      .range(run.deploymentId, first, Math.max(first, last))
      .filter((line) => line.runId === run.id && line.step === step)
      .map((line) => ({ lineNo: line.lineNo, text: line.text }));
  }

  private finishCompleted(active: ActiveRun): void {
    const { store, monitor } = this;
    const now = Date.now();
    let release: Release | undefined;
    if (active.kind === 'rollback' && active.state.rollbackTo) {
      release = active.state.rollbackTo;
    } else if (active.state.imageRef) {
      release = store.releases.create({
        deploymentId: active.deploymentId,
        runId: active.runId,
        imageRef: active.state.imageRef,
        imageId: active.state.imageId ?? null,
        taskDefinitionArn: active.state.taskDefinitionArn ?? null,
        services: active.state.services ?? null,
      });
    }
    store.runs.update(active.runId, {
      status: 'completed',
      finishedAt: now,
      ...(active.state.imageRef ? { imageRef: active.state.imageRef } : {}),
      ...(release ? { releaseId: release.id } : {}),
    });
    this.updateDeployment(active.deploymentId, {
      status: 'running',
      health: 'healthy',
      startedAt: now,
      ...(release ? { currentReleaseId: release.id, imageRef: release.imageRef } : {}),
    });
    this.log(active, `[DONE] run ${active.runId} completed${release ? `: release ${release.id} (${release.imageRef}) is live` : ''}.`);
    this.active.delete(active.runId);
    this.emitRun(active.runId);
    this.notify(active, (deployment) => this.notifier.runFinished(deployment, { runId: active.runId, kind: active.kind, releaseId: release?.id ?? null, failure: null }));
    try {
      monitor.watch(active.deploymentId);
    } catch (error) {
      log.warn('monitor.watch failed', error);
    }
  }

  private async finishStopped(active: ActiveRun): Promise<void> {
    const { store } = this;
    if (active.interrupted) {
      const step = this.lastStepName(active.runId);
      return this.finishFailed(active, step, new StepFailure('RUN_INTERRUPTED', 'Berth shut down while this run was in progress. Nothing half-done was kept; deploy again.'));
    }
    this.skipPending(active.runId);
    await this.cleanup(active);
    store.runs.update(active.runId, { status: 'stopped', finishedAt: Date.now() });
    this.settleDeployment(active, 'stopped');
    this.log(active, `[STOP] run ${active.runId} stopped; completed steps were kept.`);
    this.active.delete(active.runId);
    this.emitRun(active.runId);
  }

  private async finishFailed(active: ActiveRun, step: StepName | null, failure: StepFailure, classified?: Failure): Promise<void> {
    const { store } = this;
    const result = classified ?? (step ? this.failureFrom(active, step, failure) : classifyFailure({ step, code: failure.code, likelyCause: failure.likelyCause, lines: [] }));
    this.skipPending(active.runId);
    await this.cleanup(active);
    store.runs.update(active.runId, { status: 'failed', finishedAt: Date.now(), failure: result });
    this.settleDeployment(active, 'failed');
    this.log(active, `[FAILED] run ${active.runId} failed at ${result.stage}: ${result.code}.`);
    this.active.delete(active.runId);
    this.emitRun(active.runId);
    this.notify(active, (deployment) => this.notifier.runFinished(deployment, { runId: active.runId, kind: active.kind, releaseId: null, failure: result }));
  }

  /** After a run that did not complete: running if the earlier release still serves, else `otherwise`. */
  private settleDeployment(active: ActiveRun, otherwise: 'failed' | 'stopped'): void {
    const deployment = this.deployments.get(active.deploymentId);
    if (!deployment) return;
    // The deployment is being stopped: it stays `stopped`, whatever the run leaves behind.
    if (this.teardowns.has(active.deploymentId)) {
      this.updateDeployment(active.deploymentId, { status: 'stopped' });
      return;
    }
    // Docker serves from a container; ECS from its service (task ARN). Stop clears both. An S3 site stays published.
    const serving = deployment.currentReleaseId !== null && (deployment.containerId !== null || deployment.taskArn !== null || deployment.target === 's3');
    this.updateDeployment(active.deploymentId, { status: serving ? 'running' : otherwise });
    if (serving) {
      try {
        this.monitor.watch(active.deploymentId);
      } catch (error) {
        log.warn('monitor.watch failed', error);
      }
    }
  }

  private async cleanup(active: ActiveRun): Promise<void> {
    if (!active.target.cleanupRun) return;
    const context = this.stepContext(active, this.lastStepName(active.runId));
    try {
      await active.target.cleanupRun({ ...context, signal: new AbortController().signal });
    } catch (error) {
      context.system(`[CLEANUP] could not clean up after the run: ${errorText(error)}`);
    }
    this.logs.flush();
  }

  private lastStepName(runId: string): StepName {
    const steps = this.store.runs.steps(runId);
    const touched = steps.filter((step) => step.startedAt !== null);
    return (touched.at(-1) ?? steps[0]!).name;
  }

  private skipPending(runId: string): void {
    for (const step of this.store.runs.steps(runId)) {
      if (step.status === 'pending') this.store.runs.updateStep(runId, step.name, { status: 'skipped' });
    }
  }

  // ---- helpers ----

  private requireTarget(name: Target): DeployTarget {
    const target = this.targets.get(name);
    if (!target) throw new EngineError('UNSUPPORTED', `Deploying to ${name} is not available in this build of Berth.`);
    return target;
  }

  private requireActive(runId: string): ActiveRun {
    const active = this.active.get(runId);
    if (active) return active;
    const run = this.store.runs.get(runId);
    if (!run) throw notFound('run', runId);
    throw new EngineError('CONFLICT', `Run ${runId} is ${run.status}; only a run in progress can be paused or resumed.`);
  }

  private assertNoActiveRun(deploymentId: string): void {
    const running = [...this.active.values()].find((active) => active.deploymentId === deploymentId) ?? this.store.runs.activeForDeployment(deploymentId);
    if (running) {
      const runId = 'runId' in running ? running.runId : running.id;
      throw new EngineError('CONFLICT', `Deployment ${deploymentId} already has run ${runId} in progress. Wait for it, or stop it with \`berth cancel ${runId}\`.`);
    }
  }

  private notify(active: ActiveRun, report: (deployment: Deployment) => void): void {
    const deployment = this.deployments.get(active.deploymentId);
    if (deployment) report(deployment);
  }

  private log(active: ActiveRun, text: string): void {
    this.logs.system(active.deploymentId, text, { runId: active.runId, source: 'deploy' });
  }

  private emitRun(runId: string): RunDetail {
    const detail = this.store.runs.getDetail(runId)!;
    this.events.emit('runUpdated', detail);
    return detail;
  }

  private updateDeployment(deploymentId: string, changes: DeploymentChanges): Deployment {
    // `update` skips undefined keys, so null must be passed explicitly to clear a column.
    const deployment = this.deployments.update(deploymentId, changes);
    if (!deployment) throw notFound('deployment', deploymentId);
    return deployment;
  }
}

function codeInfo(code: 'MANUAL_ROLLBACK_FAILED' | 'AUTOMATIC_ROLLBACK_FAILED' | 'AUTOMATIC_ROLLBACK_NO_CANDIDATE'): Pick<Failure, 'category' | 'retryable' | 'summary'> {
  const failure = classifyFailure({ step: null, code, likelyCause: '', lines: [] });
  return { category: failure.category, retryable: failure.retryable, summary: failure.summary };
}
