// The ECS target for the pipeline runner: auth → build → publish → setup → deploy → rollout → verify → done,
// plus rollback to an earlier task definition and the stop (desired count 0).
import type Dockerode from 'dockerode';
import { STEP_ORDER, type Deployment, type Release, type RunKind, type StepName } from '../../../../shared';
import { StepFailure } from '../../step-failure';
import type { DeployTarget, StepContext, TargetStopLog } from '../target';
import type { DeploymentChanges } from '../../store/deployments';
import type { ProjectRecord } from '../../store/projects';
import type { AwsClients } from '../../aws/aws-clients';
import type { DeploymentsPort, ProjectsPort, StatePort } from '../../context';
import { classifyAwsError, classifyAwsStepError, errorMessage } from '../../aws/aws-errors';
import { probeUrl, resolveEcsSettings, type ResolvedEcsSettings } from '../../aws/ecs-settings';
import {
  appendDiagnostics,
  authenticate,
  deployService,
  describeService,
  ensureLogGroup,
  firstRunningTask,
  pointServiceAt,
  publishImage,
  registerTaskDefinition,
  stopService,
  waitForRollout,
  type StepCall,
} from './ecs-steps';
import { probeUntilHealthy } from '../../health/probe';
import { buildProjectImage } from '../project-build';
import { scanForRun } from '../scan-for-run';

export interface EcsTargetOptions {
  readonly docker: Dockerode;
  readonly projects: ProjectsPort;
  /** A project's AWS clients (its stored keys, profile or the default chain; the engine's endpoint). */
  readonly awsClients: (project: ProjectRecord) => AwsClients;
  readonly rolloutPollIntervalMs?: number;
  readonly verifyIntervalMs?: number;
  readonly probeTimeoutMs?: number;
  /** The deployment's releases, newest first (start-up reconcile). */
  readonly releasesOf: (deploymentId: string) => readonly Release[];
  /** The deployment rows (the start-up reconcile corrects them). */
  readonly deployments: Pick<DeploymentsPort, 'update'>;
  /** How long the start-up reconcile waits on AWS for one deployment (default 20 s). */
  readonly reconcileTimeoutMs?: number;
  /**
   * Engine state that outlives restarts (`engine_state`): the reconcile says "a task definition Berth
   * did not deploy" once per deployment and task definition, not on every start.
   */
  readonly state?: StatePort;
  /** The engine's BERTH_BASE_IMAGE_* for zero-config builds (default: none, the official images). */
  readonly baseImageEnv?: Readonly<Record<string, string>>;
}

/** Statuses a run leaves behind when Berth stops mid-run; a live service makes them `running`. */
const INTERRUPTED_STATUSES: readonly Deployment['status'][] = ['deploying', 'paused'];

const MANUAL_ROLLBACK_STEPS: readonly StepName[] = ['auth', 'rollback', 'rollout', 'verify', 'done'];

/** The local image build produces; publish re-tags it for the registry. */
export const localImageTag = (project: ProjectRecord, runId: string): string => `berth-ecs/${project.slug}:${runId}`;

/** What the ECS steps hand each other within a run. */
export interface EcsRunState {
  /** The image build produced locally; publish re-tags and pushes it. */
  localImage?: string;
}

export class EcsTarget implements DeployTarget<EcsRunState> {
  readonly target = 'ecs' as const;

  constructor(private readonly options: EcsTargetOptions) {}

  initialState(): EcsRunState {
    return {};
  }

  steps(kind: RunKind): readonly StepName[] {
    return kind === 'rollback' ? MANUAL_ROLLBACK_STEPS : STEP_ORDER.ecs;
  }

  async runStep(step: StepName, context: StepContext<EcsRunState>): Promise<void> {
    if (step === 'build') return this.build(context);
    // The port and health route follow the run's scan (set by build; a manual rollback's comes with its release).
    const settings = resolveEcsSettings(context.project, context.state.scan ?? null);
    const clients = this.clientsFor(context.project, context);
    const call: StepCall = { clients, settings, output: context, signal: context.signal };
    try {
      switch (step) {
        case 'auth':
          await authenticate(call);
          return;
        case 'publish':
          return await this.publish(call, context);
        case 'setup': {
          if (!context.state.imageRef) throw new StepFailure('DEPLOYMENT_FAILED_GENERIC', 'Nothing was published to register: the publish step did not record an image.');
          await ensureLogGroup(call);
          context.state.taskDefinitionArn = await registerTaskDefinition({ ...call, imageRef: context.state.imageRef });
          return;
        }
        case 'deploy':
          await deployService({ ...call, taskDefinitionArn: this.requireTaskDefinition(context) });
          return;
        case 'rollout':
          return await this.rollout(call, context);
        case 'verify':
          return await this.verify(call, context);
        case 'rollback':
          return await this.rollback(call, context);
        case 'done':
          return await this.done(call, context, settings);
        case 'detect':
          return;
      }
    } catch (error) {
      throw this.classifyError(error, step) ?? error;
    } finally {
      clients.destroy();
    }
  }

