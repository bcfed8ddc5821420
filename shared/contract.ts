// The one contract (docs/architecture.md, "The contract and its transports"). Every request has a name, an HTTP route, a zod input schema and a
// zod output schema. Electron IPC, the HTTP API and the renderer's client are all derived from it.
import { z } from 'zod';
import {
  awsCredentialsInputSchema,
  deploymentSchema,
  engineStatusSchema,
  healthProbeSchema,
  idSchema,
  logLineSchema,
  logsCountQuerySchema,
  logsQuerySchema,
  metricSampleSchema,
  projectCreateSchema,
  projectPatchSchema,
  projectSchema,
  releaseSchema,
  runDetailSchema,
  searchHitSchema,
  searchQuerySchema,
  stopQuerySchema,
  timeRangeQuerySchema,
  metricsQuerySchema,
  serviceListQuery,
} from './schemas';
import { scanRecordSchema } from './scan';
import { LOG_LEVELS } from './vocabulary';
import { generatedDockerfileSchema } from './generated-dockerfile';
import { ALERT_KINDS, channelCreateSchema, channelSchema, deliveryHistoryQuerySchema, deliverySchema, ruleCreateSchema, rulePatchSchema, ruleSchema } from './alerts';
import { analysisDetailSchema, analysisPreviewSchema, analysisSchema, analysisSettingsInputSchema, analysisSettingsSchema } from './analysis';
import type { SseMessage } from './sse-decoder';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Methods whose input (other than path parameters) travels as a JSON body, not a query string. */
export function requestHasBody(method: HttpMethod): boolean {
  return method === 'POST' || method === 'PUT' || method === 'PATCH';
}

/** 202: the engine answered at once and goes on with the work (a stop's SIGTERM → SIGKILL → rm) in the background. */
export type SuccessStatus = 200 | 202;

export interface RequestDefinition {
  readonly method: HttpMethod;
  /** Fastify-style path; `:id` parameters are merged into the input. */
  readonly path: string;
  readonly summary: string;
  readonly input: z.ZodType;
  readonly output: z.ZodType;
  /** The HTTP status of a success; 200 when not given. */
  readonly successStatus?: SuccessStatus;
}

export function successStatusOf(definition: RequestDefinition): SuccessStatus {
  return definition.successStatus ?? 200;
}

const byId = z.object({ id: idSchema });

export const logPageSchema = z.object({
  lines: z.array(logLineSchema),
  /** The highest lineNo stored for the deployment when the page was read. */
  lastLineNo: z.number().int(),
  /** Filter mode only: the lineNos of the kept lines among `lines`; the others are their context. */
  matches: z.array(z.number().int()).optional(),
  /** Filter mode only: where the scan got to, the next page's `since` (forward) or `before` (backward). */
  scannedTo: z.number().int().optional(),
  /** Filter mode only: the scan stopped early (limit or its work bound); a next page from scannedTo may find more. */
  truncated: z.boolean().optional(),
});
export type LogPage = z.infer<typeof logPageSchema>;

/**
 * Lines around one place: a lineNo (a search hit) or a moment (`at`, for "jump to time" from the charts).
 * Every combination is valid, so the OpenAPI document can state the whole rule: `lineNo` is exact and wins
 * over `at`, and with neither the anchor is the newest line.
 */
export const logsAroundQuerySchema = z.object({
  at: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('Anchor on the first line at or after this moment, else the last line before it. Ignored when lineNo is given.'),
  lineNo: z.coerce.number().int().min(1).optional().describe('Anchor on this line (the newest line when it is past the end). Wins over at.'),
  before: z.coerce.number().int().min(0).max(2000).default(100),
  after: z.coerce.number().int().min(0).max(5000).default(400),
});

export const logsAroundSchema = z.object({
  /** The first line at or after `at` (else the last before it), or `lineNo` itself; null when there are no lines. */
  anchorLineNo: z.number().int().nullable(),
  /** In order: up to `before` lines before the anchor, the anchor, up to `after` lines after it. */
  lines: z.array(logLineSchema),
  lastLineNo: z.number().int(),
});
export type LogsAround = z.infer<typeof logsAroundSchema>;

