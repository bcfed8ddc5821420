import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseTooNewError, openDatabase, schemaVersion } from '../../../electron/engine/store/database';
import { MIGRATIONS } from '../../../electron/engine/store/migrations';
import { makeTempDir } from '../../support/temp-dir';

describe('openDatabase', () => {
  const temp = makeTempDir();
  afterEach(() => undefined);

  it('opens with WAL, synchronous=NORMAL, foreign keys and a busy timeout, at the latest version', () => {
    const db = openDatabase(join(temp.dir, 'a.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    db.close();
  });

  it('refuses a database written by a newer Berth, with a message that says what to do', () => {
    const file = join(temp.dir, 'future.db');
    const future = new BetterSqlite3(file);
    future.pragma(`user_version = ${MIGRATIONS.length + 5}`);
    future.close();
    expect(() => openDatabase(file)).toThrow(DatabaseTooNewError);
    expect(() => openDatabase(file)).toThrow(/newer Berth: upgrade Berth, or point BERTH_DATA_DIR/);
  });

  it('is idempotent: reopening applies nothing twice', () => {
    const file = join(temp.dir, 'twice.db');
    openDatabase(file).close();
    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    db.close();
  });

  it('rejects a registry whose versions do not increase by one', () => {
    const broken = [MIGRATIONS[0]!, { ...MIGRATIONS[0]!, version: 3 }];
    expect(() => openDatabase(':memory:', broken)).toThrow(/out of order/);
  });
});
