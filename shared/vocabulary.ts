// The words of the product (docs/product-rules.md), as values and types.
// Every list is a readonly tuple so zod enums and TypeScript unions come from one place.

export const TARGETS = ['docker', 'ecs', 's3'] as const;
export type Target = (typeof TARGETS)[number];

export const DEPLOYMENT_STATUSES = [
  'pending',
  'deploying',
  'running',
  'failed',
  'degraded',
  'unreachable',
  'paused',
  'stopped',
  'crashed',
] as const;
export type DeploymentStatus = (typeof DEPLOYMENT_STATUSES)[number];

/** The app is expected to be up in these: health probes, metric samples and deaths count. */
export const LIVE_DEPLOYMENT_STATUSES: readonly DeploymentStatus[] = ['running', 'unreachable', 'degraded'];

export const isLiveDeployment = (status: DeploymentStatus): boolean => LIVE_DEPLOYMENT_STATUSES.includes(status);

/** A Compose stack service's container, as Docker reports it; `missing` when the stack has no container for it. */
export const STACK_SERVICE_STATES = ['running', 'starting', 'restarting', 'exited', 'missing'] as const;
export type StackServiceState = (typeof STACK_SERVICE_STATES)[number];

export const HEALTH_STATUSES = ['healthy', 'degraded', 'unreachable', 'unknown'] as const;
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

export const RUN_KINDS = ['deploy', 'redeploy', 'rollback'] as const;
export type RunKind = (typeof RUN_KINDS)[number];

