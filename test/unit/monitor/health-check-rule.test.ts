// The one probe's two success rules against a real HTTP server: a health route passes on 2xx–3xx; "the app
// answers HTTP" (no health route known) passes on anything below 500, a 404 included.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHealthyStatus, probeHttp } from '../../../electron/engine/health/probe';

describe('health check rules', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((request, response) => {
      response.statusCode = Number(request.url?.slice(1));
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('status_2xx_3xx (the default) passes 2xx and 3xx only', () => {
    expect([199, 200, 204, 302, 399, 400, 404, 500, 503].map((status) => isHealthyStatus(status))).toEqual([false, true, true, true, true, false, false, false, false]);
    expect(isHealthyStatus(404, 'status_2xx_3xx')).toBe(false);
  });

  it('any_below_500 passes every answer below 500 (the app answers HTTP) and fails 5xx', () => {
    expect([200, 302, 401, 404, 499, 500, 502, 503].map((status) => isHealthyStatus(status, 'any_below_500'))).toEqual([true, true, true, true, true, false, false, false]);
  });

  it('probeHttp applies the rule it is given to a real answer', async () => {
    expect(await probeHttp(`${base}/404`, { timeoutMs: 2000 })).toMatchObject({ ok: false, statusCode: 404, error: 'HTTP 404' });
    expect(await probeHttp(`${base}/404`, { timeoutMs: 2000, rule: 'any_below_500' })).toMatchObject({ ok: true, statusCode: 404, error: null });
    expect(await probeHttp(`${base}/503`, { timeoutMs: 2000, rule: 'any_below_500' })).toMatchObject({ ok: false, statusCode: 503, error: 'HTTP 503' });
    expect(await probeHttp(`${base}/302`, { timeoutMs: 2000, rule: 'status_2xx_3xx' })).toMatchObject({ ok: true, statusCode: 302 });
  });
});