/** Lines per level; every level of LOG_LEVELS is present (0 when none). */
export const levelCountsSchema = z.record(z.enum(LOG_LEVELS), z.number().int().min(0));
export type LevelCounts = z.infer<typeof levelCountsSchema>;

export const logLevelsQuerySchema = z.object({
  runId: idSchema.optional().describe("The run whose build and deploy lines are counted; the deployment's latest run when not given."),
  service: serviceListQuery,
});

/**
 * Counts per level (docs/product-rules.md "Log levels"). Lines stored before Berth detected levels count as
 * `unknown` here (the log endpoints show them with a level detected when read).
 */
export const logLevelCountsSchema = z.object({
  /** The run counted in `run`: the one asked for, else the deployment's latest; null when it has no run. */
  runId: z.string().nullable(),
  /** The run's own lines (source deploy: build and deploy steps); null when the deployment has no run. */
  run: levelCountsSchema.nullable(),
  /** The deployment's runtime lines (the app's output and Berth's runtime events), across runs. */
  runtime: levelCountsSchema,
});
export type LogLevelCounts = z.infer<typeof logLevelCountsSchema>;

export const deployResultSchema = z.object({ run: runDetailSchema, deployment: deploymentSchema });
export type DeployResult = z.infer<typeof deployResultSchema>;

export const metricSeriesSchema = z.object({
  deploymentId: z.string(),
  from: z.string(),
  to: z.string(),
  /** Samples stored in the range, before downsampling. */
  totalSamples: z.number().int(),
  /** The deployment's samples; for a Compose stack, its total (the sum of its services). */
  samples: z.array(metricSampleSchema),
  /**
   * A Compose stack only: each service's series (its samples carry `service`), downsampled like `samples`, in the
   * order of the stack's services; absent for a deployment that is not a stack.
   */
  services: z.array(z.object({ service: z.string(), totalSamples: z.number().int(), samples: z.array(metricSampleSchema) })).optional(),
});
export type MetricSeries = z.infer<typeof metricSeriesSchema>;

/** The log budget's bounds: 1 MB to 1 TB. */
export const LOG_BUDGET_MIN_BYTES = 1024 ** 2;
export const LOG_BUDGET_MAX_BYTES = 1024 ** 4;

const retentionDaysSchema = z.number().min(1).max(3650);

/** Retention, as settings: lines per kind, metrics (never under 3 days: the charts need them). */
export const retentionSettingsSchema = z.object({
  runtimeLineDays: retentionDaysSchema,
  systemLineDays: retentionDaysSchema,
  deployLineDays: retentionDaysSchema,
  metricDays: z.number().min(3, 'must be at least 3: the charts show 3 days').max(3650),
  batchSize: z.number().int().min(100).max(100_000),
  /** The log store's size budget in bytes (2 GB by default); past it the oldest runtime lines are trimmed. */
  logBudgetBytes: z
    .number()
    .int()
    .min(LOG_BUDGET_MIN_BYTES)
    .max(LOG_BUDGET_MAX_BYTES)
    .describe('Bytes the log store may hold before the oldest runtime lines are trimmed (1 MB to 1 TB)'),
});
export type RetentionSettingsView = z.infer<typeof retentionSettingsSchema>;

export const engineSettingsSchema = z.object({ retention: retentionSettingsSchema });
export type EngineSettings = z.infer<typeof engineSettingsSchema>;