  classifyError(error: unknown, step: StepName): StepFailure | undefined {
    return classifyAwsStepError(error, step);
  }

  async stopDeployment(_deployment: Deployment, project: ProjectRecord, log: TargetStopLog): Promise<void> {
    const output = { stdout: (text: string) => (log.system(text), 0), stderr: (text: string) => (log.system(text), 0), system: (text: string) => (log.system(text), 0) };
    let clients: AwsClients | undefined;
    try {
      clients = this.projectClients(project);
      await stopService({ clients, settings: resolveEcsSettings(project), output });
      log.system(`[STOP] ECS service ${resolveEcsSettings(project).service} scaled to 0`);
    } catch (error) {
      log.system(`[STOP] scaling the ECS service down failed: ${errorMessage(error)}`);
    } finally {
      clients?.destroy();
    }
  }

  /**
   * Start-up reconcile: each ECS deployment row is made to agree with the service AWS runs. A failure
   * for one deployment (credentials, network, a missing cluster) is written to its log and never
   * stops the others: projects may use different accounts and regions.
   */
  async reconcile(deployments: readonly Deployment[], system: (deploymentId: string, text: string) => void): Promise<void> {
    // Without a release, Berth never recorded anything running there (a first deploy that failed).
    const checked = deployments.filter((deployment) => deployment.status !== 'stopped' && deployment.currentReleaseId);
    // All at once: start-up waits for this, and each check may take the whole time limit when AWS is unreachable.
    await Promise.all(
      checked.map(async (deployment) => {
        const write = (text: string): void => system(deployment.id, text);
        try {
          await this.reconcileOne(deployment, write);
        } catch (error) {
          write(`[RECONCILE] could not check the ECS service: ${error instanceof StepFailure ? error.likelyCause : errorMessage(error)}`);
        }
      }),
    );
  }

