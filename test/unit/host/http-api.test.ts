import { request as httpRequest } from 'node:http';
import { statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectSettingsSchema, requests, type LogsAround } from '../../../shared';
import { startTestHost, type TestHost } from '../../support/host';

interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** A raw request, so the Host header and methods fetch refuses (TRACE) can be sent. */
function rawRequest(method: string, url: string, headers: Record<string, string>, body?: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const rawGet = (url: string, headers: Record<string, string>): Promise<RawResponse> => rawRequest('GET', url, headers);

type OpenApiOperation = {
  parameters?: { name: string; in: string; description?: string }[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, unknown>;
};

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

  it('refuses a query parameter given with no value (?since= is not since=0), naming it', async () => {
    for (const [path, field] of [
      ['/api/deployments/nope/logs?since=', 'since'],
      ['/api/deployments/nope/logs?since=5&limit', 'limit'],
      ['/api/deployments/nope/search?q=x&limit=', 'limit'],
      ['/api/deployments/nope/metrics?points=', 'points'],
    ] as const) {
      const response = await host.api(path, { method: 'GET' });
      expect(response.status, path).toBe(400);
      expect(((await response.json()) as { error: unknown }).error, path).toEqual({ code: 'VALIDATION_FAILED', field, message: `Query parameter "${field}" is empty: give it a value, or leave it out.` });
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
    expect(deleted.status).toBe(202);
    expect(deleted.body.deleted).toBe(true);
    expect((await host.api(`/api/projects/${created.body.id}`)).status).toBe(404);
  });

  describe('does what its OpenAPI document says', () => {
    let document: { paths: Record<string, Record<string, OpenApiOperation>> };
    const operation = (path: string, method: string): OpenApiOperation => document.paths[path]![method]!;
    beforeAll(async () => {
      document = (await (await fetch(`${host.http.url}/api/openapi.json`)).json()) as typeof document;
    });
    const auth = () => ({ authorization: `Bearer ${host.http.token}` });

    it('answers a method a path does not declare with 405, an Allow header and the JSON envelope', async () => {
      const cases: [string, string, string[]][] = [
        ['TRACE', '/api/status', ['GET', 'HEAD', 'OPTIONS']],
        ['PUT', '/api/projects/some-project', ['GET', 'HEAD', 'PATCH', 'DELETE', 'OPTIONS']],
        ['POST', '/api/deployments', ['GET', 'HEAD', 'OPTIONS']],
        ['DELETE', '/api/deployments/x/logs/stream', ['GET', 'HEAD', 'OPTIONS']],
        // Fastify refuses a QUERY without Content-Type with 400 before routing; the method is the answer here.
        ['QUERY', '/api/deployments?since=1', ['GET', 'HEAD', 'OPTIONS']],
      ];
      for (const [method, path, allowed] of cases) {
        const response = await rawRequest(method, `${host.http.url}${path}`, auth());
        expect(response.status, `${method} ${path}`).toBe(405);
        expect(String(response.headers['allow']).split(', ').sort(), `${method} ${path}`).toEqual([...allowed].sort());
        expect(JSON.parse(response.body), `${method} ${path}`).toEqual({
          error: { code: 'METHOD_NOT_ALLOWED', message: `${method} is not a method of ${path.split('?')[0]}; it takes ${String(response.headers['allow'])}. See /api/openapi.json.` },
        });
      }
      const options = await rawRequest('OPTIONS', `${host.http.url}/api/projects`, auth());
      expect(options.status).toBe(204);
      expect(options.headers['allow']).toBe('GET, HEAD, POST, OPTIONS');
      // The token is still checked first, and an unknown path is still a 404.
      expect((await rawRequest('TRACE', `${host.http.url}/api/status`, {})).status).toBe(401);
      expect((await rawRequest('TRACE', `${host.http.url}/api/nothing-here`, auth())).status).toBe(404);
    });

    it('refuses a PATCH without a body, as the document marks its body required; rollback needs none', async () => {
      const project = await host.json<{ id: string }>('/api/projects', { method: 'POST', body: JSON.stringify({ name: 'No Body', sourceDir: '/tmp' }) });
      for (const path of [`/api/projects/${project.body.id}`, '/api/settings']) {
        expect(operation(path.replace(project.body.id, '{id}'), 'patch').requestBody?.required, path).toBe(true);
        const response = await host.json<{ error: { code: string; message: string } }>(path, { method: 'PATCH' });
        expect(response.status, path).toBe(400);
        expect(response.body.error).toEqual({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/needs a JSON object body/) });
      }
      expect(operation('/api/projects/{id}/rollback', 'post').requestBody?.required).toBe(false);
      // Without a body the rollback reaches the engine, which says there is nothing to roll back to.
      const rollback = await host.json<{ error: { code: string } }>(`/api/projects/${project.body.id}/rollback`, { method: 'POST' });
      expect(rollback).toMatchObject({ status: 409, body: { error: { code: 'CONFLICT' } } });
    });

    it('refuses unknown body keys at every level, naming them, and the document says additionalProperties: false', async () => {
      const create = operation('/api/projects', 'post').requestBody!.content['application/json']!.schema as {
        additionalProperties: boolean;
        properties: { settings: { additionalProperties: boolean; properties: { ecs: { additionalProperties: boolean } } } };
      };
      expect(create.additionalProperties).toBe(false);
      expect(create.properties.settings.additionalProperties).toBe(false);
      expect(create.properties.settings.properties.ecs.additionalProperties).toBe(false);
      for (const path of ['/api/projects/{id}', '/api/settings']) {
        expect((operation(path, 'patch').requestBody!.content['application/json']!.schema as { additionalProperties: boolean }).additionalProperties, path).toBe(false);
      }
      const refused = async (body: unknown, field: string | undefined, message: RegExp) => {
        const response = await host.json<{ error: { code: string; field?: string; message: string } }>('/api/projects', { method: 'POST', body: JSON.stringify(body) });
        expect(response.status, JSON.stringify(body)).toBe(400);
        expect(response.body.error, JSON.stringify(body)).toEqual({ code: 'VALIDATION_FAILED', ...(field === undefined ? {} : { field }), message: expect.stringMatching(message) });
      };
      await refused({ name: 'typo', sourceDir: '/tmp', sourcedir: '/tmp' }, undefined, /Unrecognized key: "sourcedir"/);
      await refused({ name: 'typo', sourceDir: '/tmp', settings: { hostport: 8080 } }, 'settings', /Unrecognized key: "hostport"/);
      await refused({ name: 'typo', sourceDir: '/tmp', settings: { env: [{ name: 'A', value: 'b', secrett: true }] } }, 'settings.env.0', /"secrett"/);
      await refused({ name: 'keys', sourceDir: '/tmp', settings: { ecs: { accessKeyId: 'AKIAXXXXXXXXXXXXXXXX' } } }, 'settings.ecs.accessKeyId', /does not store AWS keys.*settings\.ecs\.profile/);
      // A path parameter in the body would be overwritten by the path's: it is refused instead.
      const project = await host.json<{ id: string }>('/api/projects', { method: 'POST', body: JSON.stringify({ name: 'Id In Body', sourceDir: '/tmp' }) });
      const moved = await host.json<{ error: { field: string; message: string } }>(`/api/projects/${project.body.id}`, { method: 'PATCH', body: JSON.stringify({ id: 'other', name: 'x' }) });
      expect(moved).toMatchObject({ status: 400, body: { error: { field: 'id', message: expect.stringMatching(/belongs in the path/) } } });
    });

    it('states in the document the rules it checks: an absolute sourceDir, a name that is not blank', async () => {
      const create = operation('/api/projects', 'post').requestBody!.content['application/json']!.schema as { properties: Record<string, { pattern?: string }> };
      const sourceDir = new RegExp(create.properties['sourceDir']!.pattern!);
      const name = new RegExp(create.properties['name']!.pattern!);
      // Clients check the pattern with their own engine (schemathesis: Python's re), where \s and \S differ
      // from JavaScript's (U+FEFF); the document spells the whitespace out instead.
      expect(create.properties['name']!.pattern).not.toMatch(/\\[sSwWdD]/);
      for (const [value, valid] of [['/srv/app', true], ['C:\\app', true], ['app', false], ['Infinity', false], ['', false], ['/srv/a\u0000b', false]] as const) {
        expect(sourceDir.test(value), value).toBe(valid);
        const response = await host.json<{ error?: { field: string } }>('/api/projects', { method: 'POST', body: JSON.stringify({ name: 'pattern', sourceDir: value }) });
        // Valid by the pattern: the engine then looks for the folder (409 when it is not there).
        expect(response.body.error?.field === 'sourceDir' && response.status === 400, value).toBe(!valid);
      }
      for (const [value, valid] of [['demo', true], ['  demo  ', true], ['   ', false], ['\ufeff', false], ['', false]] as const) {
        expect(name.test(value), JSON.stringify(value)).toBe(valid);
        const response = await host.json<{ name?: string; error?: { field: string } }>('/api/projects', { method: 'POST', body: JSON.stringify({ name: value, sourceDir: '/tmp' }) });
        expect(response.status, JSON.stringify(value)).toBe(valid ? 200 : 400);
        if (valid) expect(response.body.name).toBe(value.trim());
      }
    });

    it('answers getLogsAround for every combination, as documented: lineNo wins over at, neither means the newest line', async () => {
      const project = host.engine.store.projects.create({ name: 'around', sourceDir: '/tmp', target: 'docker', settings: projectSettingsSchema.parse({}) });
      const deploymentId = host.engine.store.deployments.create(project.id, 'docker').id;
      for (let index = 1; index <= 20; index++) host.engine.logs.append(deploymentId, { stream: 'stdout', source: 'runtime', text: `line ${index}`, ts: Date.UTC(2026, 0, 1) + index * 1000 });
      host.engine.logs.flush();
      const parameters = operation('/api/deployments/{id}/logs/around', 'get').parameters!;
      expect(parameters.find((parameter) => parameter.name === 'lineNo')?.description).toMatch(/Wins over at/);
      expect(parameters.find((parameter) => parameter.name === 'at')?.description).toMatch(/Ignored when lineNo is given/);
      const around = async (query: string) => {
        const response = await host.json<LogsAround>(`/api/deployments/${deploymentId}/logs/around?before=1&after=1${query}`);
        expect(response.status, query).toBe(200);
        return { anchor: response.body.anchorLineNo, lineNos: response.body.lines.map((line) => line.lineNo) };
      };
      const atFive = `&at=${encodeURIComponent(new Date(Date.UTC(2026, 0, 1) + 5000).toISOString())}`;
      expect(await around(atFive)).toEqual({ anchor: 5, lineNos: [4, 5, 6] });
      expect(await around('&lineNo=12')).toEqual({ anchor: 12, lineNos: [11, 12, 13] });
      expect(await around(`&lineNo=12${atFive}`)).toEqual({ anchor: 12, lineNos: [11, 12, 13] });
      expect(await around('')).toEqual({ anchor: 20, lineNos: [19, 20] });
      // Bad values are still refused, naming the field.
      const bad = await host.json<{ error: { field: string } }>(`/api/deployments/${deploymentId}/logs/around?lineNo=0`);
      expect(bad).toMatchObject({ status: 400, body: { error: { field: 'lineNo' } } });
    });

    it('links the ids in answers to the operations that take them (OpenAPI links)', async () => {
      const deploy = operation('/api/projects/{id}/deploy', 'post').responses['200'] as { links: Record<string, { operationId: string; parameters: { id: string } }> };
      expect(deploy.links['pauseRun']).toEqual({ operationId: 'pauseRun', parameters: { id: '$response.body#/run/id' } });
      expect(deploy.links['stopDeployment']).toEqual({ operationId: 'stopDeployment', parameters: { id: '$response.body#/deployment/id' } });
      const created = operation('/api/projects', 'post').responses['200'] as { links: Record<string, unknown> };
      expect(Object.keys(created.links).sort()).toEqual(
        (Object.keys(requests) as (keyof typeof requests)[]).filter((name) => requests[name].path.startsWith('/api/projects/:id')).sort(),
      );
      // A link sits on the success answer, whatever its status.
      const listed = operation('/api/deployments', 'get').responses['200'] as { links: Record<string, { parameters: { id: string } }> };
      expect(listed.links['stopDeployment']?.parameters.id).toBe('$response.body#/0/id');
    });

    it('answers a stop with 202, as the document says, and documents the error envelope on every route', async () => {
      const project = host.engine.store.projects.create({ name: 'stop-202', sourceDir: '/tmp', target: 'docker', settings: projectSettingsSchema.parse({}) });
      const deploymentId = host.engine.store.deployments.create(project.id, 'docker').id;
      const stopped = await host.json<{ status: string }>(`/api/deployments/${deploymentId}`, { method: 'DELETE' });
      expect(stopped).toMatchObject({ status: 202, body: { status: 'stopped' } });
      expect(Object.keys(operation('/api/deployments/{id}', 'delete').responses)).toEqual(expect.arrayContaining(['202', '4XX', '5XX']));
      expect(operation('/api/deployments/{id}', 'delete').responses['200']).toBeUndefined();
      expect(operation('/api/projects/{id}', 'delete').responses['202']).toBeDefined();
      expect(operation('/api/projects/{id}', 'get').responses['200']).toBeDefined();
      for (const [path, methods] of Object.entries(document.paths)) {
        for (const [method, described] of Object.entries(methods)) {
          expect(Object.keys(described.responses), `${method} ${path}`).toEqual(expect.arrayContaining(['4XX', '5XX']));
        }
      }
    });
  });

  it('reports the engine status: version, Docker reachability, AWS configuration', async () => {
    const { status, body } = await host.json<{ version: string; docker: { reachable: boolean }; degraded: boolean }>('/api/status');
    expect(status).toBe(200);
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(typeof body.docker.reachable).toBe('boolean');
    expect(body.degraded).toBe(!body.docker.reachable);
  });
});