/** What Berth takes on disk (docs/product-rules.md, "Disk usage"): its database, and per project its logs, images and site files. */
export const diskUsageSchema = z.object({
  database: z.object({
    path: z.string(),
    /** The SQLite file, its write-ahead log, and the bytes its pages hold (what the log budget counts). */
    fileBytes: z.number().int(),
    walBytes: z.number().int(),
    usedBytes: z.number().int(),
  }),
  logBudgetBytes: z.number().int(),
  /** Docker's image list; `available: false` (with the reason) when Docker did not answer. */
  images: z.object({ available: z.boolean(), error: z.string().nullable() }),
  projects: z.array(
    z.object({
      projectId: z.string(),
      name: z.string(),
      slug: z.string(),
      logLines: z.number().int(),
      /** UTF-8 bytes of the stored line text (the file holds more: keys, indexes, page slack). */
      logBytes: z.number().int(),
      imageCount: z.number().int(),
      /** The sum of each image's size; layers two images share are counted in both. */
      imageBytes: z.number().int(),
      /** An S3 site's release artifacts kept in the data dir (`artifacts/s3/<deploymentId>/<runId>/`): one per run folder. */
      artifactCount: z.number().int(),
      /** The sizes of the regular files in those folders (symlinks not followed); 0 for a project with none. */
      artifactBytes: z.number().int(),
    }),
  ),
});
export type DiskUsage = z.infer<typeof diskUsageSchema>;

