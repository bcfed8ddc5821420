import type { Database } from 'better-sqlite3';

export interface Migration {
  /** Versions start at 1 and only increase; the database's user_version records the last one applied. */
  readonly version: number;
  readonly name: string;
  up(db: Database): void;
}
