import type { Database } from 'better-sqlite3';
import { searchIndexPruner, sourceCode, streamCode } from './log-lines';

const DAY_MS = 86_400_000;

/** docs/product-rules.md, "Retention". Every value is a setting; these are the defaults. */
export interface RetentionSettings {
  readonly runtimeLineDays: number;
  readonly systemLineDays: number;
  readonly deployLineDays: number;
  readonly metricDays: number;
  readonly batchSize: number;
  /** The log budget: past it, the oldest runtime lines are trimmed (store/log-budget.ts). */
  readonly logBudgetBytes: number;
}

/** 2 GB. */
export const DEFAULT_LOG_BUDGET_BYTES = 2 * 1024 ** 3;

export const DEFAULT_RETENTION: RetentionSettings = {
  runtimeLineDays: 7,
  systemLineDays: 30,
  deployLineDays: 30,
  metricDays: 7,
  batchSize: 5000,
  logBudgetBytes: DEFAULT_LOG_BUDGET_BYTES,
};

/** Metrics must cover the 3-day charts, whatever the setting says. */
export const MIN_METRIC_DAYS = 3;

export interface RetentionResult {
  readonly runtimeLines: number;
  readonly systemLines: number;
  readonly deployLines: number;
  readonly metrics: number;
  readonly healthProbes: number;
}

/**
 * Deletes rows older than each cutoff, in batches of `batchSize` so no transaction runs long.
 * Runs, steps, failures and releases are kept forever. Returns the number of rows deleted per kind.
 */
export function applyRetention(db: Database, settings: RetentionSettings = DEFAULT_RETENTION, now = Date.now()): RetentionResult {
  const deployments = (db.prepare('SELECT DISTINCT deployment_id AS id FROM log_lines').all() as { id: string }[]).map((row) => row.id);
  const system = streamCode('system');
  const deploy = sourceCode('deploy');
  const lineBatch = (where: string) =>
    db.prepare(
      `DELETE FROM log_lines WHERE (deployment_id, line_no) IN (
         SELECT deployment_id, line_no FROM log_lines WHERE deployment_id = ? AND ts < ? AND ${where} LIMIT ?)`,
    );
  const runtimeBatch = lineBatch(`stream != ${system} AND source != ${deploy}`);
  const systemBatch = lineBatch(`stream = ${system}`);
  const deployBatch = lineBatch(`stream != ${system} AND source = ${deploy}`);
  const count = { runtimeLines: 0, systemLines: 0, deployLines: 0, metrics: 0, healthProbes: 0 };

  const drain = (run: () => number): number => {
    let total = 0;
    for (;;) {
      const deleted = run();
      total += deleted;
      if (deleted < settings.batchSize) return total;
    }
  };

  // Numbering must never go back, even when every line of a deployment expires (migration 003).
  const recordFloor = db.prepare(
    `INSERT INTO log_line_floors (deployment_id, last_line_no)
       SELECT deployment_id, MAX(line_no) FROM log_lines WHERE deployment_id = ? GROUP BY deployment_id
     ON CONFLICT(deployment_id) DO UPDATE SET last_line_no = MAX(last_line_no, excluded.last_line_no)`,
  );
  const pruneSearchIndex = searchIndexPruner(db);

  for (const id of deployments) {
    recordFloor.run(id);
    count.runtimeLines += drain(() => runtimeBatch.run(id, now - settings.runtimeLineDays * DAY_MS, settings.batchSize).changes);
    count.systemLines += drain(() => systemBatch.run(id, now - settings.systemLineDays * DAY_MS, settings.batchSize).changes);
    count.deployLines += drain(() => deployBatch.run(id, now - settings.deployLineDays * DAY_MS, settings.batchSize).changes);
    pruneSearchIndex(id);
  }

  const metricCutoff = now - Math.max(MIN_METRIC_DAYS, settings.metricDays) * DAY_MS;
  const metricBatch = db.prepare(
    `DELETE FROM metrics WHERE (deployment_id, sampled_at) IN (SELECT deployment_id, sampled_at FROM metrics WHERE sampled_at < ? LIMIT ?)`,
  );
  count.metrics = drain(() => metricBatch.run(metricCutoff, settings.batchSize).changes);
  // A stack's per-service samples (migration 011) age out with its totals; they count as metrics too.
  const serviceMetricBatch = db.prepare(
    `DELETE FROM service_metrics WHERE (deployment_id, service, sampled_at) IN (SELECT deployment_id, service, sampled_at FROM service_metrics WHERE sampled_at < ? LIMIT ?)`,
  );
  count.metrics += drain(() => serviceMetricBatch.run(metricCutoff, settings.batchSize).changes);
  const probeBatch = db.prepare('DELETE FROM health_probes WHERE rowid IN (SELECT rowid FROM health_probes WHERE probed_at < ? LIMIT ?)');
  count.healthProbes = drain(() => probeBatch.run(metricCutoff, settings.batchSize).changes);
  return count;
}
