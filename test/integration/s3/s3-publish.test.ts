// The S3 target against a real moto_server (through a fault proxy): a static site published file for file with
// the right headers, a redeploy that deletes what the release dropped (after the uploads), rollbacks, a multipart
// file, website hosting, the network retry, and stop. Run: npx vitest run test/integration/s3
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetBucketWebsiteCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMoto, useEmulatorEnvironment, type RunningServer } from '../../support/aws-emulator';
import { startFaultProxy, type FaultProxy } from '../../support/fault-proxy';
import { S3_FIXTURES, startS3Harness, type S3Harness } from './s3-harness';

let moto: RunningServer;
let proxy: FaultProxy;
let restoreEnv: () => void;
let harness: S3Harness;

/** Every file of a folder, relative, sorted. */
function filesOf(dir: string, relative = ''): string[] {
  return readdirSync(join(dir, relative), { withFileTypes: true })
    .flatMap((entry) => {
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      return entry.isDirectory() ? filesOf(dir, path) : [path];
    })
    .sort();
}

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startFaultProxy(moto.url);
  restoreEnv = useEmulatorEnvironment({ ...moto, url: proxy.url });
  harness = await startS3Harness(proxy.url);
}, 120_000);

afterAll(async () => {
  await harness?.close();
  await proxy?.close();
  restoreEnv?.();
  await moto?.stop();
});

