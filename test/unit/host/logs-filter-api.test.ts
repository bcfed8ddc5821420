// Filter mode through the HTTP API (GET /api/deployments/:id/logs?filter=… and /logs/count): a real engine
// on a fresh data dir, lines stored through its log writer, no Docker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectSettingsSchema, type LogPage } from '../../../shared';
import { MAX_COUNT_SCAN_LINES, MAX_SCAN_LINES } from '../../../electron/engine/logs/log-filter';
import { startTestHost, type TestHost } from '../../support/host';

interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

describe('filter mode over the HTTP API', () => {
  let host: TestHost;
  let deploymentId: string;
  const query = (parameters: Record<string, string | number>) => new URLSearchParams(Object.entries(parameters).map(([key, value]) => [key, String(value)])).toString();
  const page = async (parameters: Record<string, string | number>) => {
    const response = await host.json<LogPage>(`/api/deployments/${deploymentId}/logs?${query(parameters)}`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body;
  };

  beforeAll(async () => {
    host = await startTestHost();
    const project = host.engine.store.projects.create({ name: 'filter-api', sourceDir: '/tmp', target: 'docker', settings: projectSettingsSchema.parse({}) });
    deploymentId = host.engine.store.deployments.create(project.id, 'docker').id;
    for (let lineNo = 1; lineNo <= 3000; lineNo++) {
      let text = `GET /health 200 in ${lineNo % 7}ms`;
      if (lineNo === 100 || lineNo === 2500) text = `ERROR upstream timeout on request ${lineNo}`;
      else if (lineNo % 500 === 0) text = JSON.stringify({ level: lineNo % 1000 === 0 ? 'error' : 'info', status: 400 + lineNo / 10, user: { id: lineNo }, msg: `Payment ${lineNo} DECLINED` });
      host.engine.logs.append(deploymentId, { stream: lineNo % 3 === 0 ? 'stderr' : 'stdout', source: 'runtime', text });
    }
    host.engine.logs.flush();
  });
  afterAll(async () => host?.stop());

  it('answers exactly as before without a filter', async () => {
    const body = await page({ since: 10, limit: 3 });
    expect(Object.keys(body).sort()).toEqual(['lastLineNo', 'lines']);
    expect(body.lines.map((line) => line.lineNo)).toEqual([11, 12, 13]);
    expect(body.lastLineNo).toBe(3000);
  });

  it('pages the whole history: matches with their context, then the next page from scannedTo', async () => {
    const first = await page({ filter: 'upstream timeout', context: 2, limit: 1 });
    expect(first).toMatchObject({ matches: [100], scannedTo: 100, truncated: true, lastLineNo: 3000 });
    expect(first.lines.map((line) => line.lineNo)).toEqual([98, 99, 100, 101, 102]);
    expect(first.lines[2]!.text).toBe('ERROR upstream timeout on request 100');
    const second = await page({ filter: 'upstream timeout', context: 2, limit: 1, since: first.scannedTo! });
    expect(second).toMatchObject({ matches: [2500], scannedTo: 2500, truncated: true });
    expect(second.lines.map((line) => line.lineNo)).toEqual([2498, 2499, 2500, 2501, 2502]);
    const third = await page({ filter: 'upstream timeout', context: 2, limit: 1, since: second.scannedTo! });
    expect(third).toMatchObject({ lines: [], matches: [], scannedTo: 3000, truncated: false });
  });

  it('pages backward from the newest lines', async () => {
    const newest = await page({ filter: 'upstream timeout', limit: 1, before: 1_000_000 });
    expect(newest.matches).toEqual([2500]);
    const older = await page({ filter: 'upstream timeout', limit: 1, before: newest.scannedTo! });
    expect(older.matches).toEqual([100]);
  });

  it('excludes, combined with the stream filter', async () => {
    const body = await page({ filter: '/health', exclude: 'true', stream: 'stderr' });
    // Not /health, and on stderr: the JSON lines at multiples of 1500 (500 × 3).
    expect(body.matches).toEqual([1500, 3000]);
    expect(body.lines.every((line) => line.stream === 'stderr')).toBe(true);
  });

  it('filters JSON lines by field, combined with text terms', async () => {
    expect((await page({ filter: 'level:error' })).matches).toEqual([1000, 2000, 3000]);
    expect((await page({ filter: 'status>=600 msg~declined' })).matches).toEqual([2000, 3000]);
    expect((await page({ filter: 'user.id=1500' })).matches).toEqual([1500]);
    expect((await page({ filter: 'level:error Payment', caseSensitive: 'true' })).matches).toEqual([1000, 2000, 3000]);
    expect((await page({ filter: 'level:error payment', caseSensitive: 'true' })).matches).toEqual([]);
  });

  it('combines with the stored level: kept lines and their context are of those levels', async () => {
    // The ERROR lines (100, 2500) and the JSON lines whose level is error (1000, 2000, 3000) are error;
    // the /health lines have no level (unknown).
    expect((await page({ filter: '/health', exclude: 'true', level: 'error' })).matches).toEqual([100, 1000, 2000, 2500, 3000]);
    expect((await page({ filter: '/health', exclude: 'true', level: 'info' })).matches).toEqual([500, 1500]);
    const withContext = await page({ filter: 'upstream', level: 'error', context: 2, limit: 1 });
    expect(withContext.lines.map((line) => [line.lineNo, line.level])).toEqual([[100, 'error']]);
    const count = await host.json(`/api/deployments/${deploymentId}/logs/count?${query({ filter: 'Payment', level: 'info,warn' })}`);
    expect(count).toMatchObject({ status: 200, body: { matches: 2 } });
    const bad = await host.json<ErrorBody>(`/api/deployments/${deploymentId}/logs?${query({ filter: 'x', level: 'error,loud' })}`);
    expect(bad).toMatchObject({ status: 400, body: { error: { field: 'level' } } });
  });

  it('refuses a pattern RE2 cannot run, and a bad field term, with a 400 naming filter', async () => {
    const regex = await host.json<ErrorBody>(`/api/deployments/${deploymentId}/logs?${query({ filter: '(?=x)', regex: 'true' })}`);
    expect(regex.status).toBe(400);
    expect(regex.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'filter' });
    expect(regex.body.error.message).toMatch(/^filter: not a regular expression full-history search can run \(.+\)\. It uses RE2 syntax, which has no look-arounds or back-references\.$/);
    const field = await host.json<ErrorBody>(`/api/deployments/${deploymentId}/logs?${query({ filter: 'status>=high' })}`);
    expect(field.status).toBe(400);
    expect(field.body.error.message).toBe('filter: "status>=high": >= compares numbers, and "high" is not one. Quote the term ("status>=high") to find it as text.');
    const stream = await host.json<ErrorBody>(`/api/deployments/${deploymentId}/logs?${query({ filter: 'x', stream: 'stdout,nope' })}`);
    expect(stream).toMatchObject({ status: 400, body: { error: { field: 'stream' } } });
    const context = await host.json<ErrorBody>(`/api/deployments/${deploymentId}/logs?${query({ filter: 'x', context: 51 })}`);
    expect(context).toMatchObject({ status: 400, body: { error: { field: 'context' } } });
  });

  it('counts what a filter keeps', async () => {
    const count = await host.json(`/api/deployments/${deploymentId}/logs/count?${query({ filter: 'level:error' })}`);
    expect(count).toEqual({ status: 200, body: { matches: 3, scannedTo: 3000, lastLineNo: 3000, truncated: false } });
    const excluded = await host.json(`/api/deployments/${deploymentId}/logs/count?${query({ filter: '/health', exclude: 'true', since: 1000 })}`);
    // 1500, 2000 and 3000 (JSON) and 2500 (the timeout).
    expect(excluded).toMatchObject({ status: 200, body: { matches: 4 } });
  });

  it('finds a rare match in a 1 M-line history in one request, through the index', async () => {
    const project = host.engine.store.projects.create({ name: 'filter-1m', sourceDir: '/tmp', target: 'docker', settings: projectSettingsSchema.parse({}) });
    const big = host.engine.store.deployments.create(project.id, 'docker').id;
    const total = 1_000_000;
    for (let lineNo = 1; lineNo <= total; lineNo++) {
      host.engine.logs.append(big, { stream: 'stdout', source: 'runtime', text: lineNo === 876_543 ? 'ERROR payment pay-9f2c declined' : `GET /api/items/${lineNo % 1000} 200` });
    }
    host.engine.logs.flush();
    const response = await host.json<LogPage>(`/api/deployments/${big}/logs?${query({ filter: 'pay-9f2c', context: 1 })}`);
    // Reading every line would take more than one request (each reads at most MAX_SCAN_LINES): the
    // answer's completeness shows the index let it skip the blocks without the literal.
    expect(total).toBeGreaterThan(2 * MAX_SCAN_LINES);
    expect(response.body).toMatchObject({ matches: [876_543], scannedTo: total, truncated: false, lastLineNo: total });
    expect(response.body.lines.map((line) => line.text)).toEqual(['GET /api/items/542 200', 'ERROR payment pay-9f2c declined', 'GET /api/items/544 200']);
    const count = await host.json(`/api/deployments/${big}/logs/count?${query({ filter: 'payment pay-[0-9a-f]+ declined', regex: 'true', caseSensitive: 'true' })}`);
    expect(count.body).toEqual({ matches: 1, scannedTo: total, lastLineNo: total, truncated: false });
    // Without a literal every line is read: the count stops at its bound and goes on from scannedTo.
    const counted: { matches: number; scannedTo: number; truncated: boolean }[] = [];
    for (let since = 0; counted.at(-1)?.truncated !== false; since = counted.at(-1)!.scannedTo) {
      counted.push((await host.json<{ matches: number; scannedTo: number; truncated: boolean }>(`/api/deployments/${big}/logs/count?${query({ filter: 'items/(7|9)\\d\\d |declined', regex: 'true', since })}`)).body);
    }
    expect(counted.map((part) => [part.scannedTo, part.truncated])).toEqual([
      [MAX_COUNT_SCAN_LINES, true],
      [total, false],
    ]);
    expect(counted.reduce((sum, part) => sum + part.matches, 0)).toBe(200_001);
  }, 120_000);
});
