import type { Database } from 'better-sqlite3';
import { releaseServiceSchema, type Release, type ReleaseService } from '../../../shared';
import { newId } from './ids';
import { toIso } from './time';

interface ReleaseRow {
  id: string;
  deployment_id: string;
  run_id: string;
  image_ref: string;
  image_id: string | null;
  task_definition_arn: string | null;
  created_at: number;
  image_removed_at: number | null;
  current: number;
  /** Absent on a database older than version 10 (the migration tests read them with this repository). */
  services_json?: string | null;
}

export interface NewRelease {
  readonly deploymentId: string;
  readonly runId: string;
  readonly imageRef: string;
  readonly imageId?: string | null;
  readonly taskDefinitionArn?: string | null;
  /** A Compose stack's built services. */
  readonly services?: readonly ReleaseService[] | null;
}

const SELECT = `SELECT r.*, (d.current_release_id = r.id) AS current
  FROM releases r JOIN deployments d ON d.id = r.deployment_id`;

export class ReleaseRepository {
  constructor(private readonly db: Database) {}

  create(input: NewRelease, now = Date.now()): Release {
    const id = newId('rel');
    this.db
      .prepare('INSERT INTO releases (id, deployment_id, run_id, image_ref, image_id, task_definition_arn, services_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(id, input.deploymentId, input.runId, input.imageRef, input.imageId ?? null, input.taskDefinitionArn ?? null, input.services ? JSON.stringify(input.services) : null, now);
    return this.get(id)!;
  }

  get(id: string): Release | undefined {
    const row = this.db.prepare(`${SELECT} WHERE r.id = ?`).get(id) as ReleaseRow | undefined;
    return row ? fromRow(row) : undefined;
  }

  /** Newest first. */
  listForDeployment(deploymentId: string): Release[] {
    return (this.db.prepare(`${SELECT} WHERE r.deployment_id = ? ORDER BY r.created_at DESC, r.rowid DESC`).all(deploymentId) as ReleaseRow[]).map(fromRow);
  }

  listForProject(projectId: string): Release[] {
    return (
      this.db.prepare(`${SELECT} WHERE d.project_id = ? ORDER BY r.created_at DESC, r.rowid DESC`).all(projectId) as ReleaseRow[]
    ).map(fromRow);
  }

  /** The release that was live before the current one and still has its image: the rollback candidate. */
  previous(deploymentId: string): Release | undefined {
    const releases = this.listForDeployment(deploymentId);
    const currentIndex = releases.findIndex((release) => release.current);
    return releases.slice(currentIndex + 1).find((release) => !release.imageRemoved);
  }

  /** Image retention removed the release's image (it is no longer offered for rollback). */
  markImageRemoved(id: string, now = Date.now()): void {
    this.db.prepare('UPDATE releases SET image_removed_at = ? WHERE id = ? AND image_removed_at IS NULL').run(now, id);
  }
}

function fromRow(row: ReleaseRow): Release {
  return {
    id: row.id,
    deploymentId: row.deployment_id,
    runId: row.run_id,
    imageRef: row.image_ref,
    imageId: row.image_id,
    taskDefinitionArn: row.task_definition_arn,
    createdAt: toIso(row.created_at),
    current: row.current === 1,
    ...(row.image_removed_at !== null ? { imageRemoved: true } : {}),
    ...(row.services_json ? { services: releaseServiceSchema.array().parse(JSON.parse(row.services_json)) } : {}),
  };
}
