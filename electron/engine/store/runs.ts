import type { Database, Statement } from 'better-sqlite3';
import {
  ACTIVE_RUN_STATUSES,
  failureSchema,
  scanRecordSchema,
  type Failure,
  type Run,
  type RunDetail,
  type RunKind,
  type RunStatus,
  type ScanRecord,
  type Step,
  type StepName,
  type StepStatus,
} from '../../../shared';
import { newId } from './ids';
import { durationMs, toIso } from './time';

interface RunRow {
  id: string;
  seq: number;
  project_id: string;
  deployment_id: string;
  kind: RunKind;
  status: RunStatus;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  image_ref: string | null;
  release_id: string | null;
  rollback_of_release_id: string | null;
  failure_json: string | null;
  scan_json: string | null;
}

interface StepRow {
  run_id: string;
  name: StepName;
  position: number;
  status: StepStatus;
  started_at: number | null;
  finished_at: number | null;
  first_line_no: number | null;
  last_line_no: number | null;
}

export interface NewRun {
  readonly projectId: string;
  readonly deploymentId: string;
  readonly kind: RunKind;
  readonly steps: readonly StepName[];
  readonly rollbackOfReleaseId?: string | null;
}

export interface RunChanges {
  status?: RunStatus;
  startedAt?: number;
  finishedAt?: number;
  imageRef?: string;
  releaseId?: string;
  failure?: Failure | null;
  scan?: ScanRecord | null;
}

export interface StepChanges {
  status?: StepStatus;
  startedAt?: number;
  finishedAt?: number;
  firstLineNo?: number;
  lastLineNo?: number;
}

const ACTIVE_LIST = ACTIVE_RUN_STATUSES.map((status) => `'${status}'`).join(', ');

export class RunRepository {
  private readonly selectRun: Statement<[string], RunRow>;
  private readonly selectSteps: Statement<[string], StepRow>;

  constructor(private readonly db: Database) {
    this.selectRun = db.prepare('SELECT * FROM runs WHERE id = ?');
    this.selectSteps = db.prepare('SELECT * FROM steps WHERE run_id = ? ORDER BY position');
  }

  create(input: NewRun, now = Date.now()): RunDetail {
    const id = newId('run');
    this.db.transaction(() => {
      const { seq } = this.db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM runs').get() as { seq: number };
      this.db
        .prepare(
          `INSERT INTO runs (id, seq, project_id, deployment_id, kind, status, created_at, rollback_of_release_id)
           VALUES (?, ?, ?, ?, ?, 'started', ?, ?)`,
        )
        .run(id, seq, input.projectId, input.deploymentId, input.kind, now, input.rollbackOfReleaseId ?? null);
      const insertStep = this.db.prepare("INSERT INTO steps (run_id, name, position, status) VALUES (?, ?, ?, 'pending')");
      input.steps.forEach((name, position) => insertStep.run(id, name, position));
    })();
    return this.getDetail(id)!;
  }

  get(id: string): Run | undefined {
    const row = this.selectRun.get(id);
    return row ? fromRunRow(row) : undefined;
  }

  getDetail(id: string): RunDetail | undefined {
    const run = this.get(id);
    return run ? { ...run, steps: this.steps(id) } : undefined;
  }

  steps(runId: string): Step[] {
    return this.selectSteps.all(runId).map(fromStepRow);
  }

  listForProject(projectId: string, limit = 500): Run[] {
    return (this.db.prepare('SELECT * FROM runs WHERE project_id = ? ORDER BY seq DESC LIMIT ?').all(projectId, limit) as RunRow[]).map(fromRunRow);
  }

  /** Every run of the deployment, oldest first (image retention derives the runs' image tags from their ids). */
  idsForDeployment(deploymentId: string): string[] {
    return (this.db.prepare('SELECT id FROM runs WHERE deployment_id = ? ORDER BY seq').all(deploymentId) as Array<{ id: string }>).map((row) => row.id);
  }

  /** The run that still owns the deployment (started, in progress or paused), if any. */
  activeForDeployment(deploymentId: string): RunDetail | undefined {
    const row = this.db
      .prepare(`SELECT * FROM runs WHERE deployment_id = ? AND status IN (${ACTIVE_LIST}) ORDER BY seq DESC LIMIT 1`)
      .get(deploymentId) as RunRow | undefined;
    return row ? this.getDetail(row.id) : undefined;
  }

