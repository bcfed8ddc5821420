import type { Database } from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EngineError } from '../../../electron/engine/engine-error';
import { compileLineFilter, LogFilter, MAX_FILTER_PAGE_LINES, MAX_SCAN_LINES, type FilterPageOptions } from '../../../electron/engine/logs/log-filter';
import { LineSliceIndexer } from '../../../electron/engine/logs/line-slice-indexer';
import { LINE_SLICES, SEARCH_BLOCK_LINES } from '../../../electron/engine/store/search-index';
import { logFixture } from './fixture';

const base: FilterPageOptions = { query: '', regex: false, caseSensitive: false, exclude: false, context: 0, since: 0, limit: 500 };

describe('compileLineFilter', () => {
  it('applies text terms (AND), field terms, regex and exclude alike for every caller', () => {
    const test = (options: Partial<FilterPageOptions>, text: string) => compileLineFilter({ ...base, ...options }).test(text);
    expect(test({ query: 'upstream timeout' }, 'upstream took a TIMEOUT')).toBe(true);
    expect(test({ query: 'upstream timeout', caseSensitive: true }, 'upstream took a TIMEOUT')).toBe(false);
    expect(test({ query: '"upstream timeout"' }, 'upstream took a timeout')).toBe(false);
    expect(test({ query: 'level:error db' }, '{"level":"error","msg":"db down"}')).toBe(true);
    expect(test({ query: 'level:error db' }, '{"level":"info","msg":"db up"}')).toBe(false);
    expect(test({ query: 'time(out|d)\\s+\\d+', regex: true }, 'TIMEOUT 30')).toBe(true);
    expect(test({ query: 'level:error', regex: true }, '{"level":"error"}')).toBe(false); // regex mode: no field terms
    expect(test({ query: 'health', exclude: true }, 'GET /health 200')).toBe(false);
    expect(test({ query: 'health', exclude: true }, 'GET /api 200')).toBe(true);
  });

  it('rejects what RE2 cannot run with the search’s wording, naming the input', () => {
    const error = (() => {
      try {
        compileLineFilter({ ...base, query: '(a)\\1', regex: true });
      } catch (thrown) {
        return thrown as EngineError;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(EngineError);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'filter' });
    expect(error!.message).toBe('filter: not a regular expression full-history search can run (invalid escape sequence: `\\1`). It uses RE2 syntax, which has no look-arounds or back-references.');
    // Case-insensitive: the message quotes the pattern as typed, not re2js's `(?i)` form of it.
    expect(() => compileLineFilter({ query: 'timeout (', regex: true, caseSensitive: false, exclude: false })).toThrow('(missing closing ): `timeout (`)');
  });

  it('uses the index only when every kept line must hold the literal', () => {
    expect(compileLineFilter({ ...base, query: 'needle-7f3a' }).requiredBits).toBeDefined();
    expect(compileLineFilter({ ...base, query: 'needle-7f3a', exclude: true }).requiredBits).toBeUndefined();
    expect(compileLineFilter({ ...base, query: 'level:error' }).requiredBits).toBeUndefined();
    expect(compileLineFilter({ ...base, query: 'a|needle', regex: true }).requiredBits).toBeUndefined();
  });
});

/**
 * Lines a filter's statements read from `db` from now on: by number (`line_no IN`) and by range (`BETWEEN`).
 * Statements are prepared on first use, so the spy sees the page's own.
 */
function recordReads(db: Database) {
  const reads = { byNumber: 0, byRange: 0 };
  const prepare = db.prepare.bind(db);
  vi.spyOn(db, 'prepare').mockImplementation(((sql: string) => {
    const statement = prepare(sql);
    if (!sql.startsWith('SELECT line_no')) return statement;
    const all = statement.all.bind(statement);
    statement.all = ((...parameters: unknown[]) => {
      if (sql.includes('line_no IN')) reads.byNumber += (JSON.parse(parameters[1] as string) as number[]).length;
      else if (sql.includes('line_no BETWEEN')) reads.byRange += (parameters[2] as number) - (parameters[1] as number) + 1;
      return all(...parameters);
    }) as typeof statement.all;
    return statement;
  }) as typeof db.prepare);
  return reads;
}

// Every behaviour holds whether a block is read line by line (no slices yet) or through its line slices.
describe.each([
  ['blocks read line by line', false],
  ['full blocks read through their line slices', true],
])('LogFilter, %s', (_name, sliced) => {
  let fixture: ReturnType<typeof logFixture>;
  afterEach(() => fixture?.close());

  function fill(count: number, special: (lineNo: number) => string | undefined, stream: (lineNo: number) => 'stdout' | 'stderr' = () => 'stdout') {
    fixture = logFixture({ maxDelayMs: 60_000, maxBatchLines: 50_000 });
    for (let lineNo = 1; lineNo <= count; lineNo++) fixture.writer.append('d', { stream: stream(lineNo), source: 'runtime', text: special(lineNo) ?? `GET /api/items/${lineNo % 97} 200 in ${lineNo % 13}ms` });
    fixture.writer.append('other', { stream: 'stdout', source: 'runtime', text: 'needle in another deployment' });
    fixture.writer.flush();
    if (sliced) {
      const indexer = new LineSliceIndexer(fixture.store, fixture.writer);
      indexer.indexAll();
      indexer.stop();
      const full = Math.ceil(count / SEARCH_BLOCK_LINES) - 1;
      expect(fixture.store.db.prepare("SELECT COUNT(*) FROM log_line_slices WHERE deployment_id = 'd'").pluck().get()).toBe(full * LINE_SLICES);
    }
    return new LogFilter(fixture.store.db);
  }

  it('a case-sensitive regex with an inline (?i) keeps lines in another case (no byte-exact prefilter)', () => {
    const filter = fill(20, (lineNo) => (lineNo === 7 ? 'upstream TIMEOUT after 3 s' : lineNo === 9 ? 'upstream timeout after 1 s' : undefined));
    const page = filter.page('d', { ...base, query: '(?i)timeout', regex: true, caseSensitive: true });
    expect(page.lines.map((line) => line.lineNo)).toEqual([7, 9]);
    expect(filter.count('d', { ...base, query: '(?i)timeout', regex: true, caseSensitive: true }).matches).toBe(2);
  });

  it('pages forward through matches with their context, merged, across block boundaries and pages', () => {
    const at = [10, 12, SEARCH_BLOCK_LINES, SEARCH_BLOCK_LINES + 2, 9000];
    const filter = fill(10_000, (lineNo) => (at.includes(lineNo) ? `ERROR needle ${lineNo}` : undefined));
    const first = filter.page('d', { ...base, query: 'needle', context: 2, limit: 3 });
    expect(first.matches).toEqual([10, 12, SEARCH_BLOCK_LINES]);
    // 8–14 merged (10 and 12 share 11 and 12's context), then 4094–4098 across the block boundary: the
    // page stops at its third match, so the after-context reaches into the next page's match.
    expect(first.lines.map((line) => line.lineNo)).toEqual([8, 9, 10, 11, 12, 13, 14, 4094, 4095, 4096, 4097, 4098]);
    expect(first.truncated).toBe(true);
    expect(first.scannedTo).toBe(SEARCH_BLOCK_LINES);
    expect(first.lastLineNo).toBe(10_000);
    const second = filter.page('d', { ...base, query: 'needle', context: 2, limit: 3, since: first.scannedTo });
    expect(second.matches).toEqual([SEARCH_BLOCK_LINES + 2, 9000]);
    expect(second.lines.map((line) => line.lineNo)).toEqual([4096, 4097, 4098, 4099, 4100, 8998, 8999, 9000, 9001, 9002]);
    expect(second.lines.find((line) => line.lineNo === 9000)!.text).toBe('ERROR needle 9000');
    expect(second.truncated).toBe(false);
    expect(second.scannedTo).toBe(10_000);
  });

  it('pages backward from the newest lines: the last `limit` matches before a lineNo', () => {
    const filter = fill(3 * SEARCH_BLOCK_LINES, (lineNo) => (lineNo % 1000 === 0 ? `needle ${lineNo}` : undefined));
    const newest = filter.page('d', { ...base, query: 'needle', limit: 4, before: Number.MAX_SAFE_INTEGER });
    expect(newest.matches).toEqual([9000, 10_000, 11_000, 12_000]);
    expect(newest.truncated).toBe(true);
    const older = filter.page('d', { ...base, query: 'needle', limit: 4, before: newest.scannedTo });
    expect(older.matches).toEqual([5000, 6000, 7000, 8000]);
    const oldest = filter.page('d', { ...base, query: 'needle', limit: 10, before: older.scannedTo });
    expect(oldest.matches).toEqual([1000, 2000, 3000, 4000]);
    expect(oldest.truncated).toBe(false);
    expect(oldest.scannedTo).toBe(1);
    const withContext = filter.page('d', { ...base, query: 'needle', limit: 1, context: 1, before: 2000 });
    expect(withContext.lines.map((line) => line.lineNo)).toEqual([999, 1000, 1001]);
  });

  it('excludes matching lines, and combines with the stream filter (context lines too)', () => {
    const filter = fill(100, (lineNo) => (lineNo % 10 === 0 ? undefined : `GET /health ${lineNo}`), (lineNo) => (lineNo % 20 === 0 ? 'stderr' : 'stdout'));
    const rest = filter.page('d', { ...base, query: '/health', exclude: true });
    expect(rest.matches).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    const stderr = filter.page('d', { ...base, query: '/health', exclude: true, streams: ['stderr'], context: 1 });
    expect(stderr.matches).toEqual([20, 40, 60, 80, 100]);
    expect(stderr.lines.map((line) => line.stream)).toEqual(['stderr', 'stderr', 'stderr', 'stderr', 'stderr']);
  });

  it('filters JSON lines by field, and text lines never match a field term', () => {
    const filter = fill(50, (lineNo) =>
      lineNo % 5 === 0 ? JSON.stringify({ level: lineNo % 10 === 0 ? 'error' : 'info', status: 400 + lineNo, user: { id: lineNo } }) : lineNo === 7 ? 'level:error status=500 in text' : undefined,
    );
    expect(filter.page('d', { ...base, query: 'level:error' }).matches).toEqual([10, 20, 30, 40, 50]);
    expect(filter.page('d', { ...base, query: 'level:error status>=430' }).matches).toEqual([30, 40, 50]);
    expect(filter.page('d', { ...base, query: 'user.id=25' }).matches).toEqual([25]);
    expect(filter.page('d', { ...base, query: '"level:error"' }).matches).toEqual([7]);
  });

  it('bounds the work of one page when matches are rare and the index cannot help, and says where to go on', () => {
    const total = MAX_SCAN_LINES + 3 * SEARCH_BLOCK_LINES;
    const filter = fill(total, (lineNo) => (lineNo === total - 5 ? 'ERROR rare one' : undefined));
    // A regex without a required literal reads every line: the first request stops at the bound.
    const first = filter.page('d', { ...base, query: 'rare\\s+one|never', regex: true });
    expect(first).toMatchObject({ matches: [], truncated: true, scannedTo: MAX_SCAN_LINES });
    const next = filter.page('d', { ...base, query: 'rare\\s+one|never', regex: true, since: first.scannedTo });
    expect(next).toMatchObject({ matches: [total - 5], truncated: false, scannedTo: total });
    // A literal goes through the index: one request skips to the one block that may hold it.
    expect(filter.page('d', { ...base, query: 'rare one' })).toMatchObject({ matches: [total - 5], truncated: false, scannedTo: total });
  });

  it('stops reading near the page’s last match instead of at the end of its block (blocks without line slices)', () => {
    const filter = fill(4 * SEARCH_BLOCK_LINES, (lineNo) => (lineNo % 100 === 0 ? `needle ${lineNo}` : undefined));
    // Blocks not full yet, or written before migration 014, have no slices: they are read in ranges.
    fixture.store.db.exec('DELETE FROM log_line_slices');
    const reads = recordReads(fixture.store.db);
    const page = filter.page('d', { ...base, query: 'needle', limit: 60 });
    expect(page.matches).toHaveLength(60);
    expect(page.scannedTo).toBe(6000);
    // The 60th match is line 6000, in the second block: reading whole blocks would read 8192 lines.
    const lines = reads.byRange;
    expect(lines).toBeGreaterThanOrEqual(6000);
    expect(lines).toBeLessThan(6400);
  });

  it('finds a literal after a NUL, with either case rule, in blocks that hold one and in blocks not known (before migration 013)', () => {
    const at = [100, SEARCH_BLOCK_LINES + 100, 2 * SEARCH_BLOCK_LINES + 100];
    // Blocks 0 and 1 hold a NUL before the needle; block 2's needle line has none, and neither has the block.
    const filter = fill(3 * SEARCH_BLOCK_LINES, (lineNo) => (lineNo === at[2] ? 'ERROR Needle-77' : at.includes(lineNo) ? `bin\u0000ary ERROR Needle-77 ${lineNo}` : undefined));
    fixture.store.db.prepare("UPDATE log_search_blocks SET has_nul = NULL WHERE deployment_id = 'd' AND block_no = 1").run();
    expect(fixture.store.db.prepare("SELECT has_nul FROM log_search_blocks WHERE deployment_id = 'd' ORDER BY block_no").pluck().all()).toEqual([1, null, 0]);
    for (const caseSensitive of [true, false]) {
      for (const query of ['Needle-77', 'needle-77']) {
        const expected = caseSensitive && query === 'needle-77' ? [] : at;
        expect(filter.page('d', { ...base, query, caseSensitive }).matches).toEqual(expected);
        expect(filter.page('d', { ...base, query, caseSensitive, before: Number.MAX_SAFE_INTEGER }).matches).toEqual(expected);
        expect(filter.count('d', { ...base, query, caseSensitive }).matches).toBe(expected.length);
      }
    }
    expect(filter.page('d', { ...base, query: 'ERROR Needle-\\d+', regex: true, caseSensitive: true }).matches).toEqual(at);
    // A literal holding the NUL itself.
    expect(compileLineFilter({ ...base, query: '"\u0000ary ERROR"', caseSensitive: true }).prefilter).toMatchObject({ literal: '\u0000ary ERROR', pattern: undefined });
    expect(filter.page('d', { ...base, query: '"\u0000ary ERROR"', caseSensitive: true }).matches).toEqual(at.slice(0, 2));
  });

  it('prefilters from the literal’s rarest character; GLOB and LIKE characters in a literal match only themselves', () => {
    expect(compileLineFilter({ ...base, query: '"status=500 bytes="', caseSensitive: true }).prefilter).toMatchObject({ pattern: '*=500 bytes=*', whole: false });
    expect(compileLineFilter({ ...base, query: '"Status=500 bytes="' }).prefilter).toMatchObject({ pattern: '%=500 bytes=%', whole: false });
    expect(compileLineFilter({ ...base, query: '=500 bytes', regex: true, caseSensitive: true }).prefilter).toMatchObject({ pattern: '*=500 bytes*', whole: true });
    expect(compileLineFilter({ ...base, query: '"ZQ[1 y"', caseSensitive: true }).prefilter).toMatchObject({ pattern: '*ZQ[[]1 y*', whole: true });
    // Unescaped, a `[` opens a class that never closes and a trailing `\\` escapes the closing `%`: neither would match.
    const texts = ['x[1 y', 'x1 y', 'a[1]*b?c', 'a1xxbyc', 'C:\\Temp\\', 'C:\\Temp%', '50%_x', '5012x', 'aZQ[1 y', 'aZQ1 y'];
    const filter = fill(100, (lineNo) => texts[lineNo - 1]);
    expect(fixture.store.db.prepare("SELECT has_nul FROM log_search_blocks WHERE deployment_id = 'd'").pluck().all()).toEqual([0]);
    for (const caseSensitive of [true, false]) {
      expect(filter.page('d', { ...base, query: '"[1 y"', caseSensitive }).matches).toEqual([1, 9]);
      expect(filter.page('d', { ...base, query: '"ZQ[1 y"', caseSensitive }).matches).toEqual([9]);
      expect(filter.page('d', { ...base, query: '[1]*b?c', caseSensitive }).matches).toEqual([3]);
      expect(filter.page('d', { ...base, query: 'temp\\', caseSensitive: false }).matches).toEqual([5]);
      expect(filter.page('d', { ...base, query: 'Temp\\', caseSensitive }).matches).toEqual([5]);
      expect(filter.page('d', { ...base, query: '50%_x', caseSensitive }).matches).toEqual([7]);
    }
  });

  it('caps a page at MAX_FILTER_PAGE_LINES lines when context would exceed it', () => {
    const filter = fill(20_000, () => undefined);
    const page = filter.page('d', { ...base, query: 'items', context: 50, limit: 5000 });
    expect(page.matches).toHaveLength(Math.floor(MAX_FILTER_PAGE_LINES / 101));
    expect(page.lines.length).toBeLessThanOrEqual(MAX_FILTER_PAGE_LINES);
    expect(new Set(page.lines.map((line) => line.lineNo)).size).toBe(page.lines.length);
  });

  it('counts matches over the whole history, only in its own deployment', () => {
    const filter = fill(2 * SEARCH_BLOCK_LINES, (lineNo) => (lineNo % 100 === 0 ? 'a needle' : undefined));
    expect(filter.count('d', { ...base, query: 'NEEDLE' })).toEqual({ matches: 81, scannedTo: 2 * SEARCH_BLOCK_LINES, lastLineNo: 2 * SEARCH_BLOCK_LINES, truncated: false });
    expect(filter.count('d', { ...base, query: 'NEEDLE', caseSensitive: true }).matches).toBe(0);
    expect(filter.count('d', { ...base, query: 'needle', exclude: true }).matches).toBe(2 * SEARCH_BLOCK_LINES - 81);
    expect(filter.count('d', { ...base, query: 'needle', since: 4000 }).matches).toBe(41);
  });
});

describe('LogFilter through line slices', () => {
  let fixture: ReturnType<typeof logFixture>;
  afterEach(() => fixture?.close());

  function fill(count: number, special: (lineNo: number) => string | undefined) {
    fixture = logFixture({ maxDelayMs: 60_000, maxBatchLines: 50_000 });
    for (let lineNo = 1; lineNo <= count; lineNo++) {
      fixture.writer.append('d', { stream: 'stdout', source: 'runtime', text: special(lineNo) ?? `GET /api/items/${lineNo % 97} status=200 bytes=${(lineNo * 7919) % 65_536} in ${lineNo % 13}ms` });
    }
    fixture.writer.flush();
    const indexer = new LineSliceIndexer(fixture.store, fixture.writer);
    indexer.indexAll();
    indexer.stop();
    return new LogFilter(fixture.store.db);
  }

  it('reads only the lines in every slice the literal needs: a literal on one line in 50 is in every block, yet few lines are read', () => {
    const filter = fill(3 * SEARCH_BLOCK_LINES + 10, (lineNo) => (lineNo % 50 === 0 ? `GET /api/pay status=500 bytes=${lineNo} in 3ms` : undefined));
    const reads = recordReads(fixture.store.db);
    const page = filter.page('d', { ...base, query: 'status=500 bytes=\\d+', regex: true, caseSensitive: true, limit: 100 });
    expect(page.matches).toEqual(Array.from({ length: 100 }, (_, index) => (index + 1) * 50));
    // The 100th match is line 5000: a range read would step over about 5000 lines; the slices leave the matches and a few others.
    expect(reads.byRange).toBe(0);
    expect(reads.byNumber).toBeGreaterThanOrEqual(100);
    expect(reads.byNumber).toBeLessThan(400);
    const count = filter.count('d', { ...base, query: '"STATUS=500"', caseSensitive: false });
    expect(count.matches).toBe(Math.floor((3 * SEARCH_BLOCK_LINES + 10) / 50));
  });

  it('runs of sliced blocks read across the index’s chunks of block rows (16 first, then more)', () => {
    const total = 20 * SEARCH_BLOCK_LINES + 10;
    const filter = fill(total, (lineNo) => (lineNo % 50 === 0 ? `GET /api/pay status=500 bytes=${lineNo} in 3ms` : undefined));
    const page = filter.page('d', { ...base, query: '"status=500 bytes="', caseSensitive: true, limit: 1600 });
    expect(page.matches).toEqual(Array.from({ length: 1600 }, (_, index) => (index + 1) * 50));
  });

  it('reads a range instead when most lines are candidates, and the newest block (no slices yet) line by line', () => {
    const total = 2 * SEARCH_BLOCK_LINES + 100;
    const filter = fill(total, () => undefined);
    const reads = recordReads(fixture.store.db);
    // Every line holds "items": reading them one by one would cost more than stepping through the range.
    expect(filter.count('d', { ...base, query: 'items' }).matches).toBe(total);
    expect(reads.byNumber).toBe(0);
    expect(reads.byRange).toBe(total);
  });
});