export const requests = {
  getStatus: { method: 'GET', path: '/api/status', summary: "The engine's own health", input: z.object({}), output: engineStatusSchema },

  listProjects: { method: 'GET', path: '/api/projects', summary: 'List projects', input: z.object({}), output: z.array(projectSchema) },
  createProject: { method: 'POST', path: '/api/projects', summary: 'Add a project', input: projectCreateSchema, output: projectSchema },
  getProject: { method: 'GET', path: '/api/projects/:id', summary: 'One project', input: byId, output: projectSchema },
  updateProject: {
    method: 'PATCH',
    path: '/api/projects/:id',
    summary: 'Change a project',
    input: projectPatchSchema.extend({ id: idSchema }),
    output: projectSchema,
  },
  deleteProject: {
    method: 'DELETE',
    path: '/api/projects/:id',
    summary: 'Remove a project; its deployments are marked stopped at once and their containers or tasks torn down in the background',
    input: byId,
    output: z.object({ deleted: z.boolean() }),
    successStatus: 202,
  },

  setAwsCredentials: {
    method: 'PUT',
    path: '/api/projects/:id/aws-credentials',
    summary: 'Store AWS keys for a project, sealed by the OS keychain (desktop app only; headless Berth refuses them). Returns a hint, never the secret.',
    input: awsCredentialsInputSchema.extend({ id: idSchema }),
    output: z.object({ stored: z.literal(true), accessKeyIdHint: z.string() }),
  },
  clearAwsCredentials: {
    method: 'DELETE',
    path: '/api/projects/:id/aws-credentials',
    summary: "Forget a project's stored AWS keys; ECS goes back to the profile or the default credential chain",
    input: byId,
    output: z.object({ stored: z.literal(false) }),
  },

  deploy: { method: 'POST', path: '/api/projects/:id/deploy', summary: 'Deploy (or redeploy) a project', input: byId, output: deployResultSchema },
  rollback: {
    method: 'POST',
    path: '/api/projects/:id/rollback',
    summary: 'Roll back to an earlier release',
    input: z.object({ id: idSchema, releaseId: idSchema.optional() }).strict(),
    output: z.object({ run: runDetailSchema }),
  },
  listRuns: { method: 'GET', path: '/api/projects/:id/runs', summary: 'Runs of a project, newest first, with their steps and durations', input: byId, output: z.array(runDetailSchema) },
  getProjectScan: {
    method: 'GET',
    path: '/api/projects/:id/scan',
    summary: "What Berth finds in the project's folder and how it would build it (shape, runtime, commands, port, health route), every decision with its evidence; nothing is deployed",
    input: byId,
    output: scanRecordSchema,
  },
  scanFolder: {
    // POST, not GET: a path of up to 4096 characters, percent-encoded into the query, can pass the server's header size limit.
    method: 'POST',
    path: '/api/scan',
    summary: 'The same scan for a folder that is not a project yet (the project form shows what it would detect); nothing is written',
    input: z.object({ sourceDir: projectCreateSchema.shape.sourceDir }).strict(),
    output: scanRecordSchema,
  },
  getProjectDockerfile: {
    method: 'GET',
    path: '/api/projects/:id/dockerfile',
    summary:
      "The Dockerfile Berth generates for a zero-config project (what its builds use and what eject would write), with each stage's base image and why; a conflict for a project that builds from its own Dockerfile or an image, or that Berth cannot deploy as it is. Nothing is written",
    input: byId,
    output: generatedDockerfileSchema,
  },
  ejectProject: {
    method: 'POST',
    path: '/api/projects/:id/eject',
    summary: "Writes the Dockerfile Berth generates for a zero-config project into the project's folder (and a .dockerignore when it has none); from then on the project builds from it",
    input: byId,
    output: z.object({ written: z.array(z.string()) }),
  },
  listReleases: { method: 'GET', path: '/api/projects/:id/releases', summary: 'Releases of a project, newest first', input: byId, output: z.array(releaseSchema) },

  getRun: { method: 'GET', path: '/api/runs/:id', summary: 'A run with its steps and failure', input: byId, output: runDetailSchema },
  pauseRun: { method: 'POST', path: '/api/runs/:id/pause', summary: 'Pause after the current step', input: byId, output: runDetailSchema },
  resumeRun: { method: 'POST', path: '/api/runs/:id/resume', summary: 'Resume a paused run', input: byId, output: runDetailSchema },
  stopRun: { method: 'POST', path: '/api/runs/:id/stop', summary: 'Stop a run; remaining steps are skipped', input: byId, output: runDetailSchema },

  listDeployments: { method: 'GET', path: '/api/deployments', summary: 'List deployments', input: z.object({}), output: z.array(deploymentSchema) },
  getDeployment: { method: 'GET', path: '/api/deployments/:id', summary: 'One deployment', input: byId, output: deploymentSchema },
  stopDeployment: {
    method: 'DELETE',
    path: '/api/deployments/:id',
    summary: 'Stop a deployment: answers at once with status stopped; SIGTERM, SIGKILL after the grace, and removal follow in the background, reported by events and system lines (a Compose stack: down, named volumes kept unless removeVolumes)',
    input: stopQuerySchema.extend({ id: idSchema }),
    output: deploymentSchema,
    successStatus: 202,
  },
  getLogs: {
    method: 'GET',
    path: '/api/deployments/:id/logs',
    summary: 'Stored log lines with lineNo > since, in order, at most limit; with `filter`, only the kept lines and their context, forward from since or backward from before',
    input: logsQuerySchema.extend({ id: idSchema }),
    output: logPageSchema,
  },
  countLogs: {
    method: 'GET',
    path: '/api/deployments/:id/logs/count',
    summary: 'How many stored lines a filter keeps (lineNo > since); a count of a common match over a long history is truncated at its work bound: continue from scannedTo',
    input: logsCountQuerySchema.extend({ id: idSchema }),
    output: z.object({ matches: z.number().int(), scannedTo: z.number().int(), lastLineNo: z.number().int(), truncated: z.boolean() }),
  },
  getLogsAround: {
    method: 'GET',
    path: '/api/deployments/:id/logs/around',
    summary: 'Stored lines around a moment (`at`) or a lineNo, for jumping to a time or a search hit',
    input: logsAroundQuerySchema.extend({ id: idSchema }),
    output: logsAroundSchema,
  },
  getLogLevels: {
    method: 'GET',
    path: '/api/deployments/:id/logs/levels',
    summary: "Lines per level: of one run's build and deploy lines (the latest run by default) and of the deployment's runtime lines",
    input: logLevelsQuerySchema.extend({ id: idSchema }),
    output: logLevelCountsSchema,
  },
  searchLogs: {
    method: 'GET',
    path: '/api/deployments/:id/search',
    summary: 'Search every stored line of a deployment',
    input: searchQuerySchema.extend({ id: idSchema }),
    output: z.object({ hits: z.array(searchHitSchema), truncated: z.boolean() }),
  },
  getMetrics: {
    method: 'GET',
    path: '/api/deployments/:id/metrics',
    summary: "Metric samples in a time range, downsampled to `points`; for a Compose stack the total and each service's series",
    input: metricsQuerySchema.extend({ id: idSchema }),
    output: metricSeriesSchema,
  },
  getHealthProbes: {
    method: 'GET',
    path: '/api/deployments/:id/health-probes',
    summary: 'Health probe results in a time range',
    input: timeRangeQuerySchema.extend({ id: idSchema }),
    output: z.array(healthProbeSchema),
  },
  getDiskUsage: {
    method: 'GET',
    path: '/api/disk',
    summary: "What Berth takes on disk: the database file and its WAL, and per project its stored log lines, its images (tagged berth/<slug>, and berth/<slug>-<service> for a Compose stack's services) and an S3 site's release artifacts in the data dir",
    input: z.object({}),
    output: diskUsageSchema,
  },
  getEngineSettings: { method: 'GET', path: '/api/settings', summary: 'Engine-wide settings (retention)', input: z.object({}), output: engineSettingsSchema },
  updateEngineSettings: {
    method: 'PATCH',
    path: '/api/settings',
    summary: 'Change engine-wide settings; only the ones named change',
    input: z.object({ retention: retentionSettingsSchema.partial().strict().optional() }).strict(),
    output: engineSettingsSchema,
  },

  // ---- Alerts and failure analysis (docs/architecture.md, "Alerts" and "Failure analysis") ----
  listAlertChannels: { method: 'GET', path: '/api/alerts/channels', summary: 'Where alerts go: the desktop, webhooks, Slack, Discord, ntfy. URLs and secrets are never shown, only where they come from and a hint', input: z.object({}), output: z.array(channelSchema) },
  createAlertChannel: {
    method: 'POST',
    path: '/api/alerts/channels',
    summary: 'Add a channel. A URL or secret given as `value` is sealed by the OS keychain (desktop app only; headless Berth refuses it); `env` names an environment variable of the engine that holds it',
    input: channelCreateSchema,
    output: channelSchema,
  },
  deleteAlertChannel: { method: 'DELETE', path: '/api/alerts/channels/:id', summary: 'Remove a channel (rules stop sending to it); its delivery history stays', input: byId, output: z.object({ deleted: z.boolean() }) },
  testAlertChannel: {
    method: 'POST',
    path: '/api/alerts/channels/:id/test',
    summary: 'Send a test alert to the channel now; answers with its delivery once the one try is over (no retries), which the history keeps',
    input: byId,
    output: deliverySchema,
  },
  listAlertRules: { method: 'GET', path: '/api/alerts/rules', summary: 'Alert rules, global and per project', input: z.object({}), output: z.array(ruleSchema) },
  createAlertRule: {
    method: 'POST',
    path: '/api/alerts/rules',
    summary: 'Add a rule: events (crash, OOM, crash loop, unhealthy, recovered, deploys, rollback), an RE2 log pattern seen N times in a window, or a CPU / memory threshold held for a time',
    input: ruleCreateSchema,
    output: ruleSchema,
  },
  updateAlertRule: {
    method: 'PATCH',
    path: '/api/alerts/rules/:id',
    summary: 'Change a rule; only the fields named change (a new trigger starts its counting over)',
    input: rulePatchSchema.extend({ id: idSchema }),
    output: ruleSchema,
  },
  deleteAlertRule: { method: 'DELETE', path: '/api/alerts/rules/:id', summary: 'Remove a rule; its delivery history stays', input: byId, output: z.object({ deleted: z.boolean() }) },
  listAlertHistory: {
    method: 'GET',
    path: '/api/alerts/history',
    summary: 'Alert deliveries, newest first, each with its tries (time, outcome, HTTP status)',
    input: deliveryHistoryQuerySchema,
    output: z.array(deliverySchema),
  },
  getAnalysisSettings: { method: 'GET', path: '/api/analysis/settings', summary: 'The OpenAI-compatible chat endpoint that Analyze sends failures to (the API key is never shown)', input: z.object({}), output: analysisSettingsSchema },
  setAnalysisSettings: {
    method: 'PUT',
    path: '/api/analysis/settings',
    summary: 'Set the chat endpoint: base URL, model, and an optional API key (sealed by the OS keychain in the desktop app, or named as an environment variable)',
    input: analysisSettingsInputSchema,
    output: analysisSettingsSchema,
  },
  clearAnalysisSettings: { method: 'DELETE', path: '/api/analysis/settings', summary: 'Forget the chat endpoint; Analyze sends nothing anywhere until one is set', input: z.object({}), output: analysisSettingsSchema },
  previewRunAnalysis: {
    method: 'GET',
    path: '/api/runs/:id/analysis-request',
    summary: 'What Analyze would send for this failed run, secrets redacted, byte for byte; nothing is sent',
    input: byId,
    output: analysisPreviewSchema,
  },
  analyzeRun: {
    method: 'POST',
    path: '/api/runs/:id/analyses',
    summary: 'Send a failed run (classification, evidence, the failed step\'s lines, the project\'s shape), secrets redacted, to the chat endpoint; answers at once, the answer streams in `analysisUpdated` events and is stored with the run',
    input: byId,
    output: analysisSchema,
    successStatus: 202,
  },
  listRunAnalyses: { method: 'GET', path: '/api/runs/:id/analyses', summary: 'Analyses of a run, newest first', input: byId, output: z.array(analysisSchema) },
  previewCrashAnalysis: {
    method: 'GET',
    path: '/api/deployments/:id/crash-analysis-request',
    summary: "What Analyze would send for the deployment's last crash (the runtime lines before it), secrets redacted; nothing is sent",
    input: byId,
    output: analysisPreviewSchema,
  },
  analyzeCrash: {
    method: 'POST',
    path: '/api/deployments/:id/analyses',
    summary: "Send the deployment's last crash (exit code, OOM, the runtime lines before it), secrets redacted, to the chat endpoint; answers at once, the answer streams in `analysisUpdated` events",
    input: byId,
    output: analysisSchema,
    successStatus: 202,
  },
  listCrashAnalyses: { method: 'GET', path: '/api/deployments/:id/analyses', summary: 'Crash analyses of a deployment, newest first', input: byId, output: z.array(analysisSchema) },
  getAnalysis: { method: 'GET', path: '/api/analyses/:id', summary: 'One analysis with its request exactly as sent', input: byId, output: analysisDetailSchema },
} as const satisfies Record<string, RequestDefinition>;

