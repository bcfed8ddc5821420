// A project's ECS block with Berth's defaults filled in, and the names Berth derives from the slug.
import { effectiveHealthCheck, effectivePort, type EnvVar, type HealthCheck, type ScanRecord } from '../../../shared';
import type { ProjectRecord } from '../store/projects';
import { StepFailure } from '../step-failure';

export interface ResolvedEcsSettings {
  readonly cluster: string;
  readonly service: string;
  /** Task definition family and container name. */
  readonly family: string;
  readonly containerName: string;
  readonly repository: string;
  /** Overrides the ECR proxy endpoint (tests push to a local registry). */
  readonly registryHost: string | null;
  readonly publicUrl: string | null;
  /** What verify and the monitor probe under the public URL. */
  readonly healthCheck: HealthCheck;
  /** The container port: the settings', else the scan's. */
  readonly port: number;
  readonly cpu: number;
  readonly memoryMb: number;
  readonly env: readonly EnvVar[];
  readonly createService: boolean;
  readonly executionRoleArn: string | null;
  readonly logGroup: string;
  readonly rolloutTimeoutMs: number;
  readonly verifyTimeoutMs: number;
  readonly deleteServiceOnStop: boolean;
}

export const DEFAULT_ROLLOUT_TIMEOUT_MS = 10 * 60_000;

/** `scan`: what the run's scan found (null before it has run, or for a release made before scans). */
export function resolveEcsSettings(project: ProjectRecord, scan: ScanRecord | null = null): ResolvedEcsSettings {
  const ecs = project.settings.ecs ?? {};
  const name = `berth-${project.slug}`;
  return {
    cluster: ecs.cluster ?? 'default',
    service: ecs.service ?? name,
    family: name,
    containerName: project.slug,
    repository: ecs.repository ?? name,
    registryHost: ecs.registryHost ?? null,
    publicUrl: ecs.publicUrl ?? null,
    healthCheck: effectiveHealthCheck(project.settings, scan).value,
    port: effectivePort(project.settings, scan).value,
    cpu: ecs.cpu ?? 256,
    memoryMb: ecs.memoryMb ?? 512,
    env: project.settings.env,
    createService: ecs.createService ?? false,
    executionRoleArn: ecs.executionRoleArn ?? null,
    logGroup: ecs.logGroup ?? `/berth/${project.slug}`,
    rolloutTimeoutMs: ecs.rolloutTimeoutMs ?? DEFAULT_ROLLOUT_TIMEOUT_MS,
    verifyTimeoutMs: project.settings.verifyTimeoutMs,
    deleteServiceOnStop: ecs.deleteServiceOnStop ?? false,
  };
}

/** The URL verify and the health poller probe: the public URL joined with the health path. */
export function probeUrl(settings: Pick<ResolvedEcsSettings, 'publicUrl'>, healthPath: string): string {
  if (!settings.publicUrl) {
    throw new StepFailure(
      'DEPLOYMENT_VERIFICATION_FAILED',
      'The project has no public URL to probe. Set settings.ecs.publicUrl to the address of the service (load balancer or task IP).',
    );
  }
  // The health path goes under the public URL's own path (a load balancer may route /app/* to the service).
  const base = new URL(settings.publicUrl);
  base.pathname = `${base.pathname.replace(/\/+$/, '')}${healthPath}`;
  return base.toString();
}

/** `awslogs` stream names are `<prefix>/<container>/<task id>`. */
export const LOG_STREAM_PREFIX = 'berth';
