import { statSync } from 'node:fs';
import type { Database } from 'better-sqlite3';
import { usedDatabaseBytes } from './log-budget';

/** docs/product-rules.md, "Disk usage". */
export interface DatabaseFileUsage {
  readonly path: string;
  readonly fileBytes: number;
  readonly walBytes: number;
  readonly usedBytes: number;
}

export interface ProjectLogUsage {
  readonly projectId: string;
  readonly name: string;
  readonly slug: string;
  readonly logLines: number;
  readonly logBytes: number;
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** The database file and its write-ahead log as they are on disk (0 for an in-memory database). */
export function databaseFileUsage(db: Database): DatabaseFileUsage {
  const path = db.memory ? '' : db.name;
  return { path, fileBytes: path ? fileSize(path) : 0, walBytes: path ? fileSize(`${path}-wal`) : 0, usedBytes: usedDatabaseBytes(db) };
}

/**
 * Stored lines and their text's UTF-8 bytes, per project (every project, with zeros for one with no lines).
 * It reads every line's length, so it is for the Disk panel on demand, never for a hot path.
 */
export function logUsageByProject(db: Database): ProjectLogUsage[] {
  return db
    .prepare<[], ProjectLogUsage>(
      `SELECT p.id AS projectId, p.name AS name, p.slug AS slug,
              COALESCE(SUM(l.lines), 0) AS logLines, COALESCE(SUM(l.bytes), 0) AS logBytes
         FROM projects p
         LEFT JOIN deployments d ON d.project_id = p.id
         LEFT JOIN (SELECT deployment_id, COUNT(*) AS lines, SUM(length(CAST(text AS BLOB))) AS bytes FROM log_lines GROUP BY deployment_id) l
           ON l.deployment_id = d.id
        GROUP BY p.id
        ORDER BY logBytes DESC, p.name`,
    )
    .all();
}
