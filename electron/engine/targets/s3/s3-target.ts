// The S3 target for the pipeline runner (docs/product-rules.md, "Static sites on S3"):
// auth → build → publish → verify → done, plus rollback (the previous release's files published again) and a
// stop that leaves the site published. A site is a `static` folder or a `static_build` app's output.
import type Dockerode from 'dockerode';
import { DEFAULT_KEEP_RELEASES, STEP_ORDER, type Deployment, type Release, type RunKind, type StepName } from '../../../../shared';
import type { AwsClients } from '../../aws/aws-clients';
import { classifyAwsStepError, credentialsHint, errorMessage } from '../../aws/aws-errors';
import { resolveS3Settings, siteBaseUrl, sitePublicUrl, type ResolvedS3Settings } from '../../aws/s3-settings';
import { withDockerTimeout } from '../../docker/call';
import { StepFailure } from '../../step-failure';
import type { ProjectRecord } from '../../store/projects';
import { planRetention } from '../docker/image-retention';
import { authenticate } from '../ecs/ecs-steps';
import { buildProjectImage } from '../project-build';
import { scanForRun } from '../scan-for-run';
import type { DeployTarget, StepContext, TargetStopLog } from '../target';
import { checkBucket, configureWebsite, publishSite, verifySite, type S3StepCall } from './s3-steps';
import { artifactRef, artifactRunId, SiteArtifacts, type SiteArtifact } from './site-artifact';

export interface S3TargetOptions {
  readonly docker: Dockerode;
  /** A project's AWS clients (its stored keys, profile or the default chain; the engine's endpoint). */
  readonly awsClients: (project: ProjectRecord) => AwsClients;
  /** The releases a deployment has (newest first) and the mark retention leaves on one whose artifact it removed. */
  readonly releases: { listForDeployment(deploymentId: string): Release[]; markImageRemoved(releaseId: string): void };
  /** `<dataDir>/artifacts/s3`. */
  readonly artifactsDir: string;
  /** BERTH_AWS_ENDPOINT: the site's URLs are path-style under it. */
  readonly endpoint: string | null;
  /** The engine's BERTH_BASE_IMAGE_* for zero-config builds. */
  readonly baseImageEnv?: Readonly<Record<string, string>>;
  /** Backoff of the visible network retry (tests shorten it). */
  readonly retryBaseDelayMs?: number;
}

/** What the S3 steps hand each other within a run. */
export interface S3RunState {
  /** The run whose artifact publish and verify use: this run's (build), or the release's a rollback restores. */
  artifactRunId?: string;
}

const MANUAL_ROLLBACK_STEPS: readonly StepName[] = ['auth', 'rollback', 'verify', 'done'];

/** The shapes a bucket can serve: files, with no process to run. */
const SITE_SHAPES = new Set(['static', 'static_build']);

/** The build's image tag; the image is removed once the site's files are out of it (its layers stay as cache). */
const buildTag = (project: ProjectRecord, runId: string): string => `berth-s3/${project.slug}:${runId}`;

export class S3Target implements DeployTarget<S3RunState> {
  readonly target = 's3' as const;
  readonly artifacts: SiteArtifacts;

  constructor(private readonly options: S3TargetOptions) {
    this.artifacts = new SiteArtifacts(options.artifactsDir);
  }

  initialState(): S3RunState {
    return {};
  }

  steps(kind: RunKind): readonly StepName[] {
    return kind === 'rollback' ? MANUAL_ROLLBACK_STEPS : STEP_ORDER.s3;
  }

  async runStep(step: StepName, context: StepContext<S3RunState>): Promise<void> {
    if (step === 'build') return this.build(context);
    const settings = resolveS3Settings(context.project);
    let clients: AwsClients;
    try {
      clients = this.options.awsClients(context.project);
    } catch (error) {
      context.stderr(`Error: ${errorMessage(error)}`);
      throw this.classifyError(error, step) ?? error;
    }
    const call: S3StepCall = { clients, settings, output: context, signal: context.signal, ...(this.options.retryBaseDelayMs !== undefined ? { retryBaseDelayMs: this.options.retryBaseDelayMs } : {}) };
    try {
      switch (step) {
        case 'auth':
          await authenticate(call, 's3');
          await checkBucket(call);
          return;
        case 'publish':
          await publishSite(call, await this.artifactOf(context, context.state.artifactRunId));
          await configureWebsite(call);
          return;
        case 'verify':
          await verifySite(call, await this.artifactOf(context, context.state.artifactRunId), this.websiteUrl(settings, clients));
          return;
        case 'rollback':
          return await this.rollback(call, context);
        case 'done':
          return await this.done(call, context);
        default:
          throw new StepFailure('DEPLOYMENT_FAILED_GENERIC', `The S3 target has no "${step}" step.`);
      }
    } catch (error) {
      throw this.classifyError(error, step) ?? error;
    } finally {
      clients.destroy();
    }
  }

