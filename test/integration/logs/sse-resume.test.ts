import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectSettingsSchema, type LogLine, type LogPage, type LogsAround } from '../../../shared';
import { startTestHost, type TestHost } from '../../support/host';
import { readEvents } from './sse-client';

describe('log transports over HTTP', () => {
  let host: TestHost;
  let deploymentId: string;
  const append = (count: number, from: number) => {
    for (let index = 0; index < count; index++) host.engine.logs.append(deploymentId, { stream: 'stdout', source: 'runtime', text: `line ${from + index}`, ts: Date.UTC(2026, 0, 1) + (from + index) * 1000 });
  };

  beforeAll(async () => {
    host = await startTestHost();
    const project = host.engine.store.projects.create({ name: 'logs-sse', sourceDir: '/tmp', target: 'docker', settings: projectSettingsSchema.parse({}) });
    deploymentId = host.engine.store.deployments.create(project.id, 'docker').id;
  });
  afterAll(() => host?.stop());

  it('streams lines with id = lineNo and resumes exactly after Last-Event-ID, with no duplicate and no gap', async () => {
    append(30, 1);
    host.engine.logs.flush();
    const path = `/api/deployments/${deploymentId}/logs/stream`;
    const seen: LogLine[] = [];

    // First connection: snapshot from the start (since=0), then live lines; drop it mid-flow.
    const first = new AbortController();
    const response = await host.api(`${path}?since=0`, { signal: first.signal });
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    let sawSnapshot = false;
    for await (const event of readEvents(response)) {
      if (event.event === 'snapshot') sawSnapshot = true;
      if (event.event !== 'line') continue;
      const line = JSON.parse(event.data) as LogLine;
      expect(event.id).toBe(String(line.lineNo));
      seen.push(line);
      if (line.lineNo === 30) {
        append(20, 31);
        host.engine.logs.flush();
      }
      if (line.lineNo === 42) break;
    }
    first.abort();
    expect(sawSnapshot).toBe(true);

    // Lines written while disconnected.
    append(25, 51);
    host.engine.logs.flush();

    const second = await host.api(path, { headers: { 'last-event-id': String(seen.at(-1)!.lineNo) } });
    for await (const event of readEvents(second)) {
      if (event.event !== 'line') continue;
      seen.push(JSON.parse(event.data) as LogLine);
      if (seen.at(-1)!.lineNo === 75) break;
    }
    expect(seen.map((line) => line.lineNo)).toEqual(Array.from({ length: 75 }, (_, index) => index + 1));
    expect(seen.map((line) => line.text)).toEqual(Array.from({ length: 75 }, (_, index) => `line ${index + 1}`));
  });

  it('rejects a Last-Event-ID that is not a lineNo', async () => {
    const response = await host.api(`/api/deployments/${deploymentId}/logs/stream`, { headers: { 'last-event-id': 'abc' } });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
  });

  it('pages with exact since/limit semantics: lineNo > since, in order, at most limit, 500 by default, capped', async () => {
    append(600, 76);
    host.engine.logs.flush();
    const page = (query: string) => host.json<LogPage>(`/api/deployments/${deploymentId}/logs${query}`);
    const byDefault = await page('?since=0');
    expect(byDefault.body.lines.map((line) => line.lineNo)).toEqual(Array.from({ length: 500 }, (_, index) => index + 1));
    expect(byDefault.body.lastLineNo).toBe(675);
    const some = await page('?since=670&limit=3');
    expect(some.body.lines.map((line) => line.lineNo)).toEqual([671, 672, 673]);
    expect((await page('?since=675')).body.lines).toEqual([]);
    expect((await page('?since=0&limit=100000')).status).toBe(400);
    expect((await page('?since=-1')).status).toBe(400);
  });

  it('finds the lines around a moment and around a lineNo', async () => {
    const around = (query: string) => host.json<LogsAround>(`/api/deployments/${deploymentId}/logs/around${query}`);
    const moment = new Date(Date.UTC(2026, 0, 1) + 100 * 1000 + 500).toISOString();
    const atTime = await around(`?at=${encodeURIComponent(moment)}&before=2&after=2`);
    expect(atTime.status).toBe(200);
    expect(atTime.body.anchorLineNo).toBe(101);
    expect(atTime.body.lines.map((line) => line.lineNo)).toEqual([99, 100, 101, 102, 103]);
    const late = await around(`?at=${encodeURIComponent('2030-01-01T00:00:00Z')}&before=1&after=5`);
    expect(late.body.anchorLineNo).toBe(675);
    expect(late.body.lines.map((line) => line.lineNo)).toEqual([674, 675]);
    const atLine = await around('?lineNo=1&before=10&after=1');
    expect(atLine.body.lines.map((line) => line.lineNo)).toEqual([1, 2]);
    // lineNo is exact and wins over at; with neither, the anchor is the newest line.
    const both = await around(`?lineNo=3&at=${encodeURIComponent(moment)}&before=1&after=1`);
    expect(both.body.lines.map((line) => line.lineNo)).toEqual([2, 3, 4]);
    const newest = await around('?before=2');
    expect(newest.body.anchorLineNo).toBe(675);
    expect(newest.body.lines.map((line) => line.lineNo)).toEqual([673, 674, 675]);
  });

  it('searches the full history over HTTP', async () => {
    const result = await host.json<{ hits: { lineNo: number; text: string }[]; truncated: boolean }>(`/api/deployments/${deploymentId}/search?q=${encodeURIComponent('line 67')}&limit=5`);
    expect(result.body.hits.map((hit) => hit.lineNo)).toEqual([67, 670, 671, 672, 673]);
    expect(result.body.truncated).toBe(true);
  });

  it('stops pushing to a client that does not read, says what it is missing, then catches it up gap-free', async () => {
    const start = host.engine.store.logLines.lastLineNo(deploymentId);
    const response = await host.api(`/api/deployments/${deploymentId}/logs/stream`, { headers: { 'last-event-id': String(start) } });
    const events = readEvents(response);
    const first = await events.next();
    expect(first.value?.event).toBe('snapshot');
    // ~12 MB while the client reads nothing: far past the 1 MB watermark and the socket buffers.
    const padding = 'x'.repeat(600);
    for (let index = 1; index <= 20_000; index++) host.engine.logs.append(deploymentId, { stream: 'stdout', source: 'runtime', text: `bulk ${index} ${padding}` });
    host.engine.logs.flush();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const lineNos: number[] = [];
    const gaps: { fromLineNo: number; toLineNo: number }[] = [];
    for await (const event of { [Symbol.asyncIterator]: () => events }) {
      if (event.event === 'behind') gaps.push(JSON.parse(event.data) as { fromLineNo: number; toLineNo: number });
      if (event.event !== 'line') continue;
      lineNos.push((JSON.parse(event.data) as LogLine).lineNo);
      if (lineNos.at(-1) === start + 20_000) break;
    }
    expect(lineNos).toEqual(Array.from({ length: 20_000 }, (_, index) => start + index + 1));
    expect(gaps.length).toBeGreaterThan(0);
    // The gap names what was committed but not sent when pushes stopped.
    expect(gaps[0]!.fromLineNo).toBeGreaterThan(start);
    expect(gaps[0]!.toLineNo).toBeGreaterThanOrEqual(gaps[0]!.fromLineNo);
    expect(gaps[0]!.toLineNo).toBeLessThanOrEqual(start + 20_000);
  });
});