export const RUN_STATUSES = ['started', 'in_progress', 'completed', 'failed', 'paused', 'stopped'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Runs in these statuses still own their deployment: a second deploy is a conflict. */
export const ACTIVE_RUN_STATUSES: readonly RunStatus[] = ['started', 'in_progress', 'paused'];

/** A run in one of these is over: it will not change again. */
export const FINISHED_RUN_STATUSES: readonly RunStatus[] = ['completed', 'failed', 'stopped'];

export const isFinishedRun = (status: RunStatus): boolean => FINISHED_RUN_STATUSES.includes(status);

export const STEP_STATUSES = ['pending', 'running', 'success', 'failed', 'skipped'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

export const STEP_NAMES = [
  'detect',
  'auth',
  'build',
  'publish',
  'setup',
  'deploy',
  'rollout',
  'verify',
  'rollback',
  'done',
] as const;
export type StepName = (typeof STEP_NAMES)[number];

/** The order of steps for each target. `rollback` is added when needed. */
export const STEP_ORDER: Readonly<Record<Target, readonly StepName[]>> = {
  docker: ['detect', 'build', 'setup', 'deploy', 'verify', 'done'],
  ecs: ['auth', 'build', 'publish', 'setup', 'deploy', 'rollout', 'verify', 'done'],
  s3: ['auth', 'build', 'publish', 'verify', 'done'],
};

export const FAILURE_STAGES = [
  'clone',
  'detect',
  'auth',
  'build',
  'publish',
  'setup',
  'deploy',
  'rollout',
  'verify',
  'rollback',
  'unknown',
] as const;
export type FailureStage = (typeof FAILURE_STAGES)[number];

export const FAILURE_CATEGORIES = [
  'auth_failure',
  'build_failure',
  'startup_failure',
  'health_check_failure',
  'rollback_failure',
  'infrastructure_failure',
  'unknown_failure',
] as const;
export type FailureCategory = (typeof FAILURE_CATEGORIES)[number];

interface FailureCodeInfo {
  readonly summary: string;
  readonly retryable: boolean;
  readonly category: FailureCategory;
}

/** The product's failure codes, then Berth's own in the same style (docs/product-rules.md, "Failures"). */
export const FAILURE_CODE_INFO = {
  AUTHENTICATION_FAILED: { summary: 'GitHub, cloud, or registry auth failed', retryable: false, category: 'auth_failure' },
  CODEBUILD_DOCKER_IMAGE_BUILD_FAILED: { summary: 'CodeBuild image build failed', retryable: false, category: 'build_failure' },
  DEPLOYMENT_VERIFICATION_FAILED: { summary: 'Post-deploy health check failed', retryable: false, category: 'health_check_failure' },
  AUTOMATIC_ROLLBACK_FAILED: { summary: 'Verify failed and auto-rollback failed', retryable: false, category: 'rollback_failure' },
  AUTOMATIC_ROLLBACK_NO_CANDIDATE: { summary: 'No prior release to restore', retryable: false, category: 'rollback_failure' },
  MANUAL_ROLLBACK_FAILED: { summary: 'User rollback failed', retryable: false, category: 'rollback_failure' },
  INFRASTRUCTURE_NETWORK_FAILURE: { summary: 'Transient network issue', retryable: true, category: 'infrastructure_failure' },
  DEPLOYMENT_FAILED_GENERIC: { summary: 'Unclassified — check step logs', retryable: false, category: 'unknown_failure' },
  DOCKER_IMAGE_BUILD_FAILED: { summary: 'Docker image build failed', retryable: false, category: 'build_failure' },
  DOCKER_ENGINE_UNREACHABLE: { summary: 'The Docker engine could not be reached', retryable: true, category: 'infrastructure_failure' },
  PORT_ALLOCATION_FAILED: { summary: 'The host port could not be allocated', retryable: false, category: 'infrastructure_failure' },
  CONTAINER_START_FAILED: { summary: 'The container exited during start-up', retryable: false, category: 'startup_failure' },
  PROJECT_SHAPE_UNSUPPORTED: { summary: 'Berth could not tell how to build this project', retryable: false, category: 'build_failure' },
  COMPOSE_FILE_INVALID: { summary: 'The compose file is invalid or names something missing', retryable: false, category: 'build_failure' },
  COMPOSE_UNAVAILABLE: { summary: 'Neither docker compose nor docker-compose works here', retryable: false, category: 'infrastructure_failure' },
  RUN_INTERRUPTED: { summary: 'The engine stopped while the run was in progress', retryable: true, category: 'infrastructure_failure' },
  S3_PUBLISH_FAILED: { summary: 'Publishing the site to S3 failed', retryable: false, category: 'infrastructure_failure' },
} as const satisfies Record<string, FailureCodeInfo>;
export type FailureCode = keyof typeof FAILURE_CODE_INFO;
export const FAILURE_CODES = Object.keys(FAILURE_CODE_INFO) as [FailureCode, ...FailureCode[]];

export const DEPLOY_SHAPES = [
  'static',
  'static_build',
  'server',
  'multi',
  'existing_docker',
  'prebuilt_image',
] as const;
export type DeployShape = (typeof DEPLOY_SHAPES)[number];

/**
 * What a health check counts as an answer: `status_2xx_3xx` (a health route: Kubernetes' and `curl -f`'s
 * rule), or `any_below_500` (no health route is known: the app answers HTTP at all, a 404 included).
 */
export const HEALTH_CHECK_RULES = ['status_2xx_3xx', 'any_below_500'] as const;
export type HealthCheckRule = (typeof HEALTH_CHECK_RULES)[number];

export const LOG_STREAMS = ['stdout', 'stderr', 'system'] as const;
export type LogStream = (typeof LOG_STREAMS)[number];

export const LOG_SOURCES = ['deploy', 'runtime'] as const;
export type LogSource = (typeof LOG_SOURCES)[number];

/**
 * A log line's level, detected when the line is stored (electron/engine/logs/log-level.ts; the rules are in
 * docs/product-rules.md "Log levels"). Ordered by severity, then `unknown`: a line with no level token, stderr
 * included (stderr is where many apps write everything, so it says nothing about severity).
 * Stored in `log_lines.level` as the index in this list: append only, never reorder.
 */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'unknown'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const RESTART_POLICIES = ['no', 'always', 'unless-stopped', 'on-failure'] as const;
export type RestartPolicy = (typeof RESTART_POLICIES)[number];

export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
