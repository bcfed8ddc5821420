// Alerts (docs/architecture.md, "Alerts"): the channels an alert goes to, the rules that decide when one is
// sent, and the delivery history. Secrets (a channel's URL, a webhook's signing secret) go in and are never
// echoed: reads show where a secret comes from and a hint, never the value.
import { z } from 'zod';
import { idSchema } from './schemas';

/** What an event rule can listen to: the monitor's and the pipeline's events. */
export const RULE_EVENTS = ['crash', 'oom', 'crash_loop', 'unhealthy', 'recovered', 'deploy_failed', 'deploy_succeeded', 'rollback'] as const;
export type RuleEvent = (typeof RULE_EVENTS)[number];

/** Every kind of alert (and of desktop notification): the events, the two threshold rules, and a channel's test. */
export const ALERT_KINDS = [...RULE_EVENTS, 'log_pattern', 'metric', 'test'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export const CHANNEL_KINDS = ['desktop', 'webhook', 'slack', 'discord', 'ntfy'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** What one incident (and one cooldown) is counted over. */
export const ALERT_GROUP_BY = ['deployment', 'project', 'rule'] as const;
export type AlertGroupBy = (typeof ALERT_GROUP_BY)[number];

export const ALERT_METRICS = ['cpu', 'memory'] as const;
export type AlertMetric = (typeof ALERT_METRICS)[number];

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * How one try went: `rejected` is an answer that retrying cannot change (a 4xx other than 408/429);
 * `interrupted` is a try the engine stopped during (it is tried again, with the same delivery id).
 */
export const ATTEMPT_OUTCOMES = ['delivered', 'http_error', 'rejected', 'timeout', 'network_error', 'not_configured', 'interrupted'] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * An http(s) URL without whitespace. The whitespace is spelt out rather than `\S`: regex engines disagree on it
 * (JavaScript's includes U+FEFF, Python's does not), and the OpenAPI document's pattern must mean the same to a client.
 */
export const HTTP_URL = /^https?:\/\/[^\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+$/;
const DAY_MS = 86_400_000;
const durationMs = (min: number) => z.number().int().min(min).max(7 * DAY_MS);
const nameSchema = z.string().min(1).max(100);

/** The name of an environment variable of the engine that holds the secret (how headless Berth takes secrets). */
const envReferenceSchema = z.object({ env: z.string().max(128).regex(ENV_NAME, 'must be an environment variable name') }).strict();

/**
 * A channel's address. `value` is sealed by the OS keychain (desktop app only); `env` names an environment
 * variable of the engine that holds it (headless). Only http(s); Slack's and Discord's hold their secret in the path.
 */
export const endpointInputSchema = z.union([
  z.object({ value: z.string().max(2048).regex(HTTP_URL, 'must be an http(s) URL') }).strict(),
  envReferenceSchema,
]);
export type EndpointInput = z.infer<typeof endpointInputSchema>;

/** A signing secret or an API key, given the same two ways. Sixteen characters at least: it is masked in every log line. */
export const secretInputSchema = z.union([z.object({ value: z.string().min(16, 'must be at least 16 characters').max(4096) }).strict(), envReferenceSchema]);
export type SecretInput = z.infer<typeof secretInputSchema>;

/** What a read shows of a stored secret: where it comes from and enough to recognise it. */
export const secretViewSchema = z.object({
  source: z.enum(['sealed', 'env']),
  /** The environment variable, when the secret comes from one. */
  env: z.string().nullable(),
  /** `hooks.slack.com …f00d`, or `$BERTH_SLACK_URL`. */
  hint: z.string(),
});
export type SecretView = z.infer<typeof secretViewSchema>;

export const channelCreateSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('desktop'), name: nameSchema }).strict(),
  z.object({ kind: z.literal('webhook'), name: nameSchema, url: endpointInputSchema, signingSecret: secretInputSchema }).strict(),
  z.object({ kind: z.literal('slack'), name: nameSchema, url: endpointInputSchema }).strict(),
  z.object({ kind: z.literal('discord'), name: nameSchema, url: endpointInputSchema }).strict(),
  z.object({ kind: z.literal('ntfy'), name: nameSchema, url: endpointInputSchema }).strict(),
]);
export type ChannelCreate = z.infer<typeof channelCreateSchema>;

export const channelSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(CHANNEL_KINDS),
  url: secretViewSchema.nullable(),
  signingSecret: secretViewSchema.nullable(),
  createdAt: z.string(),
});
export type Channel = z.infer<typeof channelSchema>;

