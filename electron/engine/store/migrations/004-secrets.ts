import type { Migration } from './migration';

/**
 * `aws_credentials`: AWS keys a project stores in the desktop app (issue 6), one row per project.
 * `sealed` is what the OS keychain (Electron safeStorage) made of the keys; nothing here is usable
 * without that keychain. `access_key_id_hint` (`AKIA…WXYZ`) lets the UI show which keys are stored.
 * Deleting the project deletes its keys.
 */
export const migration004Secrets: Migration = {
  version: 4,
  name: 'secrets',
  up(db) {
    db.exec(`
      CREATE TABLE aws_credentials (
        project_id TEXT PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
        sealed BLOB NOT NULL,
        access_key_id_hint TEXT NOT NULL,
        stored_at INTEGER NOT NULL
      ) WITHOUT ROWID;
    `);
  },
};
