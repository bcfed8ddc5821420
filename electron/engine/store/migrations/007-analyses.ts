import type { Migration } from './migration';

/**
 * Failure analysis (docs/architecture.md, "Failure analysis"):
 * - `analysis_endpoint`: the one OpenAI-compatible chat endpoint (a single row). The API key is sealed by
 *   the OS keychain or named as an environment variable, as alert secrets are.
 * - `analyses`: each analysis of a failed run or a crash, with the request body exactly as it was sent and
 *   the answer as it streamed in. Deleting the run or the deployment deletes its analyses.
 */
export const migration007Analyses: Migration = {
  version: 7,
  name: 'analyses',
  up(db) {
    db.exec(`
      CREATE TABLE analysis_endpoint (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        base_url TEXT NOT NULL,
        model TEXT NOT NULL,
        api_key_sealed BLOB,
        api_key_env TEXT,
        api_key_hint TEXT,
        updated_at INTEGER NOT NULL
      );

      CREATE TABLE analyses (
        id TEXT PRIMARY KEY,
        subject TEXT NOT NULL CHECK (subject IN ('run', 'crash')),
        run_id TEXT REFERENCES runs(id) ON DELETE CASCADE,
        deployment_id TEXT NOT NULL REFERENCES deployments(id) ON DELETE CASCADE,
        project_id TEXT NOT NULL,
        crash_line_no INTEGER,
        status TEXT NOT NULL CHECK (status IN ('streaming', 'completed', 'failed')),
        model TEXT NOT NULL,
        request_url TEXT NOT NULL,
        request_body TEXT NOT NULL,
        redactions INTEGER NOT NULL,
        answer TEXT NOT NULL,
        error TEXT,
        created_at INTEGER NOT NULL,
        finished_at INTEGER
      ) WITHOUT ROWID;
      CREATE INDEX analyses_by_run ON analyses (run_id, created_at) WHERE run_id IS NOT NULL;
      CREATE INDEX analyses_by_deployment ON analyses (deployment_id, created_at);
      CREATE INDEX analyses_streaming ON analyses (status) WHERE status = 'streaming';
    `);
  },
};
