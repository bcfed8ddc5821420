import type { Database, Statement } from 'better-sqlite3';

/** A project's AWS keys as stored: sealed by the OS keychain, plus a hint that is safe to show. */
export interface SealedAwsCredentials {
  readonly projectId: string;
  /** What the vault made of the keys; only the vault that sealed it can open it. */
  readonly sealed: Buffer;
  /** `AKIA…WXYZ` */
  readonly accessKeyIdHint: string;
  readonly storedAt: number;
}

interface AwsCredentialsRow {
  project_id: string;
  sealed: Buffer;
  access_key_id_hint: string;
  stored_at: number;
}

/**
 * Sealed secrets, one row per project (migration 004). This layer never sees a secret in the clear:
 * sealing and unsealing happen in the engine, through its vault.
 */
export class SecretRepository {
  private readonly upsert: Statement<[string, Buffer, string, number]>;
  private readonly selectOne: Statement<[string], AwsCredentialsRow>;
  private readonly selectHints: Statement<[], Pick<AwsCredentialsRow, 'project_id' | 'access_key_id_hint'>>;
  private readonly deleteOne: Statement<[string]>;

  constructor(db: Database) {
    this.upsert = db.prepare(
      `INSERT INTO aws_credentials (project_id, sealed, access_key_id_hint, stored_at) VALUES (?, ?, ?, ?)
       ON CONFLICT(project_id) DO UPDATE SET sealed = excluded.sealed, access_key_id_hint = excluded.access_key_id_hint, stored_at = excluded.stored_at`,
    );
    this.selectOne = db.prepare('SELECT * FROM aws_credentials WHERE project_id = ?');
    this.selectHints = db.prepare('SELECT project_id, access_key_id_hint FROM aws_credentials');
    this.deleteOne = db.prepare('DELETE FROM aws_credentials WHERE project_id = ?');
  }

  /** Stores (or replaces) a project's sealed keys. The project must exist. */
  setAwsCredentials(projectId: string, sealed: Buffer, accessKeyIdHint: string, now = Date.now()): void {
    this.upsert.run(projectId, sealed, accessKeyIdHint, now);
  }

  awsCredentials(projectId: string): SealedAwsCredentials | undefined {
    const row = this.selectOne.get(projectId);
    return row ? { projectId: row.project_id, sealed: row.sealed, accessKeyIdHint: row.access_key_id_hint, storedAt: row.stored_at } : undefined;
  }

  /** Hints of every project that has keys, by project id (for listing projects in one query). */
  awsCredentialHints(): Map<string, string> {
    return new Map(this.selectHints.all().map((row) => [row.project_id, row.access_key_id_hint]));
  }

  /** True when there were keys to forget. */
  clearAwsCredentials(projectId: string): boolean {
    return this.deleteOne.run(projectId).changes > 0;
  }
}