export type Requests = typeof requests;
export type RequestName = keyof Requests;
export type RequestInput<N extends RequestName> = z.input<Requests[N]['input']>;
export type RequestParsedInput<N extends RequestName> = z.output<Requests[N]['input']>;
export type RequestOutput<N extends RequestName> = z.output<Requests[N]['output']>;

// ---- Streams ----
// Besides requests, the engine pushes two streams: engine-wide events, and one deployment's log lines.
// `streams` declares each one's SSE route and the name and payload of every event it sends. Over
// Electron IPC the same payloads travel on the channels of ipc-channels.ts.

/** A notification is an alert on the desktop channel (docs/architecture.md, "Alerts"). */
export const NOTIFICATION_KINDS = ALERT_KINDS;

export const notificationSchema = z.object({
  id: z.string(),
  kind: z.enum(NOTIFICATION_KINDS),
  /** null for a channel's test. */
  projectId: z.string().nullable(),
  deploymentId: z.string().nullable(),
  title: z.string(),
  body: z.string(),
  at: z.string(),
});
export type Notification = z.infer<typeof notificationSchema>;

export const logSnapshotSchema = z.object({
  deployment: deploymentSchema,
  activeRun: runDetailSchema.nullable(),
  lines: z.array(logLineSchema),
  lastLineNo: z.number().int(),
});
export type LogSnapshot = z.infer<typeof logSnapshotSchema>;