/** N crashes within the window are one crash loop: one alert with the count, not N. */
export const crashLoopSchema = z
  .object({
    crashes: z.number().int().min(2).max(1000),
    windowMs: durationMs(1000),
  })
  .strict();
export type CrashLoopSettings = z.infer<typeof crashLoopSchema>;

export const DEFAULT_CRASH_LOOP: CrashLoopSettings = { crashes: 3, windowMs: 10 * 60_000 };

export const ruleTriggerSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('events'),
      events: z.array(z.enum(RULE_EVENTS)).min(1).max(RULE_EVENTS.length),
      crashLoop: crashLoopSchema.default(DEFAULT_CRASH_LOOP),
    })
    .strict(),
  z
    .object({
      type: z.literal('log_pattern'),
      /** RE2 syntax (linear-time matching; no look-arounds or back-references), over runtime stdout and stderr. */
      pattern: z.string().min(1).max(1000),
      caseSensitive: z.boolean().default(false),
      minMatches: z.number().int().min(1).max(100_000),
      windowMs: durationMs(1000),
    })
    .strict(),
  z
    .object({
      type: z.literal('metric'),
      metric: z.enum(ALERT_METRICS),
      /** CPU: % of one core (100 = one full core). Memory: % of the container's limit. */
      above: z.number().min(0).max(100_000),
      /** How long every sample must stay above it (0: the first sample above fires). */
      forMs: z.number().int().min(0).max(7 * DAY_MS),
    })
    .strict(),
]);
export type RuleTrigger = z.output<typeof ruleTriggerSchema>;

const ruleFields = {
  name: nameSchema,
  /** null: every project (a global rule). */
  projectId: idSchema.nullable(),
  enabled: z.boolean(),
  trigger: ruleTriggerSchema,
  /** After an alert, the same kind of alert for the same group waits this long (recoveries and deploy outcomes never wait). */
  cooldownMs: z.number().int().min(0).max(7 * DAY_MS),
  groupBy: z.enum(ALERT_GROUP_BY),
  channelIds: z.array(idSchema).min(1).max(20),
};

export const ruleCreateSchema = z
  .object({
    ...ruleFields,
    projectId: ruleFields.projectId.default(null),
    enabled: ruleFields.enabled.default(true),
    cooldownMs: ruleFields.cooldownMs.default(10 * 60_000),
    groupBy: ruleFields.groupBy.default('deployment'),
  })
  .strict();
export type RuleCreate = z.input<typeof ruleCreateSchema>;

/** Only the fields named change; a trigger is replaced whole (and its counting starts over). */
export const rulePatchSchema = z.object(ruleFields).partial().strict();
export type RulePatch = z.input<typeof rulePatchSchema>;

export const ruleSchema = z.object({
  id: z.string(),
  name: z.string(),
  projectId: z.string().nullable(),
  enabled: z.boolean(),
  trigger: ruleTriggerSchema,
  cooldownMs: z.number().int(),
  groupBy: z.enum(ALERT_GROUP_BY),
  channelIds: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Rule = z.infer<typeof ruleSchema>;

export const deliveryAttemptSchema = z.object({
  at: z.string(),
  outcome: z.enum(ATTEMPT_OUTCOMES),
  statusCode: z.number().int().nullable(),
  /** What went wrong, never quoting a secret. */
  error: z.string().nullable(),
  durationMs: z.number().int(),
});
export type DeliveryAttempt = z.infer<typeof deliveryAttemptSchema>;

export const deliverySchema = z.object({
  id: z.string(),
  alertId: z.string(),
  at: z.string(),
  kind: z.enum(ALERT_KINDS),
  title: z.string(),
  body: z.string(),
  projectId: z.string().nullable(),
  deploymentId: z.string().nullable(),
  /** null for a channel's test. */
  rule: z.object({ id: z.string(), name: z.string() }).nullable(),
  channel: z.object({ id: z.string(), name: z.string(), kind: z.enum(CHANNEL_KINDS) }),
  status: z.enum(DELIVERY_STATUSES),
  /** When the next try is due, while pending. */
  nextAttemptAt: z.string().nullable(),
  attempts: z.array(deliveryAttemptSchema),
});
export type Delivery = z.infer<typeof deliverySchema>;

export const deliveryHistoryQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  channelId: idSchema.optional(),
  projectId: idSchema.optional(),
});
