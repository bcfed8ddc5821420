import { afterEach, describe, expect, it } from 'vitest';
import { LogSearch, requiredLiteral } from '../../../electron/engine/logs/search';
import { SEARCH_BLOCK_LINES } from '../../../electron/engine/store/search-index';
import { logFixture } from './fixture';

describe('requiredLiteral', () => {
  it('finds the longest literal every match must contain, or nothing when it cannot prove one', () => {
    expect(requiredLiteral('timeout after \\d+ms')).toBe('timeout after ');
    expect(requiredLiteral('Error: .*connection refused')).toBe('connection refused');
    expect(requiredLiteral('colou?r scheme')).toBe('r scheme');
    expect(requiredLiteral('a{2}bcd')).toBe('bcd');
    expect(requiredLiteral('GET /api/items\\.json')).toBe('GET /api/items.json');
    expect(requiredLiteral('foo|barbaz')).toBe('');
    expect(requiredLiteral('(panic|fatal) in [a-z]+ worker')).toBe(' worker');
    // Case-insensitive by an inline flag: TIMEOUT matches (?i)timeout, so no literal is required byte for byte.
    expect(requiredLiteral('(?i)timeout')).toBe('');
    expect(requiredLiteral('request (?mi:timeout) after')).toBe('');
    expect(requiredLiteral('(?P<code>5\\d\\d) upstream timeout')).toBe(' upstream timeout');
  });
});

