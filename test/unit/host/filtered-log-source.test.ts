// The viewer's filter-mode source (renderer/src/logs/filtered-log-source.ts) against a real engine over
// HTTP: newest kept lines first, "Load earlier" back to the first match, gap rows between groups, live
// lines completing a kept line's after-context, exclude and the stream filter. The engine's matcher
// decides every line; the test only checks what the source holds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectSettingsSchema, type LogStream } from '../../../shared';
import { HttpApi } from '../../../renderer/src/api/http-api';
import { FilteredLogSource, filteredRows, scopeParams, type FilterQuery } from '../../../renderer/src/logs/filtered-log-source';
import { filterCountText, filterHighlight } from '../../../renderer/src/logs/filter-display';
import { formatLine } from '../../../renderer/src/logs/line-format';
import { startTestHost, type TestHost } from '../../support/host';

const LINES = 20_000;
const isMatch = (lineNo: number) => lineNo % 1000 === 0;
const text = (lineNo: number) => (isMatch(lineNo) ? `status=500 ERROR upstream timeout id=${lineNo}` : `req id=${lineNo} status=200 path=/x`);

describe('FilteredLogSource against the engine', () => {
  let host: TestHost;
  let api: HttpApi;
  let deploymentId: string;
  const query = (change: Partial<FilterQuery> = {}): FilterQuery => ({ text: 'ERROR upstream', regex: false, caseSensitive: false, exclude: false, context: 1, ...change });
  const source = (change: Partial<FilterQuery> = {}, streams: readonly LogStream[] | null = null) =>
    new FilteredLogSource((input) => api.request('getLogs', { id: deploymentId, ...input }), query(change), scopeParams(streams));

  beforeAll(async () => {
    host = await startTestHost();
    api = new HttpApi(host.http.url, host.http.token);
    const project = host.engine.store.projects.create({ name: 'filtered-source', sourceDir: '/tmp', target: 'docker', settings: projectSettingsSchema.parse({}) });
    deploymentId = host.engine.store.deployments.create(project.id, 'docker').id;
    for (let lineNo = 1; lineNo <= LINES; lineNo++) host.engine.logs.append(deploymentId, { stream: lineNo === 15_000 ? 'stderr' : 'stdout', source: 'runtime', text: text(lineNo) });
    host.engine.logs.flush();
  });
  afterAll(async () => host?.stop());

  it('holds the kept lines with one line of context each, gap rows between them, and reaches the start', async () => {
    const filtered = source();
    expect(await filtered.loadLatest()).toBe(true);
    for (let pages = 0; filtered.hasEarlier && pages < 20; pages++) await filtered.loadEarlier();
    expect(filtered.hasEarlier).toBe(false);
    const expected = Array.from({ length: LINES / 1000 }, (_, index) => (index + 1) * 1000).flatMap((lineNo) => [lineNo - 1, lineNo, lineNo + 1].filter((n) => n <= LINES));
    expect(filtered.lines.map((line) => line.lineNo)).toEqual(expected);
    expect([...filtered.kept].sort((a, b) => a - b)).toEqual(expected.filter(isMatch));
    const rows = filtered.rows;
    // A leading gap (lines 1–998), then line, line, line, gap …
    expect(rows[0]).toEqual({ kind: 'gap', hidden: 998, fromLineNo: 1, toLineNo: 998 });
    expect(rows.slice(1, 5).map((row) => (row.kind === 'gap' ? `gap ${row.hidden}` : `${row.line.lineNo}${row.kept ? ' kept' : ''}`))).toEqual(['999', '1000 kept', '1001', 'gap 997']);
    expect(rows.filter((row) => row.kind === 'gap')).toHaveLength(LINES / 1000);
    expect(filtered.error).toBeNull();
  });

  it('exclude keeps the other lines; the stream filter keeps only those streams', async () => {
    const excluded = source({ exclude: true, context: 0 });
    await excluded.loadLatest();
    expect(excluded.lines.length).toBeGreaterThan(0);
    expect(excluded.lines.some((line) => isMatch(line.lineNo))).toBe(false);
    const stderrOnly = source({}, ['stderr']);
    await stderrOnly.loadLatest();
    for (let pages = 0; stderrOnly.hasEarlier && pages < 20; pages++) await stderrOnly.loadEarlier();
    expect(stderrOnly.lines.map((line) => line.lineNo)).toEqual([15_000]);
  });

  it('the level toggles go to the engine: only lines of the shown levels are kept, context included', async () => {
    const errorsOnly = new FilteredLogSource((input) => api.request('getLogs', { id: deploymentId, ...input }), query({ text: 'status', context: 1 }), scopeParams(null, ['error']));
    await errorsOnly.loadLatest();
    expect(errorsOnly.lines.length).toBeGreaterThan(0);
    // The ERROR lines only: the request lines around them have no level and are not shown as context.
    expect(errorsOnly.lines.every((line) => isMatch(line.lineNo) && line.level === 'error')).toBe(true);
  });

  it('live lines: new kept lines are appended, the edge match gets its after-context, nothing twice', async () => {
    const filtered = source({ context: 2 });
    await filtered.loadLatest();
    expect(filtered.lines.at(-1)?.lineNo).toBe(LINES);
    // 20001, 20002 complete the after-context of 20000; 20005 is a new match with its context.
    for (let lineNo = LINES + 1; lineNo <= LINES + 10; lineNo++) host.engine.logs.append(deploymentId, { stream: 'stdout', source: 'runtime', text: lineNo === LINES + 5 ? `ERROR upstream live ${lineNo}` : `live ${lineNo}` });
    host.engine.logs.flush();
    const change = await filtered.loadNewer();
    expect(change?.appended.map((line) => line.lineNo)).toEqual([20_001, 20_002, 20_003, 20_004, 20_005, 20_006, 20_007]);
    expect(change?.newKept).toEqual([20_005]);
    const again = await filtered.loadNewer();
    expect(again?.appended).toEqual([]);
    const lineNos = filtered.lines.map((line) => line.lineNo);
    expect(new Set(lineNos).size).toBe(lineNos.length);
  });

  it('holds at most its bound: earlier pages let the newest go (and live pages wait), live pages let the oldest go', async () => {
    const bounded = new FilteredLogSource((input) => api.request('getLogs', { id: deploymentId, ...input }), query({ context: 0 }), {}, 10);
    await bounded.loadLatest();
    // Every 1,000th line up to now: the newest ones, at most 10.
    expect(bounded.lines.length).toBeLessThanOrEqual(10);
    const newest = bounded.lines.at(-1)!.lineNo;
    for (let pages = 0; bounded.hasEarlier && pages < 20; pages++) await bounded.loadEarlier();
    expect(bounded.lines.length).toBe(10);
    expect(bounded.lines[0]!.lineNo).toBe(1000);
    expect(bounded.newerDropped).toBe(true);
    expect(bounded.lines.at(-1)!.lineNo).toBeLessThan(newest);
    expect(await bounded.loadNewer()).toBeNull();

    const live = new FilteredLogSource((input) => api.request('getLogs', { id: deploymentId, ...input }), query({ text: 'req', context: 0 }), {}, 10);
    await live.loadLatest();
    const before = live.lines.length;
    for (let lineNo = 0; lineNo < 12; lineNo++) host.engine.logs.append(deploymentId, { stream: 'stdout', source: 'runtime', text: `req live bound ${lineNo}` });
    host.engine.logs.flush();
    const change = await live.loadNewer();
    expect(before).toBeGreaterThan(0);
    expect(change?.redraw).toBe(true);
    expect(live.lines).toHaveLength(10);
    expect(live.lines.at(-1)!.text).toBe('req live bound 11');
    expect(live.hasEarlier).toBe(true);
    expect(live.scannedBackTo).toBe(live.lines[0]!.lineNo);
  });

  it('a bad filter is the engine’s message', async () => {
    const filtered = source({ text: '(?=x)', regex: true });
    expect(await filtered.loadLatest()).toBe(false);
    expect(filtered.error).toMatch(/look-around|lookaround|look-ahead|not supported/i);
  });
});