  latestForDeployment(deploymentId: string): RunDetail | undefined {
    const row = this.db.prepare('SELECT * FROM runs WHERE deployment_id = ? ORDER BY seq DESC LIMIT 1').get(deploymentId) as RunRow | undefined;
    return row ? this.getDetail(row.id) : undefined;
  }

  listActive(): Run[] {
    return (this.db.prepare(`SELECT * FROM runs WHERE status IN (${ACTIVE_LIST}) ORDER BY seq`).all() as RunRow[]).map(fromRunRow);
  }

  update(id: string, changes: RunChanges): void {
    const sets: string[] = [];
    const values: unknown[] = [];
    const put = (column: string, value: unknown): void => {
      sets.push(`${column} = ?`);
      values.push(value);
    };
    if (changes.status !== undefined) put('status', changes.status);
    if (changes.startedAt !== undefined) put('started_at', changes.startedAt);
    if (changes.finishedAt !== undefined) put('finished_at', changes.finishedAt);
    if (changes.imageRef !== undefined) put('image_ref', changes.imageRef);
    if (changes.releaseId !== undefined) put('release_id', changes.releaseId);
    if (changes.failure !== undefined) put('failure_json', changes.failure ? JSON.stringify(changes.failure) : null);
    if (changes.scan !== undefined) put('scan_json', changes.scan ? JSON.stringify(changes.scan) : null);
    if (sets.length === 0) return;
    this.db.prepare(`UPDATE runs SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
  }

  /** Adds a step at the end (before `done` if present), e.g. `rollback` when it becomes needed. */
  insertStep(runId: string, name: StepName, beforeName?: StepName): void {
    this.db.transaction(() => {
      const steps = this.steps(runId);
      const before = beforeName ? steps.find((step) => step.name === beforeName) : undefined;
      const position = before ? before.position : (steps.at(-1)?.position ?? -1) + 1;
      if (before) this.db.prepare('UPDATE steps SET position = position + 1 WHERE run_id = ? AND position >= ?').run(runId, position);
      this.db.prepare("INSERT INTO steps (run_id, name, position, status) VALUES (?, ?, ?, 'pending')").run(runId, name, position);
    })();
  }

  updateStep(runId: string, name: StepName, changes: StepChanges): void {
    const sets: string[] = [];
    const values: unknown[] = [];
    const put = (assignment: string, value: unknown): void => {
      sets.push(assignment);
      values.push(value);
    };
    if (changes.status !== undefined) put('status = ?', changes.status);
    if (changes.startedAt !== undefined) put('started_at = ?', changes.startedAt);
    if (changes.finishedAt !== undefined) put('finished_at = ?', changes.finishedAt);
    // The first line of a step is set once; later calls only move its last line.
    if (changes.firstLineNo !== undefined) put('first_line_no = COALESCE(first_line_no, ?)', changes.firstLineNo);
    if (changes.lastLineNo !== undefined) put('last_line_no = ?', changes.lastLineNo);
    if (sets.length === 0) return;
    this.db.prepare(`UPDATE steps SET ${sets.join(', ')} WHERE run_id = ? AND name = ?`).run(...values, runId, name);
  }
}

function fromRunRow(row: RunRow): Run {
  return {
    id: row.id,
    projectId: row.project_id,
    deploymentId: row.deployment_id,
    kind: row.kind,
    status: row.status,
    createdAt: toIso(row.created_at),
    startedAt: toIso(row.started_at),
    finishedAt: toIso(row.finished_at),
    durationMs: durationMs(row.started_at, row.finished_at),
    imageRef: row.image_ref,
    releaseId: row.release_id,
    rollbackOfReleaseId: row.rollback_of_release_id,
    failure: row.failure_json ? failureSchema.parse(JSON.parse(row.failure_json)) : null,
    scan: storedScan(row.scan_json),
  };
}

/**
 * A stored scan that this version cannot read (written by a later one) reads as none: a run's history must
 * not fail for the sake of its scan.
 */
function storedScan(json: string | null): ScanRecord | null {
  if (json === null) return null;
  const parsed = scanRecordSchema.safeParse(JSON.parse(json));
  return parsed.success ? parsed.data : null;
}

function fromStepRow(row: StepRow): Step {
  return {
    runId: row.run_id,
    name: row.name,
    position: row.position,
    status: row.status,
    startedAt: toIso(row.started_at),
    finishedAt: toIso(row.finished_at),
    durationMs: durationMs(row.started_at, row.finished_at),
    firstLineNo: row.first_line_no,
    lastLineNo: row.last_line_no,
  };
}
