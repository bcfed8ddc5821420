import type { Migration } from './migration';

// Timestamps are integer milliseconds since the epoch; the API turns them into ISO strings.
export const migration001Initial: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE projects (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        slug TEXT NOT NULL UNIQUE,
        source_dir TEXT NOT NULL,
        target TEXT NOT NULL CHECK (target IN ('docker', 'ecs')),
        settings_json TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );

      CREATE TABLE deployments (
        id TEXT PRIMARY KEY,
        project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        target TEXT NOT NULL,
        status TEXT NOT NULL,
        health TEXT NOT NULL DEFAULT 'unknown',
        container_id TEXT,
        task_arn TEXT,
        host_port INTEGER,
        public_url TEXT,
        image_ref TEXT,
        current_release_id TEXT,
        last_exit_code INTEGER,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        updated_at INTEGER NOT NULL,
        UNIQUE (project_id, target)
      );

      CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL,
        project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        deployment_id TEXT NOT NULL REFERENCES deployments(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        finished_at INTEGER,
        image_ref TEXT,
        release_id TEXT,
        rollback_of_release_id TEXT,
        failure_json TEXT
      );
      CREATE INDEX runs_by_project ON runs (project_id, seq DESC);
      CREATE INDEX runs_by_deployment ON runs (deployment_id, seq DESC);
      CREATE INDEX runs_active ON runs (status) WHERE status IN ('started', 'in_progress', 'paused');

      CREATE TABLE steps (
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        position INTEGER NOT NULL,
        status TEXT NOT NULL,
        started_at INTEGER,
        finished_at INTEGER,
        first_line_no INTEGER,
        last_line_no INTEGER,
        PRIMARY KEY (run_id, name)
      );

      CREATE TABLE releases (
        id TEXT PRIMARY KEY,
        deployment_id TEXT NOT NULL REFERENCES deployments(id) ON DELETE CASCADE,
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        image_ref TEXT NOT NULL,
        image_id TEXT,
        task_definition_arn TEXT,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX releases_by_deployment ON releases (deployment_id, created_at DESC);

      CREATE TABLE log_lines (
        deployment_id TEXT NOT NULL,
        line_no INTEGER NOT NULL,
        ts INTEGER NOT NULL,
        stream INTEGER NOT NULL,
        source INTEGER NOT NULL,
        run_id TEXT,
        step TEXT,
        text TEXT NOT NULL,
        cut INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (deployment_id, line_no)
      ) WITHOUT ROWID;
      CREATE INDEX log_lines_by_time ON log_lines (deployment_id, ts);

      CREATE TABLE metrics (
        deployment_id TEXT NOT NULL,
        sampled_at INTEGER NOT NULL,
        cpu_pct REAL NOT NULL,
        mem_used_mb REAL NOT NULL,
        mem_limit_mb REAL NOT NULL,
        PRIMARY KEY (deployment_id, sampled_at)
      ) WITHOUT ROWID;

      CREATE TABLE health_probes (
        deployment_id TEXT NOT NULL,
        probed_at INTEGER NOT NULL,
        ok INTEGER NOT NULL,
        status_code INTEGER,
        latency_ms REAL,
        error TEXT
      );
      CREATE INDEX health_probes_by_time ON health_probes (deployment_id, probed_at);

      CREATE TABLE engine_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `);
  },
};