describe('filter mode helpers', () => {
  const query: FilterQuery = { text: 'ERROR status>=500 "upstream timeout"', regex: false, caseSensitive: false, exclude: false, context: 0 };
  it('highlights text terms, not field terms; nothing in exclude mode', () => {
    expect(filterHighlight(query)).toBe('ERROR|upstream timeout');
    expect(filterHighlight({ ...query, text: 'a.b' })).toBe('a\\.b');
    expect(filterHighlight({ ...query, exclude: true })).toBeNull();
    expect(filterHighlight({ ...query, text: 'status>=500' })).toBeNull();
  });

  it('says the count, "≥" and how far it counted when it stopped at its work bound', () => {
    const state = { query, loading: false, error: null, counting: false, shownKept: 0, newerDropped: false };
    expect(filterCountText({ ...state, count: { matches: 1234, truncated: false, scannedTo: 9 } })).toBe('1,234 matching lines');
    expect(filterCountText({ ...state, count: { matches: 1, truncated: false, scannedTo: 9 } })).toBe('1 matching line');
    expect(filterCountText({ ...state, count: { matches: 5000, truncated: true, scannedTo: 9 } })).toBe('≥ 5,000 matching lines (counted to line 9)');
  });

  it('kept lines mark their matches; context lines are muted', () => {
    const line = { deploymentId: 'd', lineNo: 1, ts: '', stream: 'stderr' as const, source: 'runtime' as const, runId: null, step: null, text: 'an ERROR here', cut: false, level: 'unknown' as const };
    const options = { timestamps: false, wrap: true, columns: 120, error: false, rootCause: false };
    expect(formatLine(line, { ...options, highlight: /error/gi })).toBe('\x1b[31man \x1b[48;5;58mERROR\x1b[0m\x1b[31m here\x1b[0m');
    expect(formatLine(line, { ...options, context: true })).toBe('\x1b[90man ERROR here\x1b[0m');
  });

  it('rows: no leading gap before the start is known', () => {
    const line = (lineNo: number) => ({ deploymentId: 'd', lineNo, ts: '', stream: 'stdout' as const, source: 'runtime' as const, runId: null, step: null, text: '', cut: false, level: 'unknown' as const });
    expect(filteredRows([line(5), line(9)], new Set([9]), { startReached: false }).map((row) => row.kind)).toEqual(['line', 'gap', 'line']);
  });
});