describe('LogSearch', () => {
  let fixture: ReturnType<typeof logFixture>;
  afterEach(() => fixture?.close());

  function fill(count: number, special: Map<number, string>) {
    fixture = logFixture({ maxDelayMs: 10_000 });
    const { writer } = fixture;
    for (let lineNo = 1; lineNo <= count; lineNo++) {
      writer.append('d', { stream: lineNo % 2 ? 'stdout' : 'stderr', source: 'runtime', text: special.get(lineNo) ?? `GET /api/items/${lineNo % 97} 200 in ${lineNo % 13}ms`, step: null });
    }
    writer.append('other', { stream: 'stdout', source: 'runtime', text: 'needle-7f3a in another deployment' });
    writer.flush();
    return new LogSearch(fixture.store.db);
  }

  it('finds rare lines far back in history, with time, stream and step, and never another deployment’s', () => {
    const count = SEARCH_BLOCK_LINES * 5 + 17;
    const search = fill(count, new Map([[3, 'first needle-7F3A here'], [SEARCH_BLOCK_LINES * 4 + 9, 'second NEEDLE-7f3a there']]));
    const result = search.search('d', { query: 'needle-7f3a', regex: false, caseSensitive: false, limit: 10 });
    expect(result.truncated).toBe(false);
    expect(result.hits.map((hit) => [hit.lineNo, hit.text, hit.stream])).toEqual([
      [3, 'first needle-7F3A here', 'stdout'],
      [SEARCH_BLOCK_LINES * 4 + 9, 'second NEEDLE-7f3a there', 'stdout'],
    ]);
    expect(result.hits[0]!.ts).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(search.search('d', { query: 'needle-7f3a', regex: false, caseSensitive: true, limit: 10 }).hits).toEqual([]);
    expect(search.search('d', { query: 'NEEDLE-7f3a', regex: false, caseSensitive: true, limit: 10 }).hits.map((hit) => hit.lineNo)).toEqual([SEARCH_BLOCK_LINES * 4 + 9]);
  });

  it('a hit inside a stack trace carries the line that began the trace; a hit on its own line carries none', () => {
    const trace: string[] = ['Traceback (most recent call last):', '  File "/app/db.py", line 9, in connect', '    raise TimeoutError("pool exhausted")', 'TimeoutError: pool exhausted'];
    const search = fill(400, new Map([...trace.map((text, index) => [300 + index, text] as const), [350, 'pool exhausted, retrying']]));
    const result = search.search('d', { query: 'pool exhausted', regex: false, caseSensitive: false, limit: 10 });
    expect(result.hits.map((hit) => [hit.lineNo, hit.event?.lineNo ?? null])).toEqual([
      [302, 300],
      [303, 300],
      [350, null],
    ]);
    expect(result.hits[0]!.event!.text).toBe('Traceback (most recent call last):');
  });

  it('matches regexes (with and without a required literal) and reports truncation', () => {
    const search = fill(SEARCH_BLOCK_LINES * 2, new Map([[5000, 'ERROR timeout after 3051ms'], [7000, 'fatal: disk full']]));
    expect(search.search('d', { query: 'timeout after \\d{4}ms', regex: true, caseSensitive: true, limit: 5 }).hits.map((hit) => hit.lineNo)).toEqual([5000]);
    expect(search.search('d', { query: '^(ERROR|fatal)\\b', regex: true, caseSensitive: true, limit: 5 }).hits.map((hit) => hit.lineNo)).toEqual([5000, 7000]);
    const common = search.search('d', { query: 'items/1 ', regex: false, caseSensitive: true, limit: 3 });
    expect(common.truncated).toBe(true);
    expect(common.hits).toHaveLength(3);
  });

  it('runs user regexes in linear time: a catastrophic pattern on hostile lines answers at once', () => {
    // `(a+)+$` on "aaaa…b" backtracks exponentially in V8: about 3 s per line at 28 characters, and
    // doubling with each one more. RE2 does not backtrack, so a dozen such lines still take milliseconds.
    const hostile = new Map(Array.from({ length: 12 }, (_, index) => [10 + index, `${'a'.repeat(28)}b`] as const));
    const search = fill(200, new Map([...hostile, [30, 'a'.repeat(28)]]));
    const started = performance.now();
    const hits = search.search('d', { query: '(a+)+$', regex: true, caseSensitive: true, limit: 10 }).hits.map((hit) => hit.lineNo);
    expect(hits).toEqual([30]);
    // Not a performance figure: backtracking would take over half a minute, so the bound is loose on purpose.
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('explains what RE2 cannot run instead of failing vaguely', () => {
    const search = fill(10, new Map());
    expect(() => search.search('d', { query: '(?<=x)y', regex: true, caseSensitive: true, limit: 10 })).toThrow(/RE2 syntax.*look-arounds or back-references/);
    expect(() => search.search('d', { query: '(unclosed', regex: true, caseSensitive: true, limit: 10 })).toThrow(/not a regular expression full-history search can run \(missing closing \)/);
  });

  it('reads only the blocks that may match (the index prunes the rest)', () => {
    const search = fill(SEARCH_BLOCK_LINES * 6, new Map([[SEARCH_BLOCK_LINES * 3 + 1, 'zebra-unique-token']]));
    let rangeReads = 0;
    // Count block reads through a spy on the prepared range statement.
    const statement = (search as unknown as { selectRange: { all: (...args: unknown[]) => unknown[] } }).selectRange;
    const all = statement.all.bind(statement);
    statement.all = (...args: unknown[]) => {
      rangeReads++;
      return all(...args);
    };
    expect(search.search('d', { query: 'zebra-unique', regex: false, caseSensitive: false, limit: 10 }).hits.map((hit) => hit.lineNo)).toEqual([SEARCH_BLOCK_LINES * 3 + 1]);
    expect(rangeReads).toBeLessThanOrEqual(2);
    rangeReads = 0;
    search.search('d', { query: 'z.*q', regex: true, caseSensitive: false, limit: 10 });
    expect(rangeReads).toBe(6);
  });

  it('rejects an invalid regex as a validation error', () => {
    const search = fill(10, new Map());
    expect(() => search.search('d', { query: '([a-', regex: true, caseSensitive: false, limit: 10 })).toThrow(/not a regular expression full-history search can run/);
  });
});
