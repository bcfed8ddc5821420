// settings.s3 through the real HTTP API (validation, the OpenAPI document), and the pure URL rules.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizePrefix, resolveS3Settings, siteBaseUrl, sitePublicUrl } from '../../../electron/engine/aws/s3-settings';
import { filesToVerify } from '../../../electron/engine/targets/s3/s3-steps';
import { artifactRef, artifactRunId } from '../../../electron/engine/targets/s3/site-artifact';
import { startTestHost, type TestHost } from '../../support/host';

describe('settings.s3 through the HTTP API', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(async () => host.stop());

  const create = (s3: unknown) => host.json<{ id: string; target: string; settings: { s3?: unknown }; error?: { code: string; field?: string; message: string } }>('/api/projects', { method: 'POST', body: JSON.stringify({ name: 'site', sourceDir: '/tmp', target: 's3', settings: { s3 } }) });

  it('stores a valid block and reads it back', async () => {
    const s3 = { bucket: 'my-site.bucket-1', prefix: 'sites/blog/', region: 'eu-west-1', profile: 'web', website: { indexDocument: 'index.html', errorDocument: '404.html' }, createBucket: true, publicUrl: 'https://blog.example.com/' };
    const { status, body } = await create(s3);
    expect(status).toBe(200);
    expect(body).toMatchObject({ target: 's3', settings: { s3 } });
    // A patch clears it with null.
    const cleared = await host.json<{ settings: { s3?: unknown } }>(`/api/projects/${body.id}`, { method: 'PATCH', body: JSON.stringify({ settings: { s3: null } }) });
    expect(cleared.body.settings.s3).toBeUndefined();
  });

  it.each([
    [{ bucket: 'My_Bucket' }, 'settings.s3.bucket', /must be an S3 bucket name: lower-case letters/],
    [{ bucket: 'ab' }, 'settings.s3.bucket', /3 to 63 characters/],
    [{ bucket: 'a'.repeat(64) }, 'settings.s3.bucket', /3 to 63 characters/],
    [{ bucket: 'two..dots' }, 'settings.s3.bucket', /no "\.\."/],
    [{ bucket: '-leading' }, 'settings.s3.bucket', /starting and ending with a letter or digit/],
    [{ bucket: 'ok-bucket', prefix: '/abs' }, 'settings.s3.prefix', /without a leading "\/"/],
    [{ bucket: 'ok-bucket', prefix: 'a/../b' }, 'settings.s3.prefix', /"\.\."/],
    [{ bucket: 'ok-bucket', prefix: 'a//b' }, 'settings.s3.prefix', /empty parts/],
    [{ bucket: 'ok-bucket', website: { indexDocument: 'pages/index.html' } }, 'settings.s3.website.indexDocument', /no "\/"/],
    [{ bucket: 'ok-bucket', website: { indexDocument: 'index.html', extra: 1 } }, 'settings.s3.website', /Unrecognized key: "extra"/],
    [{ bucket: 'ok-bucket', secretAccessKey: 'x'.repeat(40) }, 'settings.s3.secretAccessKey', /does not store AWS keys.*settings\.s3\.profile/],
    [{ prefix: 'x' }, 'settings.s3.bucket', /expected string/],
  ])('refuses %j with a 400 naming %s', async (s3, field, message) => {
    const { status, body } = await create(s3);
    expect(status, JSON.stringify(body)).toBe(400);
    expect(body.error).toEqual({ code: 'VALIDATION_FAILED', field, message: expect.stringMatching(message) });
  });

  it('the OpenAPI document carries the bucket and prefix patterns and refuses unknown keys in the block', async () => {
    const doc = (await host.json<{ paths: Record<string, Record<string, { requestBody: { content: Record<string, { schema: { properties: { settings: { properties: { s3: { additionalProperties: boolean; properties: Record<string, { pattern?: string }> } } } } } }> } }>> }>('/api/openapi.json')).body;
    const s3 = doc.paths['/api/projects']!['post']!.requestBody.content['application/json']!.schema.properties.settings.properties.s3;
    expect(s3.additionalProperties).toBe(false);
    expect(new RegExp(s3.properties['bucket']!.pattern!).test('my-bucket')).toBe(true);
    expect(new RegExp(s3.properties['bucket']!.pattern!).test('My_Bucket')).toBe(false);
    expect(new RegExp(s3.properties['prefix']!.pattern!).test('a/../b')).toBe(false);
  });
});

describe('S3 addresses and artifacts (pure)', () => {
  const settings = (s3: Record<string, unknown>) => resolveS3Settings({ settings: { s3 } } as never);

  it('normalises the prefix to "" or folders ending in "/"', () => {
    expect(normalizePrefix(undefined)).toBe('');
    expect(normalizePrefix('site')).toBe('site/');
    expect(normalizePrefix('a/b/')).toBe('a/b/');
  });

  it('the site URL: path-style under an endpoint; the website endpoint (dash or dot region); else the index object URL; publicUrl wins', () => {
    expect(sitePublicUrl(settings({ bucket: 'b', prefix: 'p' }), 'us-east-1', 'http://127.0.0.1:5000/')).toBe('http://127.0.0.1:5000/b/p/index.html');
    expect(sitePublicUrl(settings({ bucket: 'b', website: { indexDocument: 'home.html' } }), 'us-east-1', 'http://moto:5000')).toBe('http://moto:5000/b/home.html');
    expect(sitePublicUrl(settings({ bucket: 'b', prefix: 'p/', website: { indexDocument: 'index.html' } }), 'us-east-1', null)).toBe('http://b.s3-website-us-east-1.amazonaws.com/p/');
    expect(sitePublicUrl(settings({ bucket: 'b', website: { indexDocument: 'index.html' } }), 'eu-central-1', null)).toBe('http://b.s3-website.eu-central-1.amazonaws.com/');
    expect(sitePublicUrl(settings({ bucket: 'b', prefix: 'p' }), 'eu-west-3', null)).toBe('https://b.s3.eu-west-3.amazonaws.com/p/index.html');
    expect(sitePublicUrl(settings({ bucket: 'b', publicUrl: 'https://cdn.example.com/' }), 'eu-west-3', null)).toBe('https://cdn.example.com/');
    expect(siteBaseUrl(settings({ bucket: 'b', prefix: 'a b' }), 'us-east-1', 'http://e')).toBe('http://e/b/a%20b/');
  });

  it('verify reads the index document (else the first HTML page) and one asset, a hashed one first', () => {
    const files = (...paths: string[]) => ({ files: paths.map((path) => ({ path, size: 1, etag: 'e' })) });
    expect(filesToVerify(files('a.css', 'assets/app.3f9a1c2b.js', 'index.html'), 'index.html').map((f) => f.path)).toEqual(['index.html', 'assets/app.3f9a1c2b.js']);
    expect(filesToVerify(files('docs/a.html', 'logo.png'), 'index.html').map((f) => f.path)).toEqual(['docs/a.html', 'logo.png']);
    expect(filesToVerify(files('only.html'), 'index.html').map((f) => f.path)).toEqual(['only.html']);
  });

  it('a release names its artifact by the run that built it', () => {
    expect(artifactRef('run_abc')).toBe('s3-artifact:run_abc');
    expect(artifactRunId('s3-artifact:run_abc')).toBe('run_abc');
    expect(artifactRunId('berth/app:run_abc')).toBeNull();
  });
});
