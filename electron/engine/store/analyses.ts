import type { Database, Statement } from 'better-sqlite3';
import type { Analysis, AnalysisDetail, AnalysisStatus, AnalysisSubject } from '../../../shared';
import { streamCode } from './log-lines';
import { newId } from './ids';
import { storedSecretFrom, type StoredSecret } from './stored-secret';
import { toIso } from './time';

/** The chat endpoint as stored: the API key sealed or named as an environment variable, never in the clear. */
export interface AnalysisEndpoint {
  readonly baseUrl: string;
  readonly model: string;
  readonly apiKey: StoredSecret | null;
}

export interface NewAnalysis {
  readonly subject: AnalysisSubject;
  readonly runId: string | null;
  readonly deploymentId: string;
  readonly projectId: string;
  readonly crashLineNo: number | null;
  readonly model: string;
  readonly requestUrl: string;
  readonly requestBody: string;
  readonly redactions: number;
}

interface AnalysisRow {
  id: string;
  subject: AnalysisSubject;
  run_id: string | null;
  deployment_id: string;
  project_id: string;
  crash_line_no: number | null;
  status: AnalysisStatus;
  model: string;
  request_url: string;
  request_body: string;
  redactions: number;
  answer: string;
  error: string | null;
  created_at: number;
  finished_at: number | null;
}

interface EndpointRow {
  base_url: string;
  model: string;
  api_key_sealed: Buffer | null;
  api_key_env: string | null;
  api_key_hint: string | null;
}

const fromRow = (row: AnalysisRow): Analysis => ({
  id: row.id,
  subject: row.subject,
  runId: row.run_id,
  deploymentId: row.deployment_id,
  projectId: row.project_id,
  crashLineNo: row.crash_line_no,
  status: row.status,
  model: row.model,
  answer: row.answer,
  error: row.error,
  redactions: row.redactions,
  createdAt: toIso(row.created_at),
  finishedAt: toIso(row.finished_at),
});

const INTERRUPTED = 'Berth stopped while the answer was streaming. Analyze again.';

/** The chat endpoint and the analyses (migration 007). */
export class AnalysisRepository {
  private readonly selectEndpoint: Statement<[], EndpointRow>;
  private readonly upsertEndpoint: Statement<unknown[]>;
  private readonly deleteEndpoint: Statement<[]>;
  private readonly insertOne: Statement<unknown[]>;
  private readonly selectOne: Statement<[string], AnalysisRow>;
  private readonly selectForRun: Statement<[string], AnalysisRow>;
  private readonly selectForDeployment: Statement<[string], AnalysisRow>;
  private readonly setAnswer: Statement<[string, string]>;
  private readonly finishOne: Statement<[AnalysisStatus, string, string | null, number, string]>;
  private readonly failStreaming: Statement<[string, number]>;
  private readonly selectLastCrash: Statement<[string, number], { line_no: number; ts: number; text: string }>;

