import type { Migration } from './migration';

/**
 * Service-aware logs and metrics for Compose stacks (docs/product-rules.md, "Compose stacks"):
 * - `log_lines.service`: the stack service a line came from, as its name; NULL for a single-container or ECS
 *   deployment's lines, for a stack's own lines (deploy steps, events about the whole stack) and for every line
 *   stored before this version. A NULL costs nothing in a row, so lines that are not a stack's ingest as before;
 *   a stack's line carries a few bytes of name (see docs/architecture.md, "Service-aware logs", for why no
 *   dictionary).
 * - `log_service_level_counts`: like `log_level_counts` (migration 009) per service, for the levels a viewer asks
 *   for when it is filtered to services; only lines with a service are counted here. The trigger takes deleted
 *   lines off.
 * - `service_metrics`: one CPU/memory sample per (deployment, service, time). A stack's total stays in `metrics`
 *   (the sum of its services), so everything that reads a deployment's samples keeps working.
 */
export const migration011ServiceLogs: Migration = {
  version: 11,
  name: 'service-logs',
  up(db) {
    db.exec(`
      ALTER TABLE log_lines ADD COLUMN service TEXT;

      CREATE TABLE log_service_level_counts (
        deployment_id TEXT NOT NULL,
        service TEXT NOT NULL,
        source INTEGER NOT NULL,
        run_id TEXT NOT NULL,
        level INTEGER NOT NULL,
        lines INTEGER NOT NULL,
        PRIMARY KEY (deployment_id, service, source, run_id, level)
      ) WITHOUT ROWID;

      CREATE TRIGGER log_lines_service_uncounted AFTER DELETE ON log_lines WHEN OLD.service IS NOT NULL BEGIN
        UPDATE log_service_level_counts SET lines = lines - 1
          WHERE deployment_id = OLD.deployment_id AND service = OLD.service AND source = OLD.source
            AND run_id = COALESCE(OLD.run_id, '') AND level = COALESCE(OLD.level, 6);
      END;

      CREATE TABLE service_metrics (
        deployment_id TEXT NOT NULL,
        service TEXT NOT NULL,
        sampled_at INTEGER NOT NULL,
        cpu_pct REAL NOT NULL,
        mem_used_mb REAL NOT NULL,
        mem_limit_mb REAL NOT NULL,
        PRIMARY KEY (deployment_id, service, sampled_at)
      ) WITHOUT ROWID;
    `);
  },
};
