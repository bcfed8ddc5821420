import type { Database } from 'better-sqlite3';

/**
 * Rows where `log_level_counts` (migration 009) and a count of the lines themselves disagree; [] when they agree.
 * A line stored before levels (NULL) counts as unknown (6); counts that went to 0 are no disagreement.
 */
export function levelCountsDrift(db: Database): unknown[] {
  return db
    .prepare(
      `WITH actual AS (
         SELECT deployment_id, source, COALESCE(run_id, '') AS run_id, COALESCE(level, 6) AS level, COUNT(*) AS lines FROM log_lines GROUP BY 1, 2, 3, 4
       )
       SELECT a.*, c.lines AS counted FROM actual a LEFT JOIN log_level_counts c USING (deployment_id, source, run_id, level) WHERE c.lines IS NOT a.lines
       UNION ALL
       SELECT c.deployment_id, c.source, c.run_id, c.level, 0, c.lines FROM log_level_counts c LEFT JOIN actual a USING (deployment_id, source, run_id, level)
         WHERE a.lines IS NULL AND c.lines != 0`,
    )
    .all();
}

/** Like levelCountsDrift for `log_service_level_counts` (migration 011): a stack's lines per service. */
export function serviceLevelCountsDrift(db: Database): unknown[] {
  return db
    .prepare(
      `WITH actual AS (
         SELECT deployment_id, service, source, COALESCE(run_id, '') AS run_id, COALESCE(level, 6) AS level, COUNT(*) AS lines FROM log_lines WHERE service IS NOT NULL GROUP BY 1, 2, 3, 4, 5
       )
       SELECT a.*, c.lines AS counted FROM actual a LEFT JOIN log_service_level_counts c USING (deployment_id, service, source, run_id, level) WHERE c.lines IS NOT a.lines
       UNION ALL
       SELECT c.deployment_id, c.service, c.source, c.run_id, c.level, 0, c.lines FROM log_service_level_counts c LEFT JOIN actual a USING (deployment_id, service, source, run_id, level)
         WHERE a.lines IS NULL AND c.lines != 0`,
    )
    .all();
}
