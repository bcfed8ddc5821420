// zod schemas for everything that crosses a process boundary. Types are inferred from them.
import { z } from 'zod';
import { scanOverridesSchema, scanRecordSchema } from './scan';
import {
  DEPLOYMENT_STATUSES,
  DEPLOY_SHAPES,
  FAILURE_CATEGORIES,
  FAILURE_CODES,
  FAILURE_STAGES,
  HEALTH_CHECK_RULES,
  HEALTH_STATUSES,
  LOG_LEVELS,
  LOG_SOURCES,
  LOG_STREAMS,
  RESTART_POLICIES,
  RUN_KINDS,
  RUN_STATUSES,
  STACK_SERVICE_STATES,
  STEP_NAMES,
  STEP_STATUSES,
  TARGETS,
  type LogLevel,
  type LogStream,
} from './vocabulary';

export const idSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, "-" or "_"');

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const envVarSchema = z.object({
  name: z.string().regex(ENV_NAME, 'must be a valid environment variable name'),
  value: z.string().max(32_768),
  secret: z.boolean().default(false),
});
export type EnvVar = z.infer<typeof envVarSchema>;

/**
 * Request inputs refuse keys they do not know, at every level: a misspelt setting (`hostport`) is an error
 * that names it, never a change silently dropped. The OpenAPI document says so (`additionalProperties: false`).
 * Stored values are parsed with the lenient schemas, so a setting a later version drops cannot break a read.
 */
const envVarInputSchema = envVarSchema.strict();

/** What the API returns for an env var: secret values are never echoed. */
export const envVarViewSchema = z.object({
  name: z.string(),
  value: z.string().nullable(),
  secret: z.boolean(),
});
export type EnvVarView = z.infer<typeof envVarViewSchema>;

const AWS_SECRET_REFUSED =
  'Berth does not store AWS keys. Set settings.ecs.profile to a profile made with `aws configure --profile <name>` (or SSO), or start Berth with AWS_PROFILE / AWS_ACCESS_KEY_ID set.';

export const ecsSettingsSchema = z.object({
  region: z.string().min(1).max(64).optional(),
  profile: z.string().min(1).max(128).optional(),
  cluster: z.string().min(1).max(255).optional(),
  service: z.string().min(1).max(255).optional(),
  repository: z.string().min(1).max(255).optional(),
  registryHost: z.string().min(1).max(255).optional(),
  publicUrl: z.url().optional(),
  cpu: z.number().int().min(128).max(16_384).optional(),
  memoryMb: z.number().int().min(128).max(122_880).optional(),
  createService: z.boolean().optional(),
  executionRoleArn: z.string().max(2048).optional(),
  /** CloudWatch Logs group for the awslogs driver; default `/berth/<slug>`. */
  logGroup: z.string().min(1).max(512).optional(),
  /** How long the rollout step waits for the primary deployment; default 10 minutes. */
  rolloutTimeoutMs: z.number().int().min(1000).max(3_600_000).optional(),
  /** Stop also deletes the service (after scaling it to 0). */
  deleteServiceOnStop: z.boolean().optional(),
});
export type EcsSettings = z.infer<typeof ecsSettingsSchema>;

// AWS keys are refused by name, with a message that says what to use instead: settings store profile names
// only. `never` puts them in the OpenAPI document as keys no value satisfies (`not: {}`).
const refusedAwsKey = z.never({ error: AWS_SECRET_REFUSED }).optional();
const ecsSettingsInputSchema = ecsSettingsSchema.extend({ accessKeyId: refusedAwsKey, secretAccessKey: refusedAwsKey, sessionToken: refusedAwsKey }).strict();

/**
 * A Compose stack's settings (docs/product-rules.md, "Compose stacks"). Unknown keys are refused on input.
 */
