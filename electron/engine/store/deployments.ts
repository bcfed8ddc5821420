import type { Database, Statement } from 'better-sqlite3';
import { stackServiceSchema, type Deployment, type DeploymentStatus, type HealthCheck, type HealthCheckRule, type HealthStatus, type StackService, type Target } from '../../../shared';
import { newId } from './ids';
import { toIso } from './time';

interface DeploymentRow {
  id: string;
  project_id: string;
  project_name: string;
  slug: string;
  target: Target;
  status: DeploymentStatus;
  health: HealthStatus;
  container_id: string | null;
  task_arn: string | null;
  host_port: number | null;
  public_url: string | null;
  image_ref: string | null;
  current_release_id: string | null;
  last_exit_code: number | null;
  health_check_path: string | null;
  health_check_rule: HealthCheckRule | null;
  created_at: number;
  started_at: number | null;
  updated_at: number;
  last_line_no: number;
  /** Absent on a database older than version 10 (the migration tests read them with this repository). */
  services_json?: string | null;
}

/** Columns a caller may change; the repository stamps updated_at itself. */
export interface DeploymentChanges {
  status?: DeploymentStatus;
  health?: HealthStatus;
  containerId?: string | null;
  taskArn?: string | null;
  hostPort?: number | null;
  publicUrl?: string | null;
  imageRef?: string | null;
  currentReleaseId?: string | null;
  lastExitCode?: number | null;
  startedAt?: number | null;
  healthCheck?: HealthCheck | null;
  /** A Compose stack's services (null: not a stack). */
  services?: readonly StackService[] | null;
}

const COLUMN_FOR: Readonly<Record<Exclude<keyof DeploymentChanges, 'healthCheck' | 'services'>, string>> = {
  status: 'status',
  health: 'health',
  containerId: 'container_id',
  taskArn: 'task_arn',
  hostPort: 'host_port',
  publicUrl: 'public_url',
  imageRef: 'image_ref',
  currentReleaseId: 'current_release_id',
  lastExitCode: 'last_exit_code',
  startedAt: 'started_at',
};

const SELECT = `
  SELECT d.*, p.name AS project_name, p.slug AS slug,
    MAX(COALESCE((SELECT MAX(line_no) FROM log_lines l WHERE l.deployment_id = d.id), 0),
        COALESCE((SELECT last_line_no FROM log_line_floors f WHERE f.deployment_id = d.id), 0)) AS last_line_no
  FROM deployments d JOIN projects p ON p.id = d.project_id`;

export class DeploymentRepository {
  private readonly selectAll: Statement<[], DeploymentRow>;
  private readonly selectById: Statement<[string], DeploymentRow>;
  private readonly selectByProject: Statement<[string], DeploymentRow>;

  constructor(private readonly db: Database) {
    this.selectAll = db.prepare(`${SELECT} ORDER BY p.name COLLATE NOCASE, d.target`);
    this.selectById = db.prepare(`${SELECT} WHERE d.id = ?`);
    this.selectByProject = db.prepare(`${SELECT} WHERE d.project_id = ? ORDER BY d.target`);
  }

  list(): Deployment[] {
    return this.selectAll.all().map(fromRow);
  }

  get(id: string): Deployment | undefined {
    const row = this.selectById.get(id);
    return row ? fromRow(row) : undefined;
  }

  listForProject(projectId: string): Deployment[] {
    return this.selectByProject.all(projectId).map(fromRow);
  }

  forProjectTarget(projectId: string, target: Target): Deployment | undefined {
    return this.listForProject(projectId).find((deployment) => deployment.target === target);
  }

  create(projectId: string, target: Target, now = Date.now()): Deployment {
    const id = newId('dep');
    this.db
      .prepare(
        `INSERT INTO deployments (id, project_id, target, status, health, created_at, updated_at)
         VALUES (?, ?, ?, 'pending', 'unknown', ?, ?)`,
      )
      .run(id, projectId, target, now, now);
    return this.get(id)!;
  }

  update(id: string, changes: DeploymentChanges, now = Date.now()): Deployment | undefined {
    const { healthCheck, services, ...columns } = changes;
    const keys = (Object.keys(columns) as (keyof typeof COLUMN_FOR)[]).filter((key) => columns[key] !== undefined);
    const assignments = keys.map((key) => `${COLUMN_FOR[key]} = ?`);
    const values: unknown[] = keys.map((key) => columns[key] ?? null);
    if (healthCheck !== undefined) {
      assignments.push('health_check_path = ?', 'health_check_rule = ?');
      values.push(healthCheck?.path ?? null, healthCheck?.rule ?? null);
    }
    if (services !== undefined) {
      assignments.push('services_json = ?');
      values.push(services === null ? null : JSON.stringify(services));
    }
    this.db.prepare(`UPDATE deployments SET ${[...assignments, 'updated_at = ?'].join(', ')} WHERE id = ?`).run(...values, now, id);
    return this.get(id);
  }
}

function fromRow(row: DeploymentRow): Deployment {
  return {
    id: row.id,
    projectId: row.project_id,
    projectName: row.project_name,
    slug: row.slug,
    target: row.target,
    status: row.status,
    health: row.health,
    containerId: row.container_id,
    taskArn: row.task_arn,
    hostPort: row.host_port,
    publicUrl: row.public_url,
    imageRef: row.image_ref,
    currentReleaseId: row.current_release_id,
    lastExitCode: row.last_exit_code,
    healthCheck: row.health_check_path !== null && row.health_check_rule !== null ? { path: row.health_check_path, rule: row.health_check_rule } : null,
    createdAt: toIso(row.created_at),
    startedAt: toIso(row.started_at),
    updatedAt: toIso(row.updated_at),
    lastLineNo: row.last_line_no,
    ...(row.services_json ? { services: stackServiceSchema.array().parse(JSON.parse(row.services_json)) } : {}),
  };
}
