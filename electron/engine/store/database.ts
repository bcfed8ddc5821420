import BetterSqlite3, { type Database } from 'better-sqlite3';
import { MIGRATIONS } from './migrations';
import type { Migration } from './migrations/migration';

export class DatabaseTooNewError extends Error {
  constructor(readonly found: number, readonly supported: number) {
    super(
      `This Berth database is at schema version ${found}, but this Berth only knows up to ${supported}. ` +
        'It was written by a newer Berth: upgrade Berth, or point BERTH_DATA_DIR at another directory.',
    );
    this.name = 'DatabaseTooNewError';
  }
}

/** Opens (creating if needed) a database with the pragmas of docs/architecture.md ("Data model"), and migrates it. */
export function openDatabase(file: string, migrations: readonly Migration[] = MIGRATIONS): Database {
  const db = new BetterSqlite3(file);
  try {
    if (file !== ':memory:') db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, migrations);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Applies pending migrations, each in its own transaction. Refuses a database newer than the registry. */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS, upTo?: number): void {
  checkRegistry(migrations);
  const latest = migrations.at(-1)?.version ?? 0;
  const current = schemaVersion(db);
  if (current > latest) throw new DatabaseTooNewError(current, latest);
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    if (upTo !== undefined && migration.version > upTo) break;
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}

function checkRegistry(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`Migration registry is out of order: entry ${index} has version ${migration.version}, expected ${index + 1}.`);
    }
  });
}