/** A snapshot as SSE sends it: its lines follow as `line` events, so each carries its lineNo as the event id. */
export const logSnapshotHeadSchema = logSnapshotSchema.omit({ lines: true });
export type LogSnapshotHead = z.infer<typeof logSnapshotHeadSchema>;

export const logBatchSchema = z.object({
  deploymentId: z.string(),
  lines: z.array(logLineSchema),
});
export type LogBatch = z.infer<typeof logBatchSchema>;

/** A consumer fell behind: pushes stopped; page `since` from `fromLineNo` to catch up. */
export const logGapSchema = z.object({
  deploymentId: z.string(),
  fromLineNo: z.number().int(),
  toLineNo: z.number().int(),
});
export type LogGap = z.infer<typeof logGapSchema>;

/** Pushes resumed after a gap: every line up to `lineNo` has been sent, in order, before this. */
export const logCaughtUpSchema = z.object({
  deploymentId: z.string(),
  lineNo: z.number().int(),
});
export type LogCaughtUp = z.infer<typeof logCaughtUpSchema>;

/** Events that every window hears about (not per subscription). */
export const events = {
  deploymentUpdated: deploymentSchema,
  runUpdated: runDetailSchema,
  projectsChanged: z.object({ projectId: z.string().nullable() }),
  notification: notificationSchema,
  /** An analysis changed: its answer grew, or it finished. */
  analysisUpdated: analysisSchema,
} as const;
export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<N extends EventName> = z.infer<Events[N]>;
/** Every engine event, so a transport that forwards them all cannot miss a new one. */
export const EVENT_NAMES = Object.keys(events) as readonly EventName[];

