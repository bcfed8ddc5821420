import { request as httpRequest } from 'node:http';
import { statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requests } from '../../../shared';
import { startTestHost, type TestHost } from '../../support/host';

/** A raw request, so the Host header can be set (fetch does not allow it). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'GET', headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('engine HTTP API', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(async () => host.stop());

  it('binds 127.0.0.1 and writes api.json {url, token} with mode 0600', () => {
    expect(host.http.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const file = join(host.dataDir, 'api.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const contents = JSON.parse(readFileSync(file, 'utf8')) as { url: string; token: string };
    expect(contents).toMatchObject({ url: host.http.url, token: host.http.token });
  });

  it('answers GET /api/deployments with JSON when the token is given', async () => {
    const response = await host.api('/api/deployments');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expect(await response.json()).toEqual([]);
  });

  it('returns 401 with a JSON error without the token, or with a wrong one', async () => {
    const none = await fetch(`${host.http.url}/api/deployments`);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: { code: 'UNAUTHORIZED', message: expect.stringMatching(/bearer token/) } });
    const wrong = await fetch(`${host.http.url}/api/deployments`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
  });

  it('refuses a foreign Host header (DNS rebinding), even with the right token', async () => {
    const foreign = await rawGet(`${host.http.url}/api/deployments`, { host: 'evil.example:80', authorization: `Bearer ${host.http.token}` });
    expect(foreign.status).toBe(403);
    expect(JSON.parse(foreign.body)).toMatchObject({ error: { code: 'FORBIDDEN' } });
    const port = new URL(host.http.url).port;
    const local = await rawGet(`${host.http.url}/api/deployments`, { host: `localhost:${port}`, authorization: `Bearer ${host.http.token}` });
    expect(local.status).toBe(200);
  });

  it('rejects a malformed project body with a 400 that names the bad field', async () => {
    const { status, body } = await host.json<{ error: { code: string; message: string; field: string } }>('/api/projects', {
      method: 'POST',
      body: JSON.stringify({ name: 'ok', sourceDir: '/tmp', settings: { port: 'eighty' } }),
    });
    expect(status).toBe(400);
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.field).toBe('settings.port');
    expect(body.error.message).toMatch(/settings\.port/);
  });

  it('takes the inputs of POST/PUT/PATCH from the body only, never from the query string', async () => {
    // A name in the URL of a create is ignored: the body has none, so the engine asks for one.
    const created = await host.json<{ error: { code: string; field: string } }>('/api/projects?name=from-the-url', {
      method: 'POST',
      body: JSON.stringify({ sourceDir: '/tmp' }),
    });
    expect(created.status).toBe(400);
    expect(created.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'name' });
  });

  it('answers a source dir that does not exist with 409 (a conflict with this machine), naming sourceDir', async () => {
    const { status, body } = await host.json<{ error: { code: string; field: string; message: string } }>('/api/projects', {
      method: 'POST',
      body: JSON.stringify({ name: 'ghost', sourceDir: '/definitely/not/here' }),
    });
    expect(status).toBe(409);
    expect(body.error).toMatchObject({ code: 'CONFLICT', field: 'sourceDir', message: expect.stringMatching(/not a directory on this machine/) });
  });

  it('answers bad JSON, wrong body types, unknown routes and unknown ids with 4xx JSON, never 5xx', async () => {
    const cases: [string, RequestInit][] = [
      ['/api/projects', { method: 'POST', body: '{not json' }],
      ['/api/projects', { method: 'POST', body: '[1,2,3]' }],
      ['/api/projects', { method: 'POST', body: '"text"' }],
      ['/api/projects', { method: 'POST', body: JSON.stringify({ name: 'x'.repeat(5000), sourceDir: '/tmp' }) }],
      ['/api/projects/does-not-exist', { method: 'GET' }],
      ['/api/projects/%00%ff', { method: 'GET' }],
      ['/api/projects/x', { method: 'PATCH', body: JSON.stringify({ unknownField: 1 }) }],
      ['/api/deployments/nope/logs?since=-1', { method: 'GET' }],
      ['/api/deployments/nope/logs?limit=abc', { method: 'GET' }],
      ['/api/deployments/nope/search?q=', { method: 'GET' }],
      ['/api/deployments/nope/metrics?from=yesterday', { method: 'GET' }],
      ['/api/runs/../../etc/passwd', { method: 'GET' }],
      ['/api/nothing-here', { method: 'GET' }],
      ['/api/projects', { method: 'POST', body: JSON.stringify({ name: 'big', sourceDir: '/tmp', pad: 'x'.repeat(2_000_000) }) }],
    ];
    for (const [path, init] of cases) {
      const response = await host.api(path, init);
      expect(response.status, `${init.method} ${path}`).toBeGreaterThanOrEqual(400);
      expect(response.status, `${init.method} ${path}`).toBeLessThan(500);
      const body = (await response.json()) as { error?: { code?: string; message?: string } };
      expect(body.error?.message, `${init.method} ${path}`).toBeTruthy();
    }
  });

  it('publishes a valid OpenAPI document that lists every contract route', async () => {
    const response = await fetch(`${host.http.url}/api/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeTruthy();
    expect(document.openapi).toBe('3.1.0');
    for (const definition of Object.values(requests)) {
      const path = definition.path.replace(/:([A-Za-z]+)/g, '{$1}');
      expect(document.paths[path]?.[definition.method.toLowerCase()], `${definition.method} ${path}`).toBeDefined();
    }
    expect(document.paths['/api/deployments/{id}/logs/stream']).toBeDefined();
  });

  it('creates, reads, patches and deletes a project, never echoing secret values', async () => {
    const created = await host.json<{ id: string; slug: string; settings: { env: { name: string; value: string | null }[] } }>('/api/projects', {
      method: 'POST',
      body: JSON.stringify({ name: 'Crud Demo', sourceDir: '/tmp', settings: { env: [{ name: 'API_KEY', value: 'hunter2-secret', secret: true }, { name: 'MODE', value: 'prod' }] } }),
    });
    expect(created.status).toBe(200);
    expect(created.body.slug).toBe('crud-demo');
    expect(JSON.stringify(created.body)).not.toContain('hunter2-secret');
    expect(created.body.settings.env).toEqual([
      { name: 'API_KEY', value: null, secret: true },
      { name: 'MODE', value: 'prod', secret: false },
    ]);
    const patched = await host.json<{ name: string; settings: { port: number } }>(`/api/projects/${created.body.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ name: 'Crud Demo 2', settings: { port: 9090 } }),
    });
    expect(patched.body).toMatchObject({ name: 'Crud Demo 2', settings: { port: 9090 } });
    // null clears an optional setting.
    await host.api(`/api/projects/${created.body.id}`, { method: 'PATCH', body: JSON.stringify({ settings: { hostPort: 4100 } }) });
    const cleared = await host.json<{ settings: { hostPort?: number } }>(`/api/projects/${created.body.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ settings: { hostPort: null } }),
    });
    expect(cleared.status).toBe(200);
    expect(cleared.body.settings.hostPort).toBeUndefined();
    // The stored secret survives a patch that does not mention it.
    const record = host.engine.store.projects.get(created.body.id)!;
    expect(record.settings.env.find((v) => v.name === 'API_KEY')?.value).toBe('hunter2-secret');
    const bySlug = await host.json<{ id: string }>('/api/projects/crud-demo');
    expect(bySlug.body.id).toBe(created.body.id);
    const deleted = await host.json<{ deleted: boolean }>(`/api/projects/${created.body.id}`, { method: 'DELETE' });
    expect(deleted.body.deleted).toBe(true);
    expect((await host.api(`/api/projects/${created.body.id}`)).status).toBe(404);
  });

  it('reports the engine status: version, Docker reachability, AWS configuration', async () => {
    const { status, body } = await host.json<{ version: string; docker: { reachable: boolean }; degraded: boolean }>('/api/status');
    expect(status).toBe(200);
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(typeof body.docker.reachable).toBe('boolean');
    expect(body.degraded).toBe(!body.docker.reachable);
  });
});