  classifyError(error: unknown, step: StepName): StepFailure | undefined {
    return classifyAwsStepError(error, step, credentialsHint('s3'));
  }

  /** A run that did not complete made no release: its artifact goes (a release's never does here). */
  async cleanupRun(context: StepContext<S3RunState>): Promise<void> {
    await this.artifacts.remove(context.deploymentAtStart.id, context.run.id);
  }

  /** The deployment's site artifacts (every release's files) go with its project; the published site stays. */
  async forgetDeployment(deploymentId: string): Promise<void> {
    await this.artifacts.removeAll(deploymentId);
  }

  /** The site stays published (docs/product-rules.md, "Static sites on S3"): stop only marks the deployment stopped. */
  async stopDeployment(deployment: Deployment, project: ProjectRecord, log: TargetStopLog): Promise<void> {
    try {
      const settings = resolveS3Settings(project);
      const target = `s3://${settings.bucket}/${settings.prefix}`;
      log.system(
        `[STOP] the site stays published${deployment.publicUrl ? ` at ${deployment.publicUrl}` : ''} (${target}): Berth stops nothing on S3. To take it down, delete the objects: aws s3 rm --recursive ${target}`,
      );
    } catch (error) {
      log.system(`[STOP] the site stays published: ${error instanceof StepFailure ? error.likelyCause : errorMessage(error)}`);
    }
  }

  private websiteUrl(settings: ResolvedS3Settings, clients: AwsClients): string | null {
    return settings.website ? siteBaseUrl(settings, clients.region, this.options.endpoint) : null;
  }

  private async artifactOf(context: StepContext<S3RunState>, runId: string | undefined): Promise<SiteArtifact> {
    const artifact = runId ? await this.artifacts.read(context.deploymentAtStart.id, runId) : null;
    if (!artifact) {
      throw new StepFailure('DEPLOYMENT_FAILED_GENERIC', runId ? `The site files of run ${runId} are no longer in Berth's data dir (${this.artifacts.dir(context.deploymentAtStart.id, runId)}). Deploy again.` : 'Nothing was built to publish: the build step did not record the site files.');
    }
    return artifact;
  }

