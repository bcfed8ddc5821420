import type { Migration } from './migration';

const OLD_CHECK = "CHECK (target IN ('docker', 'ecs'))";
const NEW_CHECK = "CHECK (target IN ('docker', 'ecs', 's3'))";

/**
 * The S3 target (docs/product-rules.md, "Static sites on S3"): `projects.target` may be `s3`. SQLite cannot
 * alter a CHECK, and rebuilding `projects` would cascade-delete its deployments and runs (foreign keys are on
 * and cannot be turned off inside the migration's transaction). Widening an IN list changes no stored row, so
 * the table's SQL is edited in place, the procedure SQLite documents for loosening a constraint
 * (sqlite.org/lang_altertable.html, "Making Other Kinds Of Table Schema Changes"): writable_schema, then a
 * new schema_version so every connection reads the new SQL.
 */
export const migration012S3Target: Migration = {
  version: 12,
  name: 's3-target',
  up(db) {
    const row = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'projects'").get() as { sql: string } | undefined;
    if (!row || !row.sql.includes(OLD_CHECK)) throw new Error(`migration 012: the projects table does not have the expected ${OLD_CHECK}`);
    const version = db.pragma('schema_version', { simple: true }) as number;
    // better-sqlite3 opens connections in SQLite's defensive mode, which refuses writable_schema; lifted for this edit only.
    db.unsafeMode(true);
    try {
      db.pragma('writable_schema = ON');
      db.prepare("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'projects'").run(row.sql.replace(OLD_CHECK, NEW_CHECK));
      db.pragma(`schema_version = ${version + 1}`);
    } finally {
      db.pragma('writable_schema = OFF');
      db.unsafeMode(false);
    }
  },
};
