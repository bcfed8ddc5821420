// An S3 project from the form to a published site: the AWS choice defaults to S3 for a static folder, a bad
// bucket name is refused next to its field, and after a deploy (to a real moto_server) the project window
// shows the bucket, the prefix and the site's URL.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { test, expect } from '@playwright/test';
import { EMULATOR_CREDENTIALS, EMULATOR_REGION, startMoto, type RunningServer } from '../test/support/aws-emulator';
import { openApp, startBerth, type BerthServer } from './support/berth';

let moto: RunningServer;
let berth: BerthServer & { stop(): Promise<void> };
const site = mkdtempSync(join(tmpdir(), 'berth-e2e-s3-site-'));

test.beforeAll(async () => {
  writeFileSync(join(site, 'index.html'), '<!doctype html><title>e2e site</title><h1>e2e site</h1><script src="app.3f9a1c2b.js"></script>');
  writeFileSync(join(site, 'app.3f9a1c2b.js'), 'console.log("e2e");');
  moto = await startMoto();
  const s3 = new S3Client({ region: EMULATOR_REGION, endpoint: moto.url, forcePathStyle: true, credentials: { ...EMULATOR_CREDENTIALS } });
  await s3.send(new CreateBucketCommand({ Bucket: 'e2e-site-bucket' }));
  // Visitors may read the site (without it the URL answers 403, as on AWS).
  const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::e2e-site-bucket/site/*' }] };
  await s3.send(new PutBucketPolicyCommand({ Bucket: 'e2e-site-bucket', Policy: JSON.stringify(policy) }));
  s3.destroy();
  berth = await startBerth({
    BERTH_AWS_ENDPOINT: moto.url,
    AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
    AWS_REGION: EMULATOR_REGION,
    AWS_EC2_METADATA_DISABLED: 'true',
  });
});

test.afterAll(async () => {
  await berth?.stop();
  await moto?.stop();
  rmSync(site, { recursive: true, force: true });
});

test('creates an S3 project in the form, deploys it, shows bucket, prefix and URL, and stop leaves the site up', async ({ page }) => {
  await openApp(page, berth);
  await page.getByRole('link', { name: 'Add project' }).click();
  await page.getByLabel('Name').fill('Static Site');
  await page.getByLabel('Source directory').fill(site);
  await expect(page.getByRole('status', { name: 'Detected in the folder' })).toContainText('static');
  await expect(page.getByLabel('On AWS')).toHaveCount(0);
  await page.getByLabel('Target').selectOption('aws');
  // A static folder: the AWS choice defaults to S3, and the S3 fields replace the ECS ones.
  await expect(page.getByLabel('On AWS')).toHaveValue('s3');
  await expect(page.getByLabel('Cluster')).toHaveCount(0);
  await page.getByLabel('Bucket', { exact: true }).fill('Bad_Bucket');
  await page.getByRole('button', { name: 'Add project' }).click();
  const bucket = page.getByLabel('Bucket', { exact: true });
  await expect(bucket).toHaveAttribute('aria-invalid', 'true');
  await expect(bucket).toHaveAccessibleDescription(/must be an S3 bucket name/);
  await bucket.fill('e2e-site-bucket');
  await page.getByLabel('Prefix').fill('site/');
  await page.getByRole('button', { name: 'Add project' }).click();

  await expect(page.getByRole('heading', { level: 2, name: 'Static Site' })).toBeVisible();
  await expect(page.getByLabel('Target')).toHaveText('AWS S3');
  const grid = page.getByRole('list', { name: 'Deployment details' }).or(page.getByLabel('Deployment details'));
  await expect(grid.getByText('e2e-site-bucket', { exact: true })).toBeVisible();
  await expect(grid.getByText('site/', { exact: true })).toBeVisible();

  await page.getByRole('button', { name: 'Deploy', exact: true }).click();
  await expect(page.getByLabel('Deployment status')).toHaveText('Running', { timeout: 60_000 });
  const url = `${moto.url}/e2e-site-bucket/site/index.html`;
  await expect(grid.getByRole('link', { name: url })).toHaveAttribute('href', url);
  // The URL serves the published page to anyone.
  expect(await (await fetch(url)).text()).toContain('<h1>e2e site</h1>');
  // Stop marks the deployment stopped at once; the site stays published.
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await expect(page.getByLabel('Deployment status')).toHaveText('Stopped');
  expect((await fetch(url)).status).toBe(200);
  const stored = await berth.api<{ name: string; target: string; settings: { s3?: unknown } }[]>('GET', '/api/projects');
  expect(stored.body.find((project) => project.name === 'Static Site')).toMatchObject({ target: 's3', settings: { s3: { bucket: 'e2e-site-bucket', prefix: 'site/' } } });
});