export const logSubscribeSchema = z.object({
  deploymentId: idSchema,
  since: z.number().int().min(0).optional(),
  tail: z.number().int().min(0).max(10_000).optional(),
});
export type LogSubscribeInput = z.infer<typeof logSubscribeSchema>;

/**
 * One deployment's log, in order: `snapshot`, its lines, then live lines. A consumer too slow for
 * the live lines gets `behind` (pushes stop; the missing lines follow from SQLite) and later
 * `caught-up` (live pushes resume). `deployment` and `run` carry that deployment's changes.
 */
export const logStreamEvents = {
  snapshot: logSnapshotHeadSchema,
  line: logLineSchema,
  behind: logGapSchema,
  'caught-up': logCaughtUpSchema,
  deployment: deploymentSchema,
  run: runDetailSchema,
} as const;

export interface StreamDefinition {
  /** Fastify-style path of the SSE route. */
  readonly path: string;
  readonly summary: string;
  /** What a subscriber sends: path parameters, query and Last-Event-ID over HTTP; the invoke's argument over IPC. */
  readonly input: z.ZodType;
  /** SSE event name → payload (the event's `data`, as JSON). */
  readonly events: Readonly<Record<string, z.ZodType>>;
}

export const streams = {
  events: {
    path: '/api/events',
    summary: `Engine-wide events (SSE): ${EVENT_NAMES.join(', ')}`,
    input: z.object({}),
    events,
  },
  logs: {
    path: '/api/deployments/:id/logs/stream',
    summary: 'Live log lines (SSE); each `line` event id is its lineNo, so Last-Event-ID (or ?since=) resumes; ?tail= sets the snapshot size',
    input: logSubscribeSchema,
    events: logStreamEvents,
  },
} as const satisfies Record<string, StreamDefinition>;

export type Streams = typeof streams;
export type StreamName = keyof Streams;
export type StreamEventName<S extends StreamName> = keyof Streams[S]['events'] & string;
export type StreamPayload<S extends StreamName, E extends StreamEventName<S>> = z.infer<Streams[S]['events'][E]>;

/** An event read off a stream, its payload typed by the contract. */
export type StreamMessage<S extends StreamName> = {
  [E in StreamEventName<S>]: { readonly event: E; readonly id: string | undefined; readonly payload: StreamPayload<S, E> };
}[StreamEventName<S>];

/** The route of a stream with its path parameters filled in. */
export function streamPath(stream: StreamName, params: Readonly<Record<string, string>> = {}): string {
  return streams[stream].path.replace(/:([A-Za-z]+)/g, (_match, key: string) => encodeURIComponent(params[key] ?? ''));
}

/**
 * Reads one decoded SSE event of a stream; null for an event the contract does not name (a newer
 * engine's), so clients skip it. The payload is not validated: it comes from the engine, and
 * parsing every log line with zod would cost on the viewer's hot path.
 */
export function readStreamMessage<S extends StreamName>(stream: S, message: SseMessage): StreamMessage<S> | null {
  if (!Object.hasOwn(streams[stream].events, message.event)) return null;
  return { event: message.event, id: message.id, payload: JSON.parse(message.data) as unknown } as StreamMessage<S>;
}
