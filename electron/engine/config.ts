import { defaultDataDir } from '../common/data-dir';

/** Process-wide intervals (docs/architecture.md, "Configuration"). Tests shorten them through the environment. */
export interface EngineConfig {
  readonly dataDir: string;
  readonly healthIntervalMs: number;
  readonly healthTimeoutMs: number;
  readonly metricsIntervalMs: number;
  readonly retentionIntervalMs: number;
  /** How often the log budget is checked (docs/product-rules.md, "Log budget"). */
  readonly logBudgetCheckMs: number;
  readonly stopGraceMs: number;
  readonly awsEndpoint: string | null;
  /**
   * `BERTH_BASE_IMAGE_*` from the engine's environment: the images zero-config builds start FROM instead of
   * the official ones (scan/base-images.ts). A project's own `build.baseImages` wins over them.
   */
  readonly baseImageEnv: Readonly<Record<string, string>>;
  /** How long one try of an alert delivery may take. */
  readonly alertTimeoutMs: number;
  /** The wait after an alert delivery's first failed try; it doubles with each further try. */
  readonly alertRetryMs: number;
  /** How often the alert engine checks whether crash loops have ended. */
  readonly alertCheckMs: number;
}

const BASE_IMAGE_PREFIX = 'BERTH_BASE_IMAGE_';

function intervalFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(`${name} must be a number of milliseconds (got "${raw}"). Unset it to use the default of ${fallback}.`);
  }
  return value;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env, dataDir = defaultDataDir(env)): EngineConfig {
  return {
    dataDir,
    healthIntervalMs: intervalFrom(env, 'BERTH_HEALTH_INTERVAL_MS', 60_000),
    healthTimeoutMs: intervalFrom(env, 'BERTH_HEALTH_TIMEOUT_MS', 2_000),
    metricsIntervalMs: intervalFrom(env, 'BERTH_METRICS_INTERVAL_MS', 30_000),
    retentionIntervalMs: intervalFrom(env, 'BERTH_RETENTION_INTERVAL_MS', 3_600_000),
    logBudgetCheckMs: intervalFrom(env, 'BERTH_LOG_BUDGET_CHECK_MS', 60_000),
    stopGraceMs: intervalFrom(env, 'BERTH_STOP_GRACE_MS', 10_000),
    awsEndpoint: env['BERTH_AWS_ENDPOINT'] || null,
    baseImageEnv: Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[0].startsWith(BASE_IMAGE_PREFIX) && Boolean(entry[1]?.trim()))),
    alertTimeoutMs: intervalFrom(env, 'BERTH_ALERT_TIMEOUT_MS', 10_000),
    alertRetryMs: intervalFrom(env, 'BERTH_ALERT_RETRY_MS', 2_000),
    alertCheckMs: intervalFrom(env, 'BERTH_ALERT_CHECK_MS', 5_000),
  };
}