export const composeSettingsSchema = z.object({
  /** The service verify and health probes go to; absent: the one that publishes a port (or the project's port). */
  publicService: z.string().min(1).max(128).optional(),
  /** Keep the compose file's host addresses; by default every published port binds 127.0.0.1 only. */
  publishAllInterfaces: z.boolean().optional(),
  /** Stop (`down`) also removes the stack's named volumes; by default they are kept. */
  removeVolumesOnStop: z.boolean().optional(),
});
export type ComposeSettings = z.infer<typeof composeSettingsSchema>;

/**
 * S3 bucket names (docs/product-rules.md, "Static sites on S3"): 3–63 lower-case letters, digits, dots and
 * hyphens, in dot-separated labels that begin and end with a letter or digit. A pattern, so the OpenAPI
 * document carries the rule.
 */
export const S3_BUCKET_PATTERN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/;
/** A key prefix: folder names joined by "/", none empty, none "." or "..", no leading "/"; a trailing "/" is optional. */
export const S3_PREFIX_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(?:\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*\/?$/;

const s3WebsiteSchema = z.object({
  /** The suffix S3 serves for a folder (`index.html`): a file name, no "/". */
  indexDocument: z.string().min(1).max(255).regex(/^[^/]+$/, 'must be a file name such as index.html (no "/")'),
  /** The key served for a missing page, under the prefix (`404.html`). */
  errorDocument: z.string().min(1).max(1024).regex(/^[^/]/, 'must be a key under the prefix such as 404.html (no leading "/")').optional(),
});

export const s3SettingsSchema = z.object({
  bucket: z
    .string()
    .min(3, 'must be an S3 bucket name: 3 to 63 characters')
    .max(63, 'must be an S3 bucket name: 3 to 63 characters')
    .regex(S3_BUCKET_PATTERN, 'must be an S3 bucket name: lower-case letters, digits, "-" and "." only, starting and ending with a letter or digit, no ".." (e.g. my-site-bucket)'),
  /** Where the site goes in the bucket (`site/` or `site`); absent: the bucket's root. */
  prefix: z
    .string()
    .min(1)
    .max(512)
    .regex(S3_PREFIX_PATTERN, 'must be folder names joined by "/" (letters, digits, ".", "_", "-"), without a leading "/", empty parts, "." or ".." (e.g. sites/blog/)')
    .optional(),
  region: z.string().min(1).max(64).optional(),
  profile: z.string().min(1).max(128).optional(),
  /** Turn on static website hosting for the bucket (PutBucketWebsite) with these documents. */
  website: s3WebsiteSchema.optional(),
  /** Create the bucket in auth when it does not exist; absent or false: a missing bucket fails the run. */
  createBucket: z.boolean().optional(),
  /** The address the site is reached at (a CDN, a custom domain); absent: the S3 website or object URL. */
  publicUrl: z.url().optional(),
});
export type S3Settings = z.infer<typeof s3SettingsSchema>;

const AWS_SECRET_REFUSED_S3 = AWS_SECRET_REFUSED.replace('settings.ecs.profile', 'settings.s3.profile');
const refusedS3AwsKey = z.never({ error: AWS_SECRET_REFUSED_S3 }).optional();
const s3SettingsInputSchema = s3SettingsSchema
  .extend({ website: s3WebsiteSchema.strict().optional(), accessKeyId: refusedS3AwsKey, secretAccessKey: refusedS3AwsKey, sessionToken: refusedS3AwsKey })
  .strict();

/** The scan's overrides a project stores (the image setting has its own key, `image`). */
const buildSettingsSchema = scanOverridesSchema.omit({ image: true });
export type BuildSettings = z.infer<typeof buildSettingsSchema>;

const portSchema = z.number().int().min(1).max(65_535);
const healthPathSchema = z.string().startsWith('/', 'must start with "/"').max(2048);

/** Each setting's own rule, without defaults: the base of the full schema and of patches. */
const settingFields = {
  /** The port the app listens on in its container; absent: the scan's (8080 when nothing says). See shared/effective-settings.ts. */
  port: portSchema.optional(),
  hostPort: portSchema.optional(),
  /** The health route (2xx–3xx counts); absent: the scan's, else what the shape implies. See shared/effective-settings.ts. */
  healthPath: healthPathSchema.optional(),
  /** How the health path's answer is judged: 2xx–3xx (the default), or any answer below 500 ("the app answers HTTP"). */
  healthRule: z.enum(HEALTH_CHECK_RULES).optional(),
  env: z.array(envVarSchema).max(500),
  memoryLimitMb: z.number().int().min(6).max(1_048_576),
  restartPolicy: z.enum(RESTART_POLICIES),
  keepCrashedContainers: z.boolean(),
  image: z.string().min(1).max(512).optional(),
  verifyTimeoutMs: z.number().int().min(1000).max(3_600_000),
  muteNotifications: z.boolean(),
  /**
   * Image retention (docs/product-rules.md, "Retention"): the images of the last `keepReleases` Docker
   * releases are kept, the project's older Berth-built images are removed after each successful run.
   * Absent: DEFAULT_KEEP_RELEASES.
   */
  keepReleases: z.number().int().min(1).max(100).optional(),
  ecs: ecsSettingsSchema.optional(),
  /** The S3 target's block (docs/product-rules.md, "Static sites on S3"). */
  s3: s3SettingsSchema.optional(),
  /** Zero-config builds: what the user sets wins over what the scan detects (each says so in its evidence). */
  build: buildSettingsSchema.optional(),
  compose: composeSettingsSchema.optional(),
};

/** The same rules for request inputs, whose objects refuse unknown keys. */
const settingInputFields = {
  ...settingFields,
  env: z.array(envVarInputSchema).max(500),
  ecs: ecsSettingsInputSchema.optional(),
  s3: s3SettingsInputSchema.optional(),
  build: buildSettingsSchema.strict().optional(),
  compose: composeSettingsSchema.strict().optional(),
};

export const projectSettingsSchema = z.object({
  ...settingFields,
  env: settingFields.env.default([]),
  memoryLimitMb: settingFields.memoryLimitMb.default(1536),
  restartPolicy: settingFields.restartPolicy.default('unless-stopped'),
  keepCrashedContainers: settingFields.keepCrashedContainers.default(false),
  verifyTimeoutMs: settingFields.verifyTimeoutMs.default(60_000),
  muteNotifications: settingFields.muteNotifications.default(false),
});
export type ProjectSettings = z.infer<typeof projectSettingsSchema>;
export type ProjectSettingsInput = z.input<typeof projectSettingsSchema>;

export const projectSettingsViewSchema = projectSettingsSchema.extend({ env: z.array(envVarViewSchema) });
export type ProjectSettingsView = z.infer<typeof projectSettingsViewSchema>;

/** The settings of a new project: defaults as stored, unknown keys refused. */
const projectSettingsInputSchema = projectSettingsSchema.extend({ env: settingInputFields.env.default([]), ecs: settingInputFields.ecs, s3: settingInputFields.s3, build: settingInputFields.build, compose: settingInputFields.compose }).strict();

/**
 * The whitespace String.prototype.trim removes, spelt out: `\s` differs between regex engines (JavaScript's
 * includes U+FEFF, Python's does not), and the OpenAPI document's pattern must mean here what it means to a client.
 */
const NOT_BLANK = /[^\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;

// Checked before trimming, so the document's length limit and pattern hold for what the client sends.
const nameSchema = z.string().max(100).regex(NOT_BLANK, 'must not be empty').trim();

export const projectCreateSchema = z
  .object({
    name: nameSchema,
    // A pattern rather than a refinement, so the OpenAPI document carries the rule too.
    sourceDir: z
      .string()
      .max(4096)
      // One pattern (the document carries one per field). No file system takes a NUL byte in a path.
      // eslint-disable-next-line no-control-regex -- the NUL byte is what the pattern refuses
      .regex(/^(?:\/|[A-Za-z]:[\\/])[^\u0000]*$/, 'must be an absolute path'),
    target: z.enum(TARGETS).default('docker'),
    settings: projectSettingsInputSchema.default(projectSettingsSchema.parse({})),
  })
  .strict();
export type ProjectCreate = z.input<typeof projectCreateSchema>;

export const projectPatchSchema = z
  .object({
    name: nameSchema.optional(),
    sourceDir: projectCreateSchema.shape.sourceDir.optional(),
    target: z.enum(TARGETS).optional(),
    /** Only the settings named change; the others keep their stored values. */
    settings: z
      .object({
        ...settingInputFields,
        // Optional settings can be cleared with null (back to the scan's port and health route, an allocated
        // host port, a Dockerfile build, no ECS block).
        port: settingInputFields.port.nullable(),
        healthPath: settingInputFields.healthPath.nullable(),
        healthRule: settingInputFields.healthRule.nullable(),
        hostPort: settingInputFields.hostPort.nullable(),
        keepReleases: settingInputFields.keepReleases.nullable(),
        image: settingInputFields.image.nullable(),
        ecs: settingInputFields.ecs.nullable(),
        s3: settingInputFields.s3.nullable(),
        build: settingInputFields.build.nullable(),
        compose: settingInputFields.compose.nullable(),
      })
      .partial()
      .strict()
      .optional(),
  })
  .strict();
export type ProjectPatch = z.input<typeof projectPatchSchema>;

/**
 * AWS keys for one project (issue 6). The desktop app seals them with the OS keychain (Electron
 * safeStorage); headless Berth refuses them. They are never echoed: reads show only the hint.
 */
export const awsCredentialsInputSchema = z
  .object({
    accessKeyId: z.string().regex(/^[A-Z0-9]{16,128}$/, 'must be an AWS access key id: 16 to 128 capital letters and digits (AKIA…)'),
    // AWS secrets are 40 characters. A floor also keeps the logger's redaction (every stored secret is masked in
    // every log line) from masking common short strings.
    secretAccessKey: z.string().min(16, 'must be an AWS secret access key: at least 16 characters').max(256, 'must be at most 256 characters'),
    sessionToken: z.string().min(1, 'must not be empty when given').max(4096, 'must be at most 4096 characters').optional(),
  })
  .strict();
export type AwsCredentialsInput = z.infer<typeof awsCredentialsInputSchema>;

/** What a read shows of stored keys: enough to recognise them, never enough to use them. */
export const awsCredentialsViewSchema = z.object({ accessKeyIdHint: z.string() });
export type AwsCredentialsView = z.infer<typeof awsCredentialsViewSchema>;

/** `AKIA…WXYZ`: the first and last four characters of an access key id. */
export function accessKeyIdHint(accessKeyId: string): string {
  return `${accessKeyId.slice(0, 4)}…${accessKeyId.slice(-4)}`;
}

export const projectSchema = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  sourceDir: z.string(),
  target: z.enum(TARGETS),
  settings: projectSettingsViewSchema,
  /**
   * AWS keys stored for this project (null: none; ECS uses the profile or the default chain). The
   * engine always sets it; it is optional only so that Project values built elsewhere need not.
   */
  awsCredentials: awsCredentialsViewSchema.nullable().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Project = z.infer<typeof projectSchema>;

/** What monitoring checks on a live deployment: GET `path`, counted by `rule`. */
export const healthCheckSchema = z.object({
  path: z.string(),
  rule: z.enum(HEALTH_CHECK_RULES),
});
export type HealthCheck = z.infer<typeof healthCheckSchema>;

/**
 * One service of a Compose stack (docs/product-rules.md, "Compose stacks"): what the project window, `berth ls`
 * and `berth status` show, kept current by the deploy steps and the stack's monitor.
 */
export const stackServiceSchema = z.object({
  name: z.string(),
  /** The service that publishes the project's port (or the one the settings name): verify and health probes go to it. */
  public: z.boolean(),
  state: z.enum(STACK_SERVICE_STATES),
  /** The compose file's healthcheck verdict; null when the service has no healthcheck. */
  health: z.enum(['healthy', 'unhealthy', 'starting']).nullable(),
  containerId: z.string().nullable(),
  /** The image the service runs (a tag Berth built, or the compose file's image). */
  image: z.string().nullable(),
  imageId: z.string().nullable(),
  /** 127.0.0.1:<hostPort> → containerPort, for the first published port; null when the service publishes none. */
  hostPort: z.number().int().nullable(),
  containerPort: z.number().int().nullable(),
  /** Times Docker restarted the service's container (its restart policy) since the stack went live. */
  restarts: z.number().int(),
  exitCode: z.number().int().nullable(),
});
export type StackService = z.infer<typeof stackServiceSchema>;

/** A built service's image in a stack's release: what a rollback puts back, and what History compares. */
export const releaseServiceSchema = z.object({ name: z.string(), imageRef: z.string(), imageId: z.string().nullable() });
export type ReleaseService = z.infer<typeof releaseServiceSchema>;

export const deploymentSchema = z.object({
  id: z.string(),
  projectId: z.string(),
  projectName: z.string(),
  slug: z.string(),
  target: z.enum(TARGETS),
  status: z.enum(DEPLOYMENT_STATUSES),
  health: z.enum(HEALTH_STATUSES),
  containerId: z.string().nullable(),
  taskArn: z.string().nullable(),
  hostPort: z.number().int().nullable(),
  publicUrl: z.string().nullable(),
  imageRef: z.string().nullable(),
  currentReleaseId: z.string().nullable(),
  lastExitCode: z.number().int().nullable(),
  /** Set when a release goes live (from the project's settings and that release's scan); null before. Verify and the monitors probe it. */
  healthCheck: healthCheckSchema.nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  updatedAt: z.string(),
  lastLineNo: z.number().int(),
  /** A Compose stack's services, public first then by name; absent for a single-container or ECS deployment. */
  services: z.array(stackServiceSchema).optional(),
});
export type Deployment = z.infer<typeof deploymentSchema>;

export const failureSchema = z.object({
  stage: z.enum(FAILURE_STAGES),
  category: z.enum(FAILURE_CATEGORIES),
  code: z.enum(FAILURE_CODES),
  retryable: z.boolean(),
  summary: z.string(),
  likelyCause: z.string(),
  evidence: z.object({
    lineNo: z.number().int().nullable(),
    line: z.string().nullable(),
    context: z.array(z.string()),
  }),
});
export type Failure = z.infer<typeof failureSchema>;

export const stepSchema = z.object({
  runId: z.string(),
  name: z.enum(STEP_NAMES),
  position: z.number().int(),
  status: z.enum(STEP_STATUSES),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  durationMs: z.number().int().nullable(),
  firstLineNo: z.number().int().nullable(),
  lastLineNo: z.number().int().nullable(),
});
export type Step = z.infer<typeof stepSchema>;

export const runSchema = z.object({
  id: z.string(),
  projectId: z.string(),
  deploymentId: z.string(),
  kind: z.enum(RUN_KINDS),
  status: z.enum(RUN_STATUSES),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  durationMs: z.number().int().nullable(),
  imageRef: z.string().nullable(),
  releaseId: z.string().nullable(),
  rollbackOfReleaseId: z.string().nullable(),
  failure: failureSchema.nullable(),
  /** What the run's scan found (detect on Docker, build on ECS; a rollback carries its release's); null until then, and for runs made before scans. */
  scan: scanRecordSchema.nullable(),
});
export type Run = z.infer<typeof runSchema>;

export const runDetailSchema = runSchema.extend({ steps: z.array(stepSchema) });
export type RunDetail = z.infer<typeof runDetailSchema>;

export const releaseSchema = z.object({
  id: z.string(),
  deploymentId: z.string(),
  runId: z.string(),
  imageRef: z.string(),
  imageId: z.string().nullable(),
  taskDefinitionArn: z.string().nullable(),
  createdAt: z.string(),
  current: z.boolean(),
  /** Present (true) once image retention removed the release's image: it can no longer be rolled back to. */
  imageRemoved: z.boolean().optional(),
  /** A Compose stack's release: each built service's image (imageRef/imageId above are the public service's). */
  services: z.array(releaseServiceSchema).optional(),
});
export type Release = z.infer<typeof releaseSchema>;

/** How many Docker releases keep their image when the project does not set `keepReleases`. */
export const DEFAULT_KEEP_RELEASES = 5;

export const logLineSchema = z.object({
  deploymentId: z.string(),
  lineNo: z.number().int(),
  ts: z.string(),
  stream: z.enum(LOG_STREAMS),
  source: z.enum(LOG_SOURCES),
  runId: z.string().nullable(),
  step: z.enum(STEP_NAMES).nullable(),
  text: z.string(),
  cut: z.boolean(),
  /** Detected when the line was stored (docs/product-rules.md "Log levels"); `unknown` when the line names none. */
  level: z.enum(LOG_LEVELS),
  /** The Compose stack service the line came from (docs/product-rules.md "Compose stacks"); absent when it has none. */
  service: z.string().optional(),
});
export type LogLine = z.infer<typeof logLineSchema>;

export const metricSampleSchema = z.object({
  deploymentId: z.string(),
  sampledAt: z.string(),
  cpuPct: z.number(),
  memUsedMb: z.number(),
  memLimitMb: z.number(),
  /** A stack service's own sample; absent for the deployment's total (for a stack, the sum of its services). */
  service: z.string().optional(),
});
export type MetricSample = z.infer<typeof metricSampleSchema>;

export const healthProbeSchema = z.object({
  deploymentId: z.string(),
  probedAt: z.string(),
  ok: z.boolean(),
  statusCode: z.number().int().nullable(),
  latencyMs: z.number().nullable(),
  error: z.string().nullable(),
});
export type HealthProbe = z.infer<typeof healthProbeSchema>;

export const engineStatusSchema = z.object({
  version: z.string(),
  docker: z.object({ reachable: z.boolean(), version: z.string().nullable(), error: z.string().nullable() }),
  aws: z.object({ configured: z.boolean(), endpoint: z.string().nullable(), region: z.string().nullable() }),
  /** The data dir's disk filled up: log lines wait in memory (up to a cap) until space returns. */
  disk: z.object({ full: z.boolean(), since: z.string().nullable(), heldLines: z.number().int(), droppedLines: z.number().int() }),
  degraded: z.boolean(),
});
export type EngineStatus = z.infer<typeof engineStatusSchema>;

/** A true/false query-string flag: `true`/`1` or `false`/`0`; absent is false. */
const queryFlag = z
  .enum(['true', 'false', '1', '0'])
  .optional()
  .transform((v) => v === 'true' || v === '1');

/** The stop's options (docs/product-rules.md, "Compose stacks"). */
export const stopQuerySchema = z.object({
  removeVolumes: queryFlag.describe("A Compose stack: also remove its named volumes (down --volumes); without it, the project's settings.compose.removeVolumesOnStop decides"),
});

/** A comma list of streams, `stderr` or `stdout,system`. */
export const STREAM_LIST_PATTERN = `^(?:${LOG_STREAMS.join('|')})(?:,(?:${LOG_STREAMS.join('|')}))*$`;

/** A comma list of levels, `error` or `warn,error,fatal`. */
export const LEVEL_LIST_PATTERN = `^(?:${LOG_LEVELS.join('|')})(?:,(?:${LOG_LEVELS.join('|')}))*$`;

/** A comma list of Compose stack service names, `worker` or `web,worker` (a name holds no comma; 32 at most). */
export const SERVICE_LIST_PATTERN = '^[^,]{1,128}(?:,[^,]{1,128}){0,31}$';

/**
 * `service=<name>`, repeatable or a comma list (docs/product-rules.md "Compose stacks: services in logs and
 * metrics"): only those services' lines or samples. Read as the list of names, each once.
 */
export const serviceListQuery = z
  .union([z.string().regex(new RegExp(SERVICE_LIST_PATTERN)), z.array(z.string().regex(new RegExp(SERVICE_LIST_PATTERN))).min(1).max(32)])
  .optional()
  .transform((value) => (value === undefined ? undefined : [...new Set((Array.isArray(value) ? value : [value]).flatMap((list) => list.split(',')))]))
  .describe("Only these Compose stack services' lines: repeat it (service=web&service=worker) or give a comma list (web,worker); every line when absent.");

/** Filter mode's inputs (docs/product-rules.md, "Filter mode"); the page and the count share them. */
const filterFields = {
  regex: queryFlag.describe('The whole filter is one RE2 pattern (no field terms).'),
  caseSensitive: queryFlag.describe('Match text terms (or the pattern) with case; field values are compared without case either way.'),
  exclude: queryFlag.describe('Keep the lines that do not match instead.'),
  stream: z
    .string()
    .regex(new RegExp(STREAM_LIST_PATTERN))
    .optional()
    .transform((list) => (list === undefined ? undefined : (list.split(',') as LogStream[])))
    .describe('Only these streams, a comma list (stdout,stderr,system); all when absent.'),
  level: z
    .string()
    .regex(new RegExp(LEVEL_LIST_PATTERN))
    .optional()
    .transform((list) => (list === undefined ? undefined : (list.split(',') as LogLevel[])))
    .describe('Only lines of these levels, a comma list (error,fatal); all when absent. Context lines too.'),
  service: serviceListQuery,
};

const FILTER_TEXT = z
  .string()
  .min(1)
  .max(1000)
  .describe(
    'Filter mode: terms every kept line satisfies. Text terms (quoted when they hold spaces) must occur in the line; field terms (level:error, status>=500, user.id=42, msg~"timeout") match JSON lines. With regex=true, one RE2 pattern.',
  );

export const logsQuerySchema = z.object({
  since: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(5000).default(500).describe('At most this many lines; in filter mode, this many kept lines (fewer when their context would pass 5000 lines).'),
  filter: FILTER_TEXT.optional(),
  ...filterFields,
  context: z.coerce.number().int().min(0).max(50).default(0).describe('Filter mode: lines shown before and after each kept line.'),
  before: z.coerce.number().int().min(1).optional().describe('Filter mode: page backward, the last `limit` kept lines with lineNo < before (since is then ignored).'),
});

export const logsCountQuerySchema = z.object({
  filter: FILTER_TEXT,
  ...filterFields,
  since: z.coerce.number().int().min(0).default(0).describe('Count kept lines with lineNo > since: a truncated count continues from its scannedTo.'),
});

export const timeRangeQuerySchema = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  points: z.coerce.number().int().min(2).max(10_000).optional(),
});

/** The metrics' range, and for a stack which services' series to add (all of them when absent). */
export const metricsQuerySchema = timeRangeQuerySchema.extend({
  service: serviceListQuery.describe("A Compose stack: only these services' series in `services` (repeat it or give a comma list); all of them when absent."),
});

export const searchQuerySchema = z.object({
  q: z.string().min(1).max(1000),
  regex: queryFlag,
  caseSensitive: queryFlag,
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  service: serviceListQuery,
});

export const searchHitSchema = z.object({
  lineNo: z.number().int(),
  ts: z.string(),
  stream: z.enum(LOG_STREAMS),
  step: z.enum(STEP_NAMES).nullable(),
  runId: z.string().nullable(),
  text: z.string(),
  /** The first line of the multi-line event (a stack trace) the hit is part of, when that is another line. */
  event: z.object({ lineNo: z.number().int(), text: z.string() }).nullable(),
  level: z.enum(LOG_LEVELS),
  /** The Compose stack service the line came from; absent when it has none. */
  service: z.string().optional(),
});
export type SearchHit = z.infer<typeof searchHitSchema>;

export const deployShapeSchema = z.enum(DEPLOY_SHAPES);