describe('a static site on S3', () => {
  it('publishes every file byte for byte with its Content-Type and Cache-Control, leaves out what the build context ignores, and records the artifact', async () => {
    const bucket = await harness.bucket();
    const source = join(S3_FIXTURES, 'static-site');
    const before = filesOf(source).map((path) => `${path}:${statSync(join(source, path)).mtimeMs}`);
    const project = harness.project(source, { bucket, prefix: 'site/' });
    const run = await harness.deploy(project);
    expect(run.status, JSON.stringify(run.failure)).toBe('completed');
    expect(run.steps.map((step) => `${step.name}:${step.status}`)).toEqual(['auth:success', 'build:success', 'publish:success', 'verify:success', 'done:success']);

    const objects = await harness.objects(bucket, 'site/');
    const expected = filesOf(source).filter((path) => path !== '.env');
    expect([...objects.keys()].sort()).toEqual(expected.map((path) => `site/${path}`));
    for (const path of expected) expect(objects.get(`site/${path}`)!.body.equals(readFileSync(join(source, path))), path).toBe(true);
    const headers = (key: string): [string | undefined, string | undefined] => [objects.get(key)!.contentType, objects.get(key)!.cacheControl];
    expect(headers('site/index.html')).toEqual(['text/html; charset=utf-8', 'no-cache']);
    expect(headers('site/docs/about.html')).toEqual(['text/html; charset=utf-8', 'no-cache']);
    expect(headers('site/assets/site.4e1f9a2c.css')).toEqual(['text/css; charset=utf-8', 'public, max-age=31536000, immutable']);
    expect(headers('site/app.js')).toEqual(['text/javascript; charset=utf-8', 'public, max-age=300']);
    expect(headers('site/logo.svg')).toEqual(['image/svg+xml', 'public, max-age=300']);

    const publish = harness.stepLines(run, 'publish');
    expect(publish.filter((line) => line.startsWith('uploaded '))).toHaveLength(expected.length);
    expect(harness.stepLines(run, 'verify')).toEqual(expect.arrayContaining([expect.stringMatching(/^verified s3:\/\/.*\/site\/index\.html: \d+ bytes, identical/), expect.stringMatching(/^verified s3:\/\/.*\/site\/assets\/site\.4e1f9a2c\.css/)]));

    const deployment = harness.engine.store.deployments.get(run.deploymentId)!;
    expect(deployment.status).toBe('running');
    expect(deployment.publicUrl).toBe(`${proxy.url}/${bucket}/site/index.html`);
    const [release] = harness.engine.store.releases.listForDeployment(run.deploymentId);
    expect(release!.imageRef).toBe(`s3-artifact:${run.id}`);
    expect(deployment.imageRef).toBe(release!.imageRef);
    // The project folder was only read.
    expect(filesOf(source).map((path) => `${path}:${statSync(join(source, path)).mtimeMs}`)).toEqual(before);
  });

  it('a redeploy uploads what changed, deletes what the release dropped only after the uploads, and rollback publishes the previous files again', async () => {
    const bucket = await harness.bucket();
    const dir = harness.copyFixture('static-site');
    const project = harness.project(dir, { bucket });
    const first = await harness.deploy(project);
    expect(first.status, JSON.stringify(first.failure)).toBe('completed');
    const v1 = await harness.objects(bucket);

    rmSync(join(dir, 'docs/about.html'));
    writeFileSync(join(dir, 'index.html'), readFileSync(join(dir, 'index.html'), 'utf8').replace('version 1', 'version 2'));
    const second = await harness.deploy(project);
    expect(second.status, JSON.stringify(second.failure)).toBe('completed');
    const v2 = await harness.objects(bucket);
    expect(v2.has('docs/about.html')).toBe(false);
    expect(v2.get('index.html')!.body.toString()).toContain('version 2');
    const lines = harness.stepLines(second, 'publish');
    expect(lines.filter((line) => line.startsWith('uploaded '))).toEqual([expect.stringMatching(/^uploaded index\.html /)]);
    expect(lines).toContain('3 files unchanged (same ETag): not uploaded');
    const deleted = lines.findIndex((line) => line === 'deleted docs/about.html (not in this release)');
    expect(deleted).toBeGreaterThan(lines.findIndex((line) => line.startsWith('uploaded index.html')));

    const rollback = await harness.engine.controller.rollback(project);
    const rolledBack = await harness.waitForRun(rollback.id);
    expect(rolledBack.status, JSON.stringify(rolledBack.failure)).toBe('completed');
    expect(rolledBack.steps.map((step) => step.name)).toEqual(['auth', 'rollback', 'verify', 'done']);
    const restored = await harness.objects(bucket);
    expect([...restored.keys()].sort()).toEqual([...v1.keys()].sort());
    for (const [key, object] of v1) expect(restored.get(key)!.body.equals(object.body), key).toBe(true);
    const deployment = harness.engine.store.deployments.get(first.deploymentId)!;
    expect(deployment.currentReleaseId).toBe(harness.engine.store.releases.listForDeployment(first.deploymentId).find((release) => release.runId === first.id)!.id);
    expect(deployment.imageRef).toBe(`s3-artifact:${first.id}`);
  });

  it('a failed verify rolls back automatically: the previous release is published again', async () => {
    const bucket = await harness.bucket();
    const dir = harness.copyFixture('static-site');
    const project = harness.project(dir, { bucket, prefix: 'auto' });
    expect((await harness.deploy(project)).status).toBe('completed');
    writeFileSync(join(dir, 'index.html'), readFileSync(join(dir, 'index.html'), 'utf8').replace('version 1', 'version 3'));
    // The endpoint now serves other bytes for the new page than were uploaded.
    proxy.rewriteBodies((method, _path, body) => method === 'GET' && body.includes('version 3'), (body) => Buffer.from(body.toString().replace('version 3', 'tampered!')));
    let run;
    try {
      run = await harness.deploy(project);
    } finally {
      proxy.reset();
    }
    expect(run.status).toBe('failed');
    expect(run.failure).toMatchObject({ code: 'DEPLOYMENT_VERIFICATION_FAILED', stage: 'verify' });
    expect(run.failure!.evidence.line).toMatch(/as served \(\d+ bytes, md5 [0-9a-f]+\) differs from the release's file/);
    expect(run.failure!.likelyCause).toMatch(/rolled back automatically/);
    expect(run.steps.map((step) => `${step.name}:${step.status}`)).toContain('rollback:success');
    const objects = await harness.objects(bucket, 'auto/');
    expect(objects.get('auto/index.html')!.body.toString()).toContain('version 1');
  });

  it('a file past the multipart threshold goes up in parts and verifies', async () => {
    const bucket = await harness.bucket();
    const dir = harness.copyFixture('static-site');
    const big = Buffer.alloc(9 * 1024 * 1024 + 124);
    for (let i = 0; i < big.length; i += 4) big.writeUInt32LE((i * 2654435761) >>> 0, i);
    writeFileSync(join(dir, 'video.bin'), big);
    rmSync(join(dir, 'app.js'));
    const project = harness.project(dir, { bucket });
    const run = await harness.deploy(project);
    expect(run.status, JSON.stringify(run.failure)).toBe('completed');
    expect(harness.stepLines(run, 'publish')).toContain('uploaded video.bin (9.0 MiB, application/octet-stream, public, max-age=300, multipart in 2 parts)');
    // verify reads back one asset: the only unhashed one left besides the logo is picked after the hashed CSS, so check it here.
    const objects = await harness.objects(bucket);
    expect(objects.get('video.bin')!.body.equals(big)).toBe(true);
    expect(objects.get('video.bin')!.etag).toMatch(/-2"$/);
    // A redeploy finds it unchanged by its multipart ETag.
    const again = await harness.deploy(project);
    expect(harness.stepLines(again, 'publish').filter((line) => line.startsWith('uploaded '))).toEqual([]);
  });

  it('website hosting: PutBucketWebsite, and verify reads the page at the site address (a bucket the public may not read fails verify, saying so)', async () => {
    const bucket = await harness.bucket();
    const project = harness.project(join(S3_FIXTURES, 'static-site'), { bucket, prefix: 'www/', website: { indexDocument: 'index.html', errorDocument: '404.html' } });
    const refused = await harness.deploy(project);
    expect(refused.status).toBe('failed');
    expect(refused.failure).toMatchObject({ code: 'DEPLOYMENT_VERIFICATION_FAILED', stage: 'verify' });
    expect(refused.failure!.evidence.line).toMatch(/^Error: GET http:\/\/127\.0\.0\.1:\d+\/berth-test-[0-9a-f]+\/www\/index\.html answered HTTP 403$/);
    expect(refused.failure!.likelyCause).toMatch(/allow s3:GetObject for everyone/);

    // What the user does: a bucket policy that lets everyone read the site.
    const policy = { Version: '2012-10-17', Statement: [{ Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/www/*` }] };
    await harness.s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(policy) }));
    const run = await harness.deploy(project);
    expect(run.status, JSON.stringify(run.failure)).toBe('completed');
    const website = await harness.s3.send(new GetBucketWebsiteCommand({ Bucket: bucket }));
    expect(website.IndexDocument?.Suffix).toBe('index.html');
    expect(website.ErrorDocument?.Key).toBe('www/404.html');
    expect(harness.stepLines(run, 'verify')).toContain(`verified ${proxy.url}/${bucket}/www/index.html: HTTP 200, ${readFileSync(join(S3_FIXTURES, 'static-site/index.html')).length} bytes, identical to the release`);
  });

  it('a dropped connection is retried visibly (INFRASTRUCTURE_NETWORK_FAILURE is retryable) and the publish completes', async () => {
    const bucket = await harness.bucket();
    const project = harness.project(join(S3_FIXTURES, 'static-site'), { bucket });
    // Twice as many as the SDK's own quiet retry (maxAttempts 2): Berth's retry must act.
    proxy.dropNext(4, (method, path) => method === 'PUT' && path.includes('/index.html'));
    let run;
    try {
      run = await harness.deploy(project);
    } finally {
      proxy.reset();
    }
    expect(run.status, JSON.stringify(run.failure)).toBe('completed');
    const retries = harness.stepLines(run, 'publish').filter((line) => /^S3 upload of index\.html failed with a network error .*; retry \d of 3 in \d+ ms$/.test(line));
    expect(retries.length).toBeGreaterThanOrEqual(1);
    expect((await harness.objects(bucket)).get('index.html')!.body.equals(readFileSync(join(S3_FIXTURES, 'static-site/index.html')))).toBe(true);
  });

  it('a refused upload fails publish with AUTHENTICATION_FAILED; another S3 error with S3_PUBLISH_FAILED naming the file; nothing is deleted', async () => {
    const bucket = await harness.bucket();
    const dir = harness.copyFixture('static-site');
    const project = harness.project(dir, { bucket });
    expect((await harness.deploy(project)).status).toBe('completed');
    rmSync(join(dir, 'docs/about.html'));
    writeFileSync(join(dir, 'app.js'), 'console.log("v2");');
    const putApp = (method: string, path: string): boolean => method === 'PUT' && path.includes('/app.js');
    let denied;
    let refused;
    try {
      proxy.answerNext(10, putApp, 403, 'AccessDenied', 'Access Denied');
      denied = await harness.deploy(project);
      proxy.reset();
      proxy.answerNext(10, putApp, 400, 'InvalidStorageClass', 'The storage class you specified is not valid');
      refused = await harness.deploy(project);
    } finally {
      proxy.reset();
    }
    expect(denied.failure).toMatchObject({ code: 'AUTHENTICATION_FAILED', stage: 'publish' });
    expect(denied.failure!.likelyCause).toMatch(/^Uploading app\.js to s3:\/\/berth-test-[0-9a-f]+\/app\.js was refused: AccessDenied: Access Denied\. Set AWS credentials/);
    expect(refused.failure).toMatchObject({ code: 'S3_PUBLISH_FAILED', stage: 'publish', category: 'infrastructure_failure', retryable: false });
    expect(refused.failure!.likelyCause).toMatch(/^Uploading app\.js to s3:\/\/berth-test-[0-9a-f]+\/app\.js failed: InvalidStorageClass: The storage class you specified is not valid\. Check that the bucket accepts uploads/);
    expect(refused.failure!.evidence.line).toMatch(/^Error: Uploading app\.js .* failed: InvalidStorageClass/);
    // The failed publishes deleted nothing: the page the old release names is still there.
    expect((await harness.objects(bucket)).has('docs/about.html')).toBe(true);
  });

  it('stop answers at once and leaves the site published', async () => {
    const bucket = await harness.bucket();
    const project = harness.project(join(S3_FIXTURES, 'static-site'), { bucket });
    const run = await harness.deploy(project);
    expect(run.status).toBe('completed');
    const started = Date.now();
    await harness.engine.controller.stopDeployment(run.deploymentId);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(harness.engine.store.deployments.get(run.deploymentId)!.status).toBe('stopped');
    await harness.engine.controller.whenStopped(run.deploymentId);
    harness.engine.logs.flush();
    const lines = harness.engine.store.logLines.since(run.deploymentId, 0, 10_000).map((line) => line.text);
    expect(lines).toContainEqual(expect.stringMatching(/^\[STOP\] the site stays published at .* \(s3:\/\/berth-test-[0-9a-f]+\/\): Berth stops nothing on S3\. To take it down, delete the objects: aws s3 rm --recursive s3:\/\//));
    expect((await harness.objects(bucket)).size).toBe(5);
  });
});