  private async reconcileOne(deployment: Deployment, system: (text: string) => void): Promise<void> {
    const project = this.options.projects.get(deployment.projectId);
    if (!project) return;
    const settings = resolveEcsSettings(project);
    const output = { stdout: (text: string) => (system(text), 0), stderr: (text: string) => (system(text), 0), system: (text: string) => (system(text), 0) };
    const timeoutMs = this.options.reconcileTimeoutMs ?? 20_000;
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    let clients: AwsClients | undefined;
    let service: Awaited<ReturnType<typeof describeService>>;
    try {
      clients = this.projectClients(project);
      // The SDK has no request timeout of its own; start-up must not hang on an AWS that never answers.
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          abort.abort();
          reject(new Error(`AWS did not answer within ${Math.round(timeoutMs / 1000)} s`));
        }, timeoutMs);
      });
      const described = describeService({ clients, settings, output, signal: abort.signal });
      described.catch(() => undefined); // settles after a timeout, when nobody is waiting for it
      service = await Promise.race([described, timedOut]);
    } finally {
      clearTimeout(timer);
      clients?.destroy();
    }

    const name = settings.service;
    if (!service || !service.desiredCount) {
      system(`[RECONCILE] ECS service ${name} ${service ? 'is scaled to 0' : 'no longer exists'} in cluster ${settings.cluster}`);
      this.options.deployments.update(deployment.id, { status: 'stopped', taskArn: null, health: 'unknown' });
      return;
    }

    const changes: DeploymentChanges = INTERRUPTED_STATUSES.includes(deployment.status) ? { status: 'running' } : {};
    const releases = this.options.releasesOf(deployment.id);
    const current = releases.find((release) => release.id === deployment.currentReleaseId);
    const running = service.taskDefinition ?? null;
    if (running !== null && running !== current?.taskDefinitionArn) {
      // Newest first: when two releases share a task definition, the later one is what was last put live.
      const match = releases.find((release) => release.taskDefinitionArn === running);
      if (match) {
        changes.currentReleaseId = match.id;
        changes.imageRef = match.imageRef;
        system(`[RECONCILE] ECS service ${name} runs ${running}, release ${match.id}; Berth now shows it as current`);
      } else if (this.firstSighting(deployment.id, running)) {
        system(
          `[RECONCILE] ECS service ${name} runs ${running}, a task definition Berth did not deploy (changed outside Berth, or by a run that was interrupted); ` +
            `release ${current?.id ?? '(none)'} expects ${current?.taskDefinitionArn ?? 'no task definition'}. Redeploy or roll back from Berth to put a known release live.`,
        );
      }
    }
    if (Object.keys(changes).length > 0) this.options.deployments.update(deployment.id, changes);
  }

  /** True the first time this deployment's service is seen running `taskDefinition` outside Berth's releases. */
  private firstSighting(deploymentId: string, taskDefinition: string): boolean {
    const key = `ecs.reconcile.foreignTaskDefinition.${deploymentId}`;
    if (this.options.state?.get(key) === taskDefinition) return false;
    this.options.state?.set(key, taskDefinition);
    return true;
  }

  private projectClients(project: ProjectRecord): AwsClients {
    return this.options.awsClients(project);
  }

  private clientsFor(project: ProjectRecord, context: StepContext<EcsRunState>): AwsClients {
    try {
      return this.projectClients(project);
    } catch (error) {
      context.stderr(`Error: ${errorMessage(error)}`);
      throw error;
    }
  }

  private requireTaskDefinition(context: StepContext<EcsRunState>): string {
    const arn = context.state.taskDefinitionArn;
    if (!arn) throw new StepFailure('DEPLOYMENT_FAILED_GENERIC', 'No task definition was registered before this step (setup did not run).');
    return arn;
  }

  /** The Docker target's scan and build, reused: the image stays local until publish pushes it. */
  private async build(context: StepContext<EcsRunState>): Promise<void> {
    const scan = await scanForRun(context);
    if (scan.shape === 'multi') {
      const message = `${scan.composeFile ?? 'The compose file'} makes this project a Compose stack, which Berth deploys to local Docker only: ECS needs one image per project. Deploy it with the Docker target, or point an ECS project at the folder of the one service to run.`;
      const line = context.stderr(`error: ${message}`);
      throw new StepFailure('PROJECT_SHAPE_UNSUPPORTED', message, { evidenceLineNo: line });
    }
    const tag = localImageTag(context.project, context.run.id);
    const built = await buildProjectImage({ docker: this.options.docker, context, tag, baseImageEnv: this.options.baseImageEnv ?? {} });
    context.state.imageId = built.imageId;
    context.state.localImage = built.imageRef;
  }

  private async publish(call: StepCall, context: StepContext<EcsRunState>): Promise<void> {
    const sourceImage = context.state.localImage ?? context.state.imageId;
    if (!sourceImage) throw new StepFailure('DEPLOYMENT_FAILED_GENERIC', 'Nothing was built to publish: the build step did not record an image.');
    const published = await publishImage({ ...call, docker: this.options.docker, sourceImage, tag: context.run.id });
    context.state.imageRef = published.imageRef;
  }

  private async rollout(call: StepCall, context: StepContext<EcsRunState>): Promise<void> {
    const taskDefinitionArn = this.requireTaskDefinition(context);
    const outcome = await waitForRollout(call, { taskDefinitionArn, pollIntervalMs: this.options.rolloutPollIntervalMs ?? 5000 });
    if (outcome.ok) {
      context.stdout(`Rollout of ${taskDefinitionArn} completed`);
      return;
    }
    await appendDiagnostics(call);
    // A manual rollback's own rollout failing is reported by the runner as MANUAL_ROLLBACK_FAILED.
    if (context.run.kind === 'rollback') throw new StepFailure('DEPLOYMENT_FAILED_GENERIC', `The rollback did not roll out: ${outcome.reason}.`);
    // The runner rolls back after verify; a rollout that never came up is rolled back here, the same way.
    const previous = context.previousRelease?.taskDefinitionArn;
    if (!previous) {
      context.system('No earlier ECS release to roll back to; the service keeps the failed task definition.');
      throw new StepFailure('DEPLOYMENT_FAILED_GENERIC', `The ECS rollout failed: ${outcome.reason}. Check the service events and stopped tasks above.`);
    }
    context.system(`[ROLLBACK] rollout failed; restoring the previous task definition ${previous}`);
    try {
      await pointServiceAt({ ...call, taskDefinitionArn: previous });
    } catch (error) {
      context.stderr(`Error: rollback to ${previous} failed: ${errorMessage(error)}`);
      throw new StepFailure('AUTOMATIC_ROLLBACK_FAILED', `The rollout failed (${outcome.reason}) and restoring ${previous} failed too: ${errorMessage(error)}.`, { cause: error });
    }
    context.system(`[ROLLBACK] service points at ${previous} again (release ${context.previousRelease?.id})`);
    throw new StepFailure('DEPLOYMENT_FAILED_GENERIC', `The ECS rollout failed: ${outcome.reason}. Berth rolled back to ${previous}.`);
  }

  private async verify(call: StepCall, context: StepContext<EcsRunState>): Promise<void> {
    const url = probeUrl(call.settings, call.settings.healthCheck.path);
    const timeoutMs = call.settings.verifyTimeoutMs;
    context.stdout(`Probing ${url} (up to ${Math.round(timeoutMs / 1000)} s)`);
    let lastError: string | null = null;
    const check = call.settings.healthCheck;
    const outcome = await probeUntilHealthy({
      url,
      rule: check.rule,
      timeoutMs,
      intervalMs: this.options.verifyIntervalMs ?? 2000,
      probeTimeoutMs: this.options.probeTimeoutMs ?? 2000,
      signal: context.signal,
      onResult: (result, attempt) => {
        if (result.ok) context.stdout(`Probe ${attempt}: ${result.description} in ${Math.round(result.latencyMs ?? 0)} ms`);
        // The first failure and every change: a 60 s wait must not flood the step.
        else if (result.error !== lastError) context.stdout(`Probe ${attempt}: ${result.error}`);
        lastError = result.error;
      },
    });
    if (outcome.kind === 'healthy') return;
    context.stderr(`Error: verify failed: ${url} did not answer with ${check.rule === 'status_2xx_3xx' ? '2xx or 3xx' : 'a status below 500'} within ${Math.round(timeoutMs / 1000)} s (last: ${outcome.last.error ?? 'unknown'})`);
    await appendDiagnostics(call);
    throw new StepFailure('DEPLOYMENT_VERIFICATION_FAILED', `${url} did not answer successfully (${outcome.last.error}). Check that the app listens on port ${call.settings.port} and serves ${call.settings.healthCheck.path}; see the ECS diagnostics below the probes.`);
  }

  private async rollback(call: StepCall, context: StepContext<EcsRunState>): Promise<void> {
    const release = context.state.rollbackTo;
    const code = context.run.kind === 'rollback' ? 'MANUAL_ROLLBACK_FAILED' : 'AUTOMATIC_ROLLBACK_FAILED';
    if (!release?.taskDefinitionArn) {
      throw new StepFailure(
        context.run.kind === 'rollback' ? 'MANUAL_ROLLBACK_FAILED' : 'AUTOMATIC_ROLLBACK_NO_CANDIDATE',
        `Release ${release?.id ?? '(none)'} has no ECS task definition to restore.`,
      );
    }
    try {
      await pointServiceAt({ ...call, taskDefinitionArn: release.taskDefinitionArn });
    } catch (error) {
      const classified = classifyAwsError(error, 'ECS UpdateService');
      if (classified?.code === 'INFRASTRUCTURE_NETWORK_FAILURE' || classified?.code === 'AUTHENTICATION_FAILED') throw classified;
      throw new StepFailure(code, `Pointing the service at ${release.taskDefinitionArn} failed: ${errorMessage(error)}`, { cause: error });
    }
    context.state.taskDefinitionArn = release.taskDefinitionArn;
    context.state.imageRef = release.imageRef;
    // The release is verified with the port and health route its own scan found.
    const scan = context.scanOfRelease(release);
    if (scan) context.recordScan(scan);
  }

  private async done(call: StepCall, context: StepContext<EcsRunState>, settings: ResolvedEcsSettings): Promise<void> {
    // A task ARN when ECS lists one, else the service's: either way the deployment records what serves it.
    const taskArn = (await firstRunningTask(call)) ?? (await describeService(call))?.serviceArn ?? null;
    context.updateDeployment({
      publicUrl: settings.publicUrl,
      imageRef: context.state.imageRef ?? null,
      taskArn,
      healthCheck: settings.healthCheck,
    });
    context.stdout(`Service ${settings.service} in cluster ${settings.cluster} runs ${context.state.taskDefinitionArn ?? ''}${settings.publicUrl ? ` at ${settings.publicUrl}` : ''}`);
  }
}