  /** The scan decides the shape; a `static` folder is copied, a `static_build` app is built and its output taken out of the image. */
  private async build(context: StepContext<S3RunState>): Promise<void> {
    const scan = await scanForRun(context);
    const { project, run, deploymentAtStart } = context;
    if (scan.shape === null || !SITE_SHAPES.has(scan.shape)) {
      const line = context.stderr(`error: an S3 site is static files, and this project is a ${scan.shape ?? 'folder of unknown shape'}${scan.startCommand ? ` with a start command (${scan.startCommand})` : ''}`);
      throw new StepFailure(
        'PROJECT_SHAPE_UNSUPPORTED',
        `S3 serves files, and ${project.sourceDir} is a ${scan.shape} project${scan.startCommand ? ` that runs \`${scan.startCommand}\`` : ''}. Deploy it to Docker or ECS instead, or make it a static site (an index.html, or a build that writes a folder and no start command).`,
        { evidenceLineNo: line },
      );
    }
    let artifact: SiteArtifact;
    if (scan.shape === 'static') {
      context.stdout(`copying the site's files from ${project.sourceDir} (the build context's ignore rules apply; nothing is written there)`);
      artifact = await this.artifacts.fromFolder(scan, deploymentAtStart.id, run.id);
    } else {
      const tag = buildTag(project, run.id);
      const built = await buildProjectImage({ docker: this.options.docker, context, tag, baseImageEnv: this.options.baseImageEnv ?? {} });
      context.stdout(`taking the build output (${scan.outputDir ?? 'the output folder'}) out of ${built.imageRef}`);
      try {
        artifact = await this.artifacts.fromImage(this.options.docker, built.imageId, deploymentAtStart.id, run.id);
      } finally {
        // The files are kept as the artifact; the image's layers stay as the next build's cache.
        await withDockerTimeout(this.options.docker.getImage(tag).remove({ noprune: true }), 'an image removal').catch((error: unknown) => context.system(`could not remove the build image ${tag}: ${errorMessage(error)}`));
      }
    }
    if (artifact.files.length === 0) {
      const line = context.stderr(`error: the site has no files (${scan.shape === 'static' ? project.sourceDir : scan.outputDir})`);
      throw new StepFailure('PROJECT_SHAPE_UNSUPPORTED', `The site has no files to publish: ${scan.shape === 'static' ? `${project.sourceDir} holds nothing the build context keeps` : `the build wrote nothing to ${scan.outputDir}`}.`, { evidenceLineNo: line });
    }
    context.stdout(`site: ${artifact.files.length} files, ${artifact.bytes} bytes, kept as ${artifactRef(run.id)} (${this.artifacts.dir(deploymentAtStart.id, run.id)})`);
    context.state.artifactRunId = run.id;
    context.state.imageRef = artifactRef(run.id);
  }

  /** Publishes the release's own files again; an automatic rollback (after a failed verify) verifies them here too. */
  private async rollback(call: S3StepCall, context: StepContext<S3RunState>): Promise<void> {
    const release = context.state.rollbackTo;
    const manual = context.run.kind === 'rollback';
    const runId = release ? artifactRunId(release.imageRef) : null;
    const artifact = runId ? await this.artifacts.read(context.deploymentAtStart.id, runId) : null;
    if (!release || !runId || !artifact) {
      throw new StepFailure(
        manual ? 'MANUAL_ROLLBACK_FAILED' : 'AUTOMATIC_ROLLBACK_FAILED',
        `Release ${release?.id ?? '(none)'} has no site files left to publish${release ? ` (${release.imageRef})` : ''}: retention removed them, or they were made before Berth kept them. Deploy the version you want instead.`,
      );
    }
    context.stdout(`publishing release ${release.id}'s files again (${artifact.files.length} files from ${release.imageRef})`);
    await publishSite(call, artifact);
    await configureWebsite(call);
    context.state.artifactRunId = runId;
    context.state.imageRef = release.imageRef;
    const scan = context.scanOfRelease(release);
    if (scan) context.recordScan(scan);
    if (!manual) await verifySite(call, artifact, this.websiteUrl(call.settings, call.clients));
  }

  private async done(call: S3StepCall, context: StepContext<S3RunState>): Promise<void> {
    const publicUrl = sitePublicUrl(call.settings, call.clients.region, this.options.endpoint);
    context.updateDeployment({ publicUrl, imageRef: context.state.imageRef ?? null });
    context.stdout(`Site published to s3://${call.settings.bucket}/${call.settings.prefix} at ${publicUrl}`);
    if (context.run.kind !== 'rollback') await this.pruneArtifacts(context);
  }

  /**
   * Keeps the artifacts of the last `keepReleases` releases (the new one counts) and of the release that was
   * serving when the run started; the others go, and their releases are marked (no rollback to them).
   * Leftovers of runs that made no release go too. Never fails the run.
   */
  private async pruneArtifacts(context: StepContext<S3RunState>): Promise<void> {
    const { project, deploymentAtStart, run } = context;
    const keep = project.settings.keepReleases ?? DEFAULT_KEEP_RELEASES;
    try {
      const releases = this.options.releases.listForDeployment(deploymentAtStart.id);
      const plan = planRetention(releases, keep, deploymentAtStart.currentReleaseId, 's3-artifact:');
      const removed: string[] = [];
      for (const release of plan.pruned) {
        const runId = artifactRunId(release.imageRef);
        if (runId) await this.artifacts.remove(deploymentAtStart.id, runId);
        this.options.releases.markImageRemoved(release.id);
        removed.push(release.imageRef);
      }
      const releaseRuns = new Set(releases.map((release) => release.runId));
      for (const runId of await this.artifacts.runsWithArtifacts(deploymentAtStart.id)) {
        if (runId === run.id || releaseRuns.has(runId)) continue;
        await this.artifacts.remove(deploymentAtStart.id, runId);
        removed.push(`${artifactRef(runId)} (no release)`);
      }
      if (removed.length > 0) context.system(`[RETENTION] removed ${removed.length} site artifact${removed.length === 1 ? '' : 's'} beyond the last ${keep} releases: ${removed.join(', ')}`);
    } catch (error) {
      context.system(`[RETENTION] could not remove older site artifacts (the deploy is not affected): ${errorMessage(error)}`);
    }
  }
}
