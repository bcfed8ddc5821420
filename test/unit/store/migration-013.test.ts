import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../electron/engine/store/database';
import { MIGRATIONS } from '../../../electron/engine/store/migrations';
import { LogFilter } from '../../../electron/engine/logs/log-filter';
import { LogWriter } from '../../../electron/engine/logs/log-writer';
import { indexText, SEARCH_BLOCK_BYTES, SEARCH_BLOCK_LINES } from '../../../electron/engine/store/search-index';
import { Store } from '../../../electron/engine/store/store';

const options = { regex: false, exclude: false, context: 0, since: 0, limit: 10 };

describe('migration 013 (whether a search block holds a NUL)', () => {
  it('migrates a version-12 database: its blocks are not known, so a filter reads them NUL-safely; the writer knows the blocks it starts', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, MIGRATIONS, 12);
    // One block as the writer of version 12 left it: a NUL before the word on line 2.
    const texts = ['GET /health 200', 'bin\u0000ary then Timeout at db', 'GET /api 200'];
    const bits = new Uint8Array(SEARCH_BLOCK_BYTES);
    texts.forEach((text, index) => {
      db.prepare("INSERT INTO log_lines (deployment_id, line_no, ts, stream, source, text, level) VALUES ('d', ?, 0, 0, 1, ?, 2)").run(index + 1, text);
      indexText(bits, text);
    });
    db.prepare("INSERT INTO log_search_blocks (deployment_id, block_no, bits) VALUES ('d', 0, ?)").run(bits);
    migrate(db, MIGRATIONS, 13);
    expect(schemaVersion(db)).toBe(13);
    expect(db.prepare('SELECT has_nul FROM log_search_blocks').pluck().all()).toEqual([null]);
    migrate(db, MIGRATIONS); // the repositories below are today's: they read (and write) the newest schema

    const filter = new LogFilter(db);
    expect(filter.page('d', { ...options, query: 'timeout', caseSensitive: false }).matches).toEqual([2]);
    expect(filter.page('d', { ...options, query: 'Timeout', caseSensitive: true }).matches).toEqual([2]);
    expect(filter.count('d', { ...options, query: 'TIMEOUT', caseSensitive: false }).matches).toBe(1);

    // The writer continues the old block (still not known) and starts the next one (known: no NUL).
    const store = new Store(db);
    const writer = new LogWriter(store);
    for (let lineNo = 4; lineNo <= SEARCH_BLOCK_LINES + 1; lineNo++) writer.append('d', { stream: 'stdout', source: 'runtime', text: lineNo === SEARCH_BLOCK_LINES + 1 ? 'Timeout again' : 'GET /api 200' });
    writer.close();
    expect(db.prepare('SELECT block_no, has_nul FROM log_search_blocks ORDER BY block_no').raw().all()).toEqual([
      [0, null],
      [1, 0],
    ]);
    expect(filter.page('d', { ...options, query: 'timeout', caseSensitive: false }).matches).toEqual([2, SEARCH_BLOCK_LINES + 1]);
    db.close();
  });
});