  constructor(db: Database) {
    this.selectEndpoint = db.prepare('SELECT * FROM analysis_endpoint WHERE id = 1');
    this.upsertEndpoint = db.prepare(
      `INSERT INTO analysis_endpoint (id, base_url, model, api_key_sealed, api_key_env, api_key_hint, updated_at) VALUES (1, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET base_url = excluded.base_url, model = excluded.model, api_key_sealed = excluded.api_key_sealed,
         api_key_env = excluded.api_key_env, api_key_hint = excluded.api_key_hint, updated_at = excluded.updated_at`,
    );
    this.deleteEndpoint = db.prepare('DELETE FROM analysis_endpoint');
    this.insertOne = db.prepare(
      `INSERT INTO analyses (id, subject, run_id, deployment_id, project_id, crash_line_no, status, model, request_url, request_body, redactions, answer, error, created_at, finished_at)
       VALUES (?, ?, ?, ?, ?, ?, 'streaming', ?, ?, ?, ?, '', NULL, ?, NULL)`,
    );
    this.selectOne = db.prepare('SELECT * FROM analyses WHERE id = ?');
    this.selectForRun = db.prepare('SELECT * FROM analyses WHERE run_id = ? ORDER BY created_at DESC, id DESC');
    this.selectForDeployment = db.prepare("SELECT * FROM analyses WHERE deployment_id = ? AND subject = 'crash' ORDER BY created_at DESC, id DESC");
    this.setAnswer = db.prepare('UPDATE analyses SET answer = ? WHERE id = ?');
    this.finishOne = db.prepare('UPDATE analyses SET status = ?, answer = ?, error = ?, finished_at = ? WHERE id = ?');
    this.failStreaming = db.prepare("UPDATE analyses SET status = 'failed', error = ?, finished_at = ? WHERE status = 'streaming'");
    // Newest first along the primary key: it stops at the first `[CRASH] exit=` line it meets.
    this.selectLastCrash = db.prepare(
      "SELECT line_no, ts, text FROM log_lines WHERE deployment_id = ? AND stream = ? AND text LIKE '[CRASH] exit=%' ORDER BY line_no DESC LIMIT 1",
    );
  }

  endpoint(): AnalysisEndpoint | null {
    const row = this.selectEndpoint.get();
    return row ? { baseUrl: row.base_url, model: row.model, apiKey: storedSecretFrom(row.api_key_sealed, row.api_key_env, row.api_key_hint) } : null;
  }

  setEndpoint(endpoint: AnalysisEndpoint, now = Date.now()): void {
    const key = endpoint.apiKey;
    this.upsertEndpoint.run(endpoint.baseUrl, endpoint.model, key?.sealed ?? null, key?.env ?? null, key?.hint ?? null, now);
  }

  clearEndpoint(): void {
    this.deleteEndpoint.run();
  }

  create(analysis: NewAnalysis, now = Date.now()): Analysis {
    const id = newId('anl');
    this.insertOne.run(id, analysis.subject, analysis.runId, analysis.deploymentId, analysis.projectId, analysis.crashLineNo, analysis.model, analysis.requestUrl, analysis.requestBody, analysis.redactions, now);
    return this.get(id)!;
  }

  get(id: string): Analysis | undefined {
    const row = this.selectOne.get(id);
    return row ? fromRow(row) : undefined;
  }

  detail(id: string): AnalysisDetail | undefined {
    const row = this.selectOne.get(id);
    return row ? { ...fromRow(row), request: { url: row.request_url, body: row.request_body, redactions: row.redactions } } : undefined;
  }

  forRun(runId: string): Analysis[] {
    return this.selectForRun.all(runId).map(fromRow);
  }

  /** Crash analyses of a deployment. */
  forDeployment(deploymentId: string): Analysis[] {
    return this.selectForDeployment.all(deploymentId).map(fromRow);
  }

  /** The answer so far, kept while it streams so a window opened meanwhile shows it. */
  saveAnswer(id: string, answer: string): void {
    this.setAnswer.run(answer, id);
  }

  finish(id: string, status: Exclude<AnalysisStatus, 'streaming'>, answer: string, error: string | null, now = Date.now()): Analysis | undefined {
    this.finishOne.run(status, answer, error, now, id);
    return this.get(id);
  }

  /** The deployment's last `[CRASH] exit=… oom=…` line, the crash an analysis looks at. */
  lastCrashLine(deploymentId: string): { lineNo: number; ts: number; text: string } | undefined {
    const row = this.selectLastCrash.get(deploymentId, streamCode('system'));
    return row ? { lineNo: row.line_no, ts: row.ts, text: row.text } : undefined;
  }

  /** At start-up: answers that were streaming when the engine stopped will never finish. */
  failInterrupted(now = Date.now()): number {
    return this.failStreaming.run(INTERRUPTED, now).changes;
  }
}
